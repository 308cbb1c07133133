"""The ``apps`` benchmark part: what a citizen and an officer experience, through the real
programs: a touch on the kiosk's window until its ticket screen is drawn and its ticket
printed; the officer console's "call next" until the console, the display board's window and
a phone page show the call. See docs/performance.md, "End to end through the apps".

    scenario.py       the measured scenario (driver side), ``run_apps``
    processes.py      a virtual X screen and the apps' processes (driver side)
    browser.py        Debian's chromium through Selenium, and the page's clock
    site_file.py      the site file: the benchmark's centre plus a kiosk and a board
    kiosk_runner.py   ``python -m bench.apps.kiosk_runner``: the kiosk app, probed
    board_runner.py   ``python -m bench.apps.board_runner``: a display board, probed
    window.py         Kivy-side helpers: touch a widget, read the window, time a frame

Nothing here is imported by the package itself: the runners import Kivy, the driver Selenium.
"""
