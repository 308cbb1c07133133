"""Tickets and slips rendered as images: exact width, real Vietnamese, scannable QR codes."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw

from hardware.printer.canvas import Text, clean_text, render_blocks, wrap
from hardware.printer.documents import QueueTicket
from hardware.printer.errors import InvalidTicket
from hardware.printer.fonts import Weight, font
from hardware.printer.labels import DEFAULT_LABELS, Bilingual
from hardware.printer.layouts import render, render_queue_ticket
from hardware.printer.samples import sample_check_in_slip, sample_dossier_slip, sample_queue_ticket

WIDTHS = [384, 512, 576]
SAMPLES = {
    "queue-ticket": sample_queue_ticket,
    "check-in-slip": sample_check_in_slip,
    "dossier-slip": sample_dossier_slip,
}


def black_pixels(image: Image.Image) -> int:
    return image.convert("L").histogram()[0]


def same(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(a.convert("L"), b.convert("L")).getbbox() is None


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", SAMPLES)
def test_every_document_is_a_1_bit_image_exactly_the_paper_width(kind: str, width: int) -> None:
    image = render(SAMPLES[kind](), width)
    assert image.mode == "1"
    assert image.width == width
    assert 300 < image.height < 4 * width
    assert black_pixels(image) > 0


def test_rendering_is_deterministic() -> None:
    assert same(render(sample_queue_ticket(), 576), render(sample_queue_ticket(), 576))


@pytest.mark.parametrize("width", [100, 383, 0, -8])
def test_a_width_that_is_not_a_paper_width_is_refused(width: int) -> None:
    with pytest.raises(ValueError, match="multiple of 8"):
        render(sample_queue_ticket(), width)


def test_vietnamese_text_is_really_drawn() -> None:
    face = font(32, Weight.BOLD)
    text = "Hộ tịch – Đăng ký khai sinh"
    with_marks = render_blocks([Text(text, 32, Weight.BOLD)], 576)
    without_marks = render_blocks([Text("Ho tich – Dang ky khai sinh", 32, Weight.BOLD)], 576)
    assert black_pixels(with_marks) > black_pixels(without_marks) > 0

    def glyph(character: str) -> bytes:
        image = Image.new("L", (64, 64), 255)
        ImageDraw.Draw(image).text((8, 0), character, font=face, fill=0)
        return image.tobytes()

    letters = "ĂÂĐÊÔƠƯăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
    drawn = {glyph(letter) for letter in letters}
    assert len(drawn) == len(letters)  # every letter has its own glyph…
    assert glyph("\u4e00") not in drawn  # …and none is the missing-glyph box


def test_decomposed_input_prints_the_same_as_composed() -> None:
    composed = sample_queue_ticket()
    decomposed = dataclasses.replace(
        composed,
        centre_name=unicodedata.normalize("NFD", composed.centre_name),
        service_vi=unicodedata.normalize("NFD", composed.service_vi),
        footer=unicodedata.normalize("NFD", composed.footer),
        counters=tuple(unicodedata.normalize("NFD", c) for c in composed.counters),
    )
    assert decomposed.service_vi != composed.service_vi
    assert same(render(decomposed, 384), render(composed, 384))


def test_clean_text_normalises_and_drops_invisible_characters() -> None:
    assert clean_text(unicodedata.normalize("NFD", "Đăng ký")) == "Đăng ký"
    assert clean_text("A\x00B\u200bC\t\n  D\ud800") == "ABC D"


def test_long_text_wraps_then_ends_in_an_ellipsis() -> None:
    face = font(20)
    lines = wrap("Trung tâm phục vụ hành chính công " * 40, face, 300, 3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(face.getlength(line) <= 300 for line in lines)
    lines = wrap("X" * 500, face, 300, 2)  # one word wider than the paper
    assert len(lines) == 2 and all(face.getlength(line) <= 300 for line in lines)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_huge_centre_name_and_footer_stay_within_the_paper(width: int) -> None:
    normal = render(sample_queue_ticket(), width)
    huge = dataclasses.replace(
        sample_queue_ticket(),
        centre_name="Ủy ban nhân dân " * 300,
        footer="Nghiêngnghiêngnghiêng" * 200,
        counters=[f"Quầy {n}" for n in range(200)],
        number="A" * 40,
    )
    image = render(huge, width)
    assert image.width == width
    assert image.height < normal.height * 2


def test_unknown_wait_and_no_priority() -> None:
    ticket = dataclasses.replace(sample_queue_ticket(), estimated_wait_minutes=None, priority=None)
    assert render(ticket, 576).width == 576


def test_a_wait_under_half_a_minute_prints_as_under_a_minute() -> None:
    ticket = dataclasses.replace(sample_queue_ticket(), estimated_wait_minutes=0)
    other = dataclasses.replace(DEFAULT_LABELS, wait_short=Bilingual("ngay", "now"))
    assert not same(render_queue_ticket(ticket, 576, other), render_queue_ticket(ticket, 576))  # the label is used
    longer = dataclasses.replace(sample_queue_ticket(), estimated_wait_minutes=7)
    assert same(render_queue_ticket(longer, 576, other), render_queue_ticket(longer, 576))  # only for 0


def test_labels_can_be_replaced_by_the_translation_catalogue() -> None:
    labels = dataclasses.replace(DEFAULT_LABELS, people_ahead=Bilingual("Còn", "Ahead"))
    ticket = sample_queue_ticket()
    assert not same(render_queue_ticket(ticket, 576, labels), render_queue_ticket(ticket, 576))


@pytest.mark.parametrize("payload", ["https://motcua.vn/t/Đ", "http://x/t/ABC\u00a0", "line\nbreak", ""])
def test_a_qr_payload_that_is_not_printable_ascii_is_refused(payload: str) -> None:
    with pytest.raises(InvalidTicket, match="QR payload"):
        sample_queue_ticket(qr_payload=payload)


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(InvalidTicket, match="negative"):
        dataclasses.replace(sample_queue_ticket(), people_ahead=-1)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", SAMPLES)
def test_the_printed_qr_code_scans_back_to_its_payload(
    kind: str, width: int, tmp_path: Path, artefacts: Path, zbarimg: Callable[[Path], list[str]]
) -> None:
    document = SAMPLES[kind]()
    png = artefacts / f"{kind}-{width}.png"
    render(document, width).save(png)
    assert zbarimg(png) == [document.qr_payload]


_text = st.text(max_size=300)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    width=st.sampled_from(WIDTHS),
    centre=_text,
    number=st.text(min_size=1, max_size=30).filter(str.strip),
    service_vi=_text,
    service_en=_text,
    footer=_text,
    priority=st.none() | _text,
    counters=st.lists(st.text(max_size=20), max_size=8),
)
def test_any_unicode_text_renders_at_the_exact_width(
    width: int,
    centre: str,
    number: str,
    service_vi: str,
    service_en: str,
    footer: str,
    priority: str | None,
    counters: list[str],
) -> None:
    ticket = QueueTicket(
        centre_name=centre,
        number=number,
        service_vi=service_vi,
        service_en=service_en,
        issued_at=sample_queue_ticket().issued_at,
        people_ahead=3,
        estimated_wait_minutes=None,
        counters=counters,
        qr_payload="http://motcua.local/t/ABCDEFGHJK",
        priority=priority,
        footer=footer,
    )
    image = render(ticket, width)
    assert image.width == width and image.mode == "1"
