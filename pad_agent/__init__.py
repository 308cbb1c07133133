"""``motcua-pads``: the rating pads' agent, an app of its own — it opens the pads' buses
(:mod:`hardware.pad`) and speaks for each pad to the queue server (:mod:`.app`), wired by
:mod:`.bootstrap`."""
