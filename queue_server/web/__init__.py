"""The browser pages the queue server serves on its own port (see ``docs/web.md``).

- :mod:`~queue_server.web.pages`: which path is which page or asset, with its headers;
- :mod:`~queue_server.web.exports`: reports as CSV and Excel (.xlsx) files;
- :mod:`~queue_server.web.qr`: a booking's QR code as SVG;
- ``static/``: the pages (HTML, CSS, JS). They talk to the websocket like every other client.
"""
