"""From a configured URL to a :class:`TicketPrinter`, without opening anything.

    usb://0416:5011                       the usblp device with these ids
    serial:///dev/ttyUSB0?baudrate=19200  a serial port (rtscts, xonxoff, dsrdtr = 0|1)
    tcp://192.0.2.10:9100                 a network printer's raw port
    file:///dev/usb/lp0                   a device file
    cups://Kiosk_Printer                  a raw CUPS queue (through ``lp``)
    sim://var/sim/printer?paper=near_end  the virtual printer (see hardware.printer.sim)

Every scheme also takes the settings of :class:`~hardware.printer.config.PrinterConfig`
(``width``, ``profile``, ``cut``, ``status``, ``status_timeout``, ``timeout``).
"""

from __future__ import annotations

from hardware.printer.config import PrinterConfig, StatusPolicy
from hardware.printer.cups import CupsTransport
from hardware.printer.device_file import FileTransport, find_usb_printer, parse_usb_id
from hardware.printer.labels import DEFAULT_LABELS, Labels
from hardware.printer.network import DEFAULT_PORT, TcpTransport
from hardware.printer.printer import TicketPrinter
from hardware.printer.serial_port import SerialTransport
from hardware.printer.sim import SimPrinterTransport
from hardware.printer.transport import Transport
from hardware.urls import PRINTER_SCHEMES, DeviceURL, InvalidDeviceURL, parse_device_url

__all__ = ["SCHEMES", "printer_from_url", "transport_from_url"]

SCHEMES = PRINTER_SCHEMES


class _UsbTransport(FileTransport):
    """``usb://VID:PID``: finds its ``/dev/usb/lpN`` when opened, not before."""

    def __init__(self, vendor: int, product: int, *, name: str) -> None:
        super().__init__("/dev/usb/lp?", name=name)
        self.vendor, self.product = vendor, product

    def open(self) -> None:
        if not self.is_open:
            self.path = find_usb_printer(self.vendor, self.product)
        super().open()


def _flag(url: DeviceURL, name: str) -> bool:
    return url.int_param(name, 0) != 0


def transport_from_url(url: DeviceURL) -> Transport:
    timeout = url.float_param("timeout", 10.0)
    if url.scheme == "usb":
        vendor, product = parse_usb_id(url.target, url.raw)
        return _UsbTransport(vendor, product, name=url.raw)
    if url.scheme == "serial":
        return SerialTransport(
            url.target,
            url.int_param("baudrate", 9600),
            rtscts=_flag(url, "rtscts"),
            xonxoff=_flag(url, "xonxoff"),
            dsrdtr=_flag(url, "dsrdtr"),
            timeout=timeout,
            name=url.raw,
        )
    if url.scheme == "tcp":
        host, port = url.host_port(DEFAULT_PORT)
        return TcpTransport(host, port, timeout=timeout, name=url.raw)
    if url.scheme == "file":
        return FileTransport(url.target, name=url.raw)
    if url.scheme == "cups":
        return CupsTransport(url.target, timeout=url.float_param("timeout", 30.0), name=url.raw)
    if url.scheme == "sim":
        return SimPrinterTransport.from_url(url)
    raise InvalidDeviceURL(f"{url.raw}: not a printer URL (use one of: {', '.join(SCHEMES)})")


def printer_from_url(url: str, *, width: int | None = None, labels: Labels = DEFAULT_LABELS) -> TicketPrinter:
    """The printer ``url`` names, closed; ``width`` in dots overrides the URL's.

    Raises :class:`InvalidDeviceURL` for a URL that cannot name a printer.
    """
    parsed = parse_device_url(url, SCHEMES)
    try:
        config = PrinterConfig.from_url(parsed, width)
    except ValueError as error:
        if isinstance(error, InvalidDeviceURL):
            raise
        raise InvalidDeviceURL(f"{url}: {error}") from error
    transport = transport_from_url(parsed)
    if config.status is StatusPolicy.REQUIRED and not transport.can_read:
        raise InvalidDeviceURL(
            f"{url}: status=required needs a connection that reads the printer's status "
            "(serial, tcp or sim); this one cannot"
        )
    return TicketPrinter(transport, config, labels)
