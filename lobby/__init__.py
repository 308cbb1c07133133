"""``motcua-lobby``: the whole lobby on one machine — the server, simulated devices, the pad
agent, a kiosk and a board (:mod:`.launcher`), their windows side by side on the screen
(:mod:`.windows`)."""
