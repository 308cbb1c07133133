"""The fixed words printed on tickets and slips, Vietnamese first and English second.

They live here, in one small value, so the kiosk's translation catalogue can replace them
(``dataclasses.replace(DEFAULT_LABELS, people_ahead=Bilingual(...))``) without touching
the layouts.
"""

from __future__ import annotations

import dataclasses

__all__ = ["Bilingual", "DEFAULT_LABELS", "Labels"]


@dataclasses.dataclass(frozen=True)
class Bilingual:
    """One label: Vietnamese, printed first, and English, printed smaller below."""

    vi: str
    en: str


@dataclasses.dataclass(frozen=True)
class Labels:
    your_number: Bilingual = Bilingual("SỐ THỨ TỰ", "YOUR NUMBER")
    priority: Bilingual = Bilingual("ƯU TIÊN", "PRIORITY")
    counters: Bilingual = Bilingual("Quầy phục vụ", "Counters")
    people_ahead: Bilingual = Bilingual("Số người chờ trước", "People ahead of you")
    estimated_wait: Bilingual = Bilingual("Thời gian chờ dự kiến", "Estimated wait")
    wait_unknown: Bilingual = Bilingual("chưa xác định", "not known yet")
    wait_short: Bilingual = Bilingual("dưới 1 phút", "under 1 min")  # not "~0 phút"
    minutes: Bilingual = Bilingual("phút", "min")
    go_now: Bilingual = Bilingual("Mời đến Quầy {counter} ngay", "Please go to counter {counter} now")
    issued: Bilingual = Bilingual("Giờ lấy số", "Issued at")
    scan_to_follow: Bilingual = Bilingual(
        "Quét mã để theo dõi lượt của bạn", "Scan to follow your turn on your phone"
    )
    appointment: Bilingual = Bilingual("LỊCH HẸN ĐÃ XÁC NHẬN", "APPOINTMENT CHECKED IN")
    booking_code: Bilingual = Bilingual("Mã đặt lịch", "Booking code")
    appointment_time: Bilingual = Bilingual("Giờ hẹn", "Appointment time")
    procedure: Bilingual = Bilingual("Thủ tục", "Procedure")
    dossier_status: Bilingual = Bilingual("TÌNH TRẠNG HỒ SƠ", "DOSSIER STATUS")
    dossier_code: Bilingual = Bilingual("Mã hồ sơ", "Dossier code")
    status: Bilingual = Bilingual("Trạng thái", "Status")
    department: Bilingual = Bilingual("Cơ quan xử lý", "Handled by")
    due_date: Bilingual = Bilingual("Ngày hẹn trả", "Due date")
    collect_at: Bilingual = Bilingual("Nơi nhận kết quả", "Collect at")
    scan_dossier: Bilingual = Bilingual("Quét mã để tra cứu hồ sơ", "Scan to look up the dossier")
    printed: Bilingual = Bilingual("In lúc", "Printed at")
    fee: Bilingual = Bilingual("PHIẾU THU PHÍ, LỆ PHÍ", "FEE TO PAY")
    amount: Bilingual = Bilingual("Số tiền", "Amount")
    payment_reference: Bilingual = Bilingual("Nội dung", "Reference")
    pay_to: Bilingual = Bilingual("Tài khoản nhận", "Pay to")
    counter: Bilingual = Bilingual("Quầy", "Counter")
    scan_to_pay: Bilingual = Bilingual(
        "Quét mã VietQR bằng ứng dụng ngân hàng để nộp phí", "Scan with any Vietnamese bank app to pay"
    )
    reentry: Bilingual = Bilingual("HỒ SƠ CẦN BỔ SUNG", "PAPERS MISSING")
    missing: Bilingual = Bilingual("Cần bổ sung", "Missing")
    come_back_by: Bilingual = Bilingual("Quay lại trước hết ngày", "Come back by")
    reentry_code: Bilingual = Bilingual("Mã quay lại", "Re-entry code")
    scan_to_return: Bilingual = Bilingual(
        "Khi quay lại, quét mã này tại máy lấy số để được ưu tiên gặp lại cán bộ đã tiếp nhận",
        "When you come back, scan this at the ticket kiosk to be served first",
    )
    # date.weekday() 0–6: how a Vietnamese date starts (Thứ Hai, 17/03/2025)
    weekdays_vi: tuple[str, ...] = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


DEFAULT_LABELS = Labels()
