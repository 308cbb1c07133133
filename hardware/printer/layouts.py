"""How tickets and slips look: documents in, 1-bit images exactly the paper's width out.

Pure functions of (document, width in dots, labels): no device, no clock, no randomness,
so the same input always gives the same image. Sizes scale with the width, measured
against an 80 mm printer's 576 dots; Vietnamese comes first, English smaller below.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PIL import Image

from hardware.printer.canvas import QR, Block, Field, Rule, Space, Text, clean_text, render_blocks
from hardware.printer.documents import CheckInSlip, Document, DossierSlip, FeeReceipt, QueueTicket, ReentrySlip
from hardware.printer.fonts import Weight, font
from hardware.printer.labels import DEFAULT_LABELS, Bilingual, Labels

__all__ = [
    "MIN_WIDTH", "render", "render_check_in_slip", "render_dossier_slip", "render_fee_receipt", "render_queue_ticket",
    "render_reentry_slip",
]

MIN_WIDTH = 128
REFERENCE_WIDTH = 576


class _Scale:
    def __init__(self, width: int) -> None:
        if width < MIN_WIDTH or width % 8:
            raise ValueError(f"paper width must be a multiple of 8 dots, at least {MIN_WIDTH} (got {width})")
        self.width = width
        self.margin = width // 24
        self.inner = width - 2 * self.margin

    def __call__(self, size: int) -> int:
        return max(12, round(size * self.width / REFERENCE_WIDTH))


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M · %d/%m/%Y")


def _fitted(text: str, size: int, scale: _Scale, smallest: int, max_lines: int = 1) -> Text:
    """Bold ``text`` as large as fits on one line, down to ``smallest``; then wrapped."""
    text = clean_text(text)
    while size > smallest and font(size, Weight.BOLD).getlength(text) > scale.inner:
        size = max(smallest, size * 9 // 10)
    return Text(text, size, Weight.BOLD, max_lines=max_lines)


def _big_number(number: str, scale: _Scale) -> Text:
    """The ticket number as large as fits on one line."""
    return _fitted(number, scale(150), scale, 20)


def _heading(centre_name: str, scale: _Scale) -> list[Block]:
    return [Text(centre_name, scale(26), Weight.BOLD, max_lines=3), Space(scale(6)), Rule(2), Space(scale(8))]


def _title(label: Bilingual, scale: _Scale, inverted: bool = False) -> list[Block]:
    return [
        Text(label.vi, scale(26), Weight.BOLD, max_lines=2, inverted=inverted),
        Text(label.en, scale(18), max_lines=2),
    ]


def _field(label: Bilingual, value: str, scale: _Scale) -> Field:
    return Field(label.vi, label.en, value, scale(22))


def _qr(payload: str, caption: Bilingual, scale: _Scale) -> list[Block]:
    return [
        Space(scale(10)),
        QR(payload),
        Text(caption.vi, scale(20), max_lines=2),
        Text(caption.en, scale(16), max_lines=2),
    ]


def _footer(footer: str, scale: _Scale) -> list[Block]:
    if not clean_text(footer):
        return [Space(scale(12))]
    return [Space(scale(6)), Rule(1), Space(scale(4)), Text(footer, scale(18), max_lines=4), Space(scale(12))]


def _wait_line(line: str, scale: _Scale) -> list[Block]:
    """Where to wait ("Mời ngồi chờ tại khu B, tầng 1"), bold; nothing when there is no line."""
    if not clean_text(line):
        return []
    return [Space(scale(6)), Text(line, scale(26), Weight.BOLD, max_lines=3), Space(scale(4))]


def _service(vi: str, en: str, scale: _Scale) -> list[Block]:
    return [
        Text(vi, scale(30), Weight.BOLD, max_lines=3),
        Text(en, scale(20), max_lines=2),
        Space(scale(6)),
        Rule(1),
    ]


def _counters(counters: Sequence[str]) -> str:
    return ", ".join(counters) or "—"


def _go_now(counter: str, labels: Labels, scale: _Scale) -> list[Block]:
    """The number is being called now: go to its counter (a band, Vietnamese first)."""
    return [
        Space(scale(8)),
        Text(labels.go_now.vi.format(counter=counter), scale(30), Weight.BOLD, max_lines=2, inverted=True),
        Text(labels.go_now.en.format(counter=counter), scale(20), max_lines=2),
        Space(scale(6)),
    ]


def _wait(minutes: int | None, labels: Labels) -> str:
    if minutes is None:
        return f"{labels.wait_unknown.vi} / {labels.wait_unknown.en}"
    if minutes == 0:
        return f"{labels.wait_short.vi} / {labels.wait_short.en}"
    return f"~{minutes} {labels.minutes.vi} / {labels.minutes.en}"


def render_queue_ticket(ticket: QueueTicket, width: int, labels: Labels = DEFAULT_LABELS) -> Image.Image:
    scale = _Scale(width)
    blocks: list[Block] = _heading(ticket.centre_name, scale)
    blocks += [
        Text(labels.your_number.vi, scale(22), Weight.BOLD, max_lines=1),
        Text(labels.your_number.en, scale(16), max_lines=1),
        _big_number(ticket.number, scale),
    ]
    if ticket.priority is not None:
        blocks += [
            Text(
                f"{labels.priority.vi} · {labels.priority.en}",
                scale(26),
                Weight.BOLD,
                max_lines=1,
                inverted=True,
            ),
            Text(ticket.priority, scale(20), max_lines=2),
            Space(scale(6)),
        ]
    blocks += _service(ticket.service_vi, ticket.service_en, scale)
    if ticket.go_now is not None:  # already called: where to go, not a wait
        blocks += _go_now(ticket.go_now, labels, scale)
    else:
        blocks += [
            Space(scale(6)),
            _field(labels.counters, _counters(ticket.counters), scale),
            _field(labels.people_ahead, str(ticket.people_ahead), scale),
            _field(labels.estimated_wait, _wait(ticket.estimated_wait_minutes, labels), scale),
        ]
        blocks += _wait_line(ticket.wait_line, scale)
    blocks += [_field(labels.issued, _when(ticket.issued_at), scale)]
    blocks += _qr(ticket.qr_payload, labels.scan_to_follow, scale)
    blocks += _footer(ticket.footer, scale)
    return render_blocks(blocks, width, scale.margin)


def render_check_in_slip(slip: CheckInSlip, width: int, labels: Labels = DEFAULT_LABELS) -> Image.Image:
    scale = _Scale(width)
    blocks: list[Block] = _heading(slip.centre_name, scale)
    blocks += _title(labels.appointment, scale, inverted=True)
    blocks += [
        Space(scale(6)),
        Text(labels.your_number.vi, scale(22), Weight.BOLD, max_lines=1),
        Text(labels.your_number.en, scale(16), max_lines=1),
        _big_number(slip.number, scale),
    ]
    blocks += _service(slip.procedure_vi, slip.procedure_en, scale)
    blocks += [
        Space(scale(6)),
        _field(labels.appointment_time, _when(slip.appointment_time), scale),
        _field(labels.booking_code, slip.booking_code, scale),
        _field(labels.counters, _counters(slip.counters), scale),
        _field(labels.issued, _when(slip.issued_at), scale),
    ]
    blocks += _wait_line(slip.wait_line, scale)
    blocks += _qr(slip.qr_payload, labels.scan_to_follow, scale)
    blocks += _footer(slip.footer, scale)
    return render_blocks(blocks, width, scale.margin)


def render_dossier_slip(slip: DossierSlip, width: int, labels: Labels = DEFAULT_LABELS) -> Image.Image:
    scale = _Scale(width)
    blocks: list[Block] = _heading(slip.centre_name, scale)
    blocks += _title(labels.dossier_status, scale)
    blocks += [
        Space(scale(6)),
        Text(labels.dossier_code.vi + " · " + labels.dossier_code.en, scale(18), max_lines=1),
        _fitted(slip.dossier_code, scale(40), scale, scale(24), max_lines=2),
        Space(scale(6)),
        Rule(1),
        Space(scale(6)),
        _field(labels.procedure, slip.procedure, scale),
        _field(labels.status, slip.status, scale),
        _field(labels.department, slip.department, scale),
        _field(labels.due_date, slip.due_date.strftime("%d/%m/%Y") if slip.due_date else "—", scale),
        _field(labels.collect_at, slip.collect_at, scale),
        _field(labels.printed, _when(slip.printed_at), scale),
    ]
    if slip.qr_payload is not None:
        blocks += _qr(slip.qr_payload, labels.scan_dossier, scale)
    blocks += _footer(slip.footer, scale)
    return render_blocks(blocks, width, scale.margin)


def dong(amount: int) -> str:
    """An amount as Vietnamese write it: dots between thousands, then "đồng" (50.000 đ)."""
    return f"{amount:,}".replace(",", ".") + " đ"


def render_fee_receipt(receipt: FeeReceipt, width: int, labels: Labels = DEFAULT_LABELS) -> Image.Image:
    scale = _Scale(width)
    blocks: list[Block] = _heading(receipt.centre_name, scale)
    blocks += _title(labels.fee, scale, inverted=True)
    blocks += [
        Space(scale(6)),
        _fitted(dong(receipt.amount), scale(60), scale, scale(28)),
        Space(scale(6)),
        Rule(1),
        Space(scale(6)),
        _field(labels.procedure, receipt.procedure, scale),
        _field(labels.your_number, receipt.number, scale),
        _field(labels.payment_reference, receipt.reference, scale),
        _field(labels.pay_to, receipt.account, scale),
    ]
    if receipt.counter:
        blocks.append(_field(labels.counter, receipt.counter, scale))
    blocks.append(_field(labels.printed, _when(receipt.printed_at), scale))
    blocks += _qr(receipt.vietqr_payload, labels.scan_to_pay, scale)
    blocks += _footer(receipt.footer, scale)
    return render_blocks(blocks, width, scale.margin)


def vietnamese_date(day: dt.date, labels: Labels = DEFAULT_LABELS) -> str:
    """``Thứ Hai, 17/03/2025``: the weekday first, as a Vietnamese date is said."""
    return f"{labels.weekdays_vi[day.weekday()]}, {day:%d/%m/%Y}"


def render_reentry_slip(slip: ReentrySlip, width: int, labels: Labels = DEFAULT_LABELS) -> Image.Image:
    scale = _Scale(width)
    blocks: list[Block] = _heading(slip.centre_name, scale)
    blocks += _title(labels.reentry, scale, inverted=True)
    blocks += [
        Space(scale(6)),
        _field(labels.procedure, slip.procedure, scale),
        _field(labels.your_number, slip.number, scale),
    ]
    if slip.dossier_code:
        blocks.append(_field(labels.dossier_code, slip.dossier_code, scale))
    if slip.counter:
        blocks.append(_field(labels.counter, slip.counter, scale))
    blocks += [
        Space(scale(6)),
        Rule(1),
        Space(scale(6)),
        Text(f"{labels.missing.vi} · {labels.missing.en}", scale(20), max_lines=1),
        Text(slip.note, scale(24), Weight.BOLD, max_lines=8),
        Space(scale(6)),
        Rule(1),
        Space(scale(6)),
        Text(f"{labels.come_back_by.vi} · {labels.come_back_by.en}", scale(20), max_lines=2),
        _fitted(vietnamese_date(slip.valid_until, labels), scale(34), scale, scale(22)),
        Space(scale(6)),
        Text(f"{labels.reentry_code.vi} · {labels.reentry_code.en}", scale(20), max_lines=1),
        _fitted(slip.code, scale(44), scale, scale(24)),
    ]
    blocks += _qr(slip.qr_payload, labels.scan_to_return, scale)
    blocks.append(_field(labels.printed, _when(slip.printed_at), scale))
    blocks += _footer(slip.footer, scale)
    return render_blocks(blocks, width, scale.margin)


def render(document: Document, width: int, labels: Labels = DEFAULT_LABELS) -> Image.Image:
    """Render any printable document at ``width`` dots."""
    if isinstance(document, QueueTicket):
        return render_queue_ticket(document, width, labels)
    if isinstance(document, CheckInSlip):
        return render_check_in_slip(document, width, labels)
    if isinstance(document, DossierSlip):
        return render_dossier_slip(document, width, labels)
    if isinstance(document, FeeReceipt):
        return render_fee_receipt(document, width, labels)
    if isinstance(document, ReentrySlip):
        return render_reentry_slip(document, width, labels)
    raise TypeError(f"cannot print a {type(document).__name__}")
