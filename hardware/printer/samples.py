"""Sample documents: the ``print-test`` ticket, and fixtures for tests and the demo.

The texts use every Vietnamese letter and tone mark, so a test print shows at a glance
whether the diacritics come out right.
"""

from __future__ import annotations

import datetime as dt

from hardware.printer.documents import CheckInSlip, DossierSlip, QueueTicket

__all__ = [
    "SAMPLE_QR",
    "VIETNAMESE_ALPHABET",
    "sample_check_in_slip",
    "sample_dossier_slip",
    "sample_queue_ticket",
]

SAMPLE_QR = "http://motcua.local:8765/t/TESTPRNT23"
VIETNAMESE_ALPHABET = (
    "ĂÂĐÊÔƠƯ ăâđêôơư · à á ả ã ạ · ằ ắ ẳ ẵ ặ · ề ế ể ễ ệ · ờ ớ ở ỡ ợ · ừ ứ ử ữ ự · ỳ ý ỷ ỹ ỵ"
)
_AT = dt.datetime(2025, 3, 21, 8, 42)


def sample_queue_ticket(issued_at: dt.datetime = _AT, qr_payload: str = SAMPLE_QR) -> QueueTicket:
    return QueueTicket(
        centre_name="Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế",
        number="A012",
        service_vi="Hộ tịch – Đăng ký khai sinh",
        service_en="Civil status – Birth registration",
        issued_at=issued_at,
        people_ahead=7,
        estimated_wait_minutes=25,
        counters=("Quầy 3", "Quầy 4"),
        qr_payload=qr_payload,
        priority="Người cao tuổi · Elderly",
        footer=f"In thử / Test print — {VIETNAMESE_ALPHABET}",
    )


def sample_check_in_slip(issued_at: dt.datetime = _AT) -> CheckInSlip:
    return CheckInSlip(
        centre_name="UBND phường Phú Hội – Bộ phận một cửa",
        number="H105",
        procedure_vi="Đất đai – Cấp đổi giấy chứng nhận quyền sử dụng đất",
        procedure_en="Land – Reissue of the land use right certificate",
        booking_code="ABCD-2345",
        appointment_time=issued_at.replace(hour=9, minute=30),
        issued_at=issued_at,
        counters=("5",),
        qr_payload="http://motcua.local:8765/t/HKMN234567",
        footer="Vui lòng có mặt trước giờ hẹn 10 phút. Please arrive 10 minutes early.",
    )


def sample_dossier_slip(printed_at: dt.datetime = _AT) -> DossierSlip:
    return DossierSlip(
        centre_name="Trung tâm Phục vụ hành chính công tỉnh Thừa Thiên Huế",
        dossier_code="000.00.21.H57-250321-0042",
        procedure="Đăng ký thành lập hộ kinh doanh",
        status="Đang xử lý – chờ bổ sung giấy tờ",
        department="Phòng Tài chính – Kế hoạch thành phố Huế",
        due_date=dt.date(2025, 3, 28),
        collect_at="Quầy 12 – Trả kết quả",
        printed_at=printed_at,
        qr_payload="http://motcua.local:8765/d/000.00.21.H57-250321-0042",
        footer="Tra cứu: dichvucong.gov.vn",
    )
