"""What the kiosk's paper says, read back from the simulated printer: a checked-in appointment's
ticket carries the appointment's time and booking code; a dossier slip with no collection place
says where to ask, never a blank line, and its QR code opens the dossier's page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from pathlib import Path

from PIL import Image, ImageChops

from hardware.printer import CheckInSlip, DossierSlip, QueueTicket
from hardware.printer.connect import printer_from_url
from hardware.printer.documents import Document
from hardware.printer.layouts import render
from hardware.printer.sim import list_jobs
from kiosk.core.documents import dossier_slip, issued_document
from kiosk.core.texts import Catalogue

TZ = dt.timezone(dt.timedelta(hours=7))
NOW = dt.datetime(2026, 11, 23, 9, 5, tzinfo=TZ)
CENTRE = "Trung tâm Phục vụ hành chính công xã An Bình"
URL = "http://lobby.local/t/K7Q2M9ABCD"


def printed(tmp_path: Path, document: Document) -> tuple[Image.Image, list[str]]:
    """The job's paper as the simulated printer drew it from the ESC/POS bytes, and its QR codes."""
    with printer_from_url(f"sim://{tmp_path}?width=576") as printer:
        printer.print(document)
    [job] = list_jobs(tmp_path)
    read = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sqrcode.enable", str(job.png)], capture_output=True, text=True)
    return Image.open(job.png).convert("1"), read.stdout.splitlines()


def same_paper(paper: Image.Image, expected: CheckInSlip | DossierSlip | QueueTicket) -> bool:
    drawn = render(expected, 576).convert("1")
    return paper.size == drawn.size and ImageChops.difference(paper, drawn).getbbox() is None


def test_a_checked_in_appointment_prints_its_time_and_booking_code(tmp_path: Path) -> None:
    ticket = {  # ticket.issue's reply to the kiosk for a booking checked in (the server's view)
        "label": "A012", "service": "HT", "service_name_vi": "Hộ tịch", "service_name_en": "Civil status",
        "appointment": "ABCD2345", "slot_start": "2026-11-23T02:15:00+00:00", "issued_at": NOW.isoformat(),
        "counters": [1, 2], "people_ahead": 0, "url": URL, "code": "K7Q2M9ABCD",
    }  # fmt: skip
    document = issued_document(CENTRE, ticket, "Lịch hẹn · Appointment", tz=TZ)
    paper, codes = printed(tmp_path, document)
    assert codes == [URL]
    expected = CheckInSlip(
        centre_name=CENTRE, number="A012", procedure_vi="Hộ tịch", procedure_en="Civil status",
        booking_code="ABCD-2345", appointment_time=dt.datetime(2026, 11, 23, 9, 15, tzinfo=TZ),
        issued_at=NOW, counters=["1", "2"], qr_payload=URL,
    )  # fmt: skip
    assert same_paper(paper, expected)  # "Giờ hẹn 09:15 23/11/2026", "Mã lịch hẹn ABCD-2345"
    walk_in = issued_document(CENTRE, {**ticket, "appointment": None, "slot_start": None}, None, tz=TZ)
    assert not isinstance(walk_in, CheckInSlip)


def test_a_dossier_slip_without_a_collection_place_says_where_to_ask_and_links_the_dossier(tmp_path: Path) -> None:
    link = "http://lobby.local/d/000.00.16.H57-261201-0002?k=Q2"
    dossier = {"code": "000.00.16.H57-261201-0002", "procedure": "Cấp giấy phép xây dựng", "status": "processing",
               "department": "Phòng Kinh tế", "due_date": "2026-12-08", "collect_at": "", "url": link}  # fmt: skip
    document = dossier_slip(CENTRE, dossier, NOW, Catalogue())
    assert document.collect_at == "Hỏi tại quầy trả kết quả"
    paper, codes = printed(tmp_path, document)
    assert codes == [link]  # the slip's QR code opens the dossier's page
    assert same_paper(paper, document)
    blank = DossierSlip(**{**document.__dict__, "collect_at": ""})
    assert not same_paper(paper, blank)  # the line is printed, not left blank


def test_the_ticket_prints_where_to_wait_in_bold_under_a_number_as_large_as_before(tmp_path: Path) -> None:
    ticket = {  # ticket.issue's reply for a walk-in number
        "label": "A012", "service": "HT", "service_name_vi": "Hộ tịch", "service_name_en": "Civil status",
        "issued_at": NOW.isoformat(), "counters": [1, 2], "people_ahead": 3, "estimated_wait_minutes": 12,
        "url": URL, "code": "K7Q2M9ABCD",
    }  # fmt: skip
    line = "Mời ngồi chờ tại khu B, tầng 1"
    document = issued_document(CENTRE, ticket, None, tz=TZ, wait=line)
    assert isinstance(document, QueueTicket) and document.wait_line == line
    paper, codes = printed(tmp_path / "with", document)
    assert codes == [URL]
    assert same_paper(paper, document)  # the bitmap the printer got is the ticket with its line
    without = dataclasses.replace(document, wait_line="")
    assert not same_paper(paper, without)  # …not the one without it
    plain = render(without, 576).convert("1")
    # the line is below the number: the paper is the same down to past the number, then longer
    number_rows = ImageChops.difference(plain, render(dataclasses.replace(without, number="B999"), 576).convert("1")).getbbox()
    assert number_rows is not None
    changed = ImageChops.difference(paper.crop((0, 0, 576, plain.height)), plain).getbbox()
    assert changed is not None and changed[1] > number_rows[3]  # nothing above the number's bottom moved
    assert paper.height > plain.height + 40  # a bold line of its own
    # and the number is as large as today's: the rows it takes are the same on both papers
    number_with = ImageChops.difference(paper, render(dataclasses.replace(document, number="B999"), 576).convert("1")).getbbox()
    assert number_with == number_rows


def test_a_checked_in_appointment_prints_where_to_wait_too(tmp_path: Path) -> None:
    ticket = {
        "label": "A012", "service": "HT", "service_name_vi": "Hộ tịch", "service_name_en": "Civil status",
        "appointment": "ABCD2345", "slot_start": "2026-11-23T02:15:00+00:00", "issued_at": NOW.isoformat(),
        "counters": [1], "url": URL, "code": "K7Q2M9ABCD",
    }  # fmt: skip
    document = issued_document(CENTRE, ticket, None, tz=TZ, wait="Mời ngồi chờ tại khu B, tầng 1")
    assert isinstance(document, CheckInSlip)
    paper, _ = printed(tmp_path, document)
    assert same_paper(paper, document) and not same_paper(paper, dataclasses.replace(document, wait_line=""))
