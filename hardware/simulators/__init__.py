"""Simulated serial devices: scanners and rating-pad buses on pseudo-terminals.

A simulated device holds the master side of a pty; drivers open the slave side through a
symlink (``var/sim/NAME.tty``) exactly as they open ``/dev/ttyUSB0``. A Unix socket next to
it (``var/sim/NAME.sock``) is its control channel: ``motcua-hw sim-scanner --name NAME
--send CODE`` and ``motcua-hw sim-pad --name NAME --press 4 --address 2`` talk to it.
The device URL ``sim://NAME`` (optionally ``?dir=DIR``) names it in the configuration.
"""
