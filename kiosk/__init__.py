"""The lobby kiosk: a Kivy touchscreen app that gives queue numbers, checks appointments in
and looks dossiers up, talking to the queue server and driving a ticket printer and scanners.

- :mod:`kiosk.core` — the kiosk's decisions, no Kivy and no I/O: texts, options, what to show
  for each reply or error, the idle timer, scanned code → action, documents to print.
- :mod:`kiosk.bootstrap` — the one place that reads the configuration and opens the printer,
  the scanners and the queue client.
- :mod:`kiosk.actions` — the asyncio side of each flow (request, print, report a fault).
- :mod:`kiosk.app` — the Kivy app, started by :mod:`kiosk.start`; :mod:`kiosk.screens` — one screen a file; :mod:`kiosk.cli` —
  ``motcua-kiosk``, the app or ``classify-code`` (no Kivy).
"""

import os

# Before any kiosk module imports Kivy (kiosk.access_bar, kiosk.app, the screens, …): the command
# line is ours — Kivy's own parser would read `--device`, `--state`, … and end the kiosk with its
# usage text — and Kivy logs its own; the -v option governs the rest.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_LOG_MODE", "MIXED")
