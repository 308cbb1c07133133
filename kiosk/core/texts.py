"""Every text the kiosk shows, in Vietnamese and English: the translation catalogue.

    texts = Catalogue(Language.VI)
    texts("ticket.people_ahead", count=3)   # "Số người đang chờ trước bạn: 3"
    texts.other("home.title")               # the same text in the second language

Vietnamese is first; English second (shown under it where there is room). Every entry has
both, NFC-normalised, with the same ``{placeholders}`` (a test checks).
"""

from __future__ import annotations

import dataclasses
import enum
import string
import unicodedata

from kiosk.core.access_texts import ACCESS_TEXTS


class Language(enum.StrEnum):
    VI = "vi"
    EN = "en"


class UnknownText(KeyError):
    """A key that is not in the catalogue (a programming error)."""


TEXTS: dict[str, tuple[str, str]] = {
    # home
    "home.title": ("Mời chọn lĩnh vực để lấy số thứ tự", "Choose a field to take a number"),
    "home.priority": ("Ưu tiên", "Priority"),
    "home.priority_hint": ("Người cao tuổi, khuyết tật, mang thai…", "Elderly, disabled, pregnant…"),
    "home.checkin": ("Đã đặt lịch hẹn", "I have an appointment"),
    "home.checkin_hint": ("Quét mã QR lịch hẹn", "Scan your booking QR code"),
    "home.dossier": ("Tra cứu hồ sơ", "Dossier status"),
    "home.dossier_hint": ("Quét mã trên giấy biên nhận", "Scan your receipt's code"),
    "home.language": ("English", "Tiếng Việt"),
    "home.scan_hint": (
        "Có mã QR? Đưa mã vào máy quét bất cứ lúc nào.",
        "Have a QR code? Hold it to the scanner at any time.",
    ),
    "home.no_services": ("Chưa có lĩnh vực nào", "No fields yet"),
    # tiles
    "tile.waiting": ("Đang chờ: {count}", "Waiting: {count}"),
    "tile.wait": ("Chờ khoảng {minutes} phút", "About {minutes} min"),
    "tile.wait_short": ("Chờ dưới 1 phút", "Under a minute"),
    "tile.wait_unknown": ("Chưa có quầy mở", "No counter open yet"),
    "tile.closed": ("Ngoài giờ phục vụ", "Closed now"),
    "tile.full": ("Hết số hôm nay", "No numbers left today"),
    # priority
    "priority.title": ("Bạn thuộc đối tượng ưu tiên nào?", "Which priority applies to you?"),
    "priority.service_title": ("Chọn lĩnh vực (ưu tiên: {category})", "Choose a field (priority: {category})"),
    "priority.note": (
        "Cán bộ có thể đề nghị xuất trình giấy tờ chứng minh.",
        "The officer may ask for a document showing it.",
    ),
    # ticket
    "ticket.title": ("Số thứ tự của bạn", "Your number"),
    "ticket.service": ("Lĩnh vực: {name}", "Field: {name}"),
    "ticket.people_ahead": ("Số người đang chờ trước bạn: {count}", "People ahead of you: {count}"),
    "ticket.wait": ("Thời gian chờ dự kiến: khoảng {minutes} phút", "Estimated wait: about {minutes} min"),
    "ticket.wait_unknown": ("Thời gian chờ: chưa xác định", "Estimated wait: not known yet"),
    "ticket.wait_short": ("Thời gian chờ dự kiến: dưới 1 phút", "Estimated wait: under a minute"),
    "ticket.counters": ("Quầy phục vụ: {counters}", "Counters: {counters}"),
    "ticket.go_now": ("Mời đến Quầy {counter} ngay", "Please go to counter {counter} now"),
    "ticket.priority": ("Vé ưu tiên", "Priority ticket"),
    "ticket.appointment": ("Vé theo lịch hẹn", "Appointment ticket"),
    "ticket.late": (
        "Bạn đến muộn hơn giờ hẹn: số này được gọi theo thứ tự thông thường.",
        "You came after your appointment time: this number is called in the ordinary order.",
    ),
    "ticket.printing": ("Đang in phiếu…", "Printing your ticket…"),
    "ticket.printed": ("Mời nhận phiếu bên dưới.", "Please take your ticket below."),
    "ticket.qr": ("Quét mã QR để theo dõi lượt trên điện thoại", "Scan the QR code to follow your turn on a phone"),
    "ticket.not_printed": (
        "Máy in đang gặp sự cố ({reason}): hãy chụp ảnh màn hình này hoặc ghi lại số của bạn.",
        "The printer has a problem ({reason}): take a photo of this screen or write your number down.",
    ),
    "ticket.done": ("Xong", "Done"),
    # printer faults (shown in ticket.not_printed and on the admin page)
    "printer.paper_out": ("hết giấy", "out of paper"),
    "printer.cover_open": ("nắp máy in đang mở", "cover open"),
    "printer.offline": ("máy in không sẵn sàng", "offline"),
    "printer.timeout": ("máy in không phản hồi", "not answering"),
    "printer.not_found": ("không tìm thấy máy in", "not found"),
    "printer.failed": ("in không thành công", "printing failed"),
    "printer.none": ("chưa lắp máy in", "no printer configured"),
    "printer.ok": ("bình thường", "working"),
    # appointment check-in
    "checkin.title": ("Nhận số theo lịch hẹn", "Appointment check-in"),
    "checkin.scan": (
        "Đưa mã QR lịch hẹn vào máy quét, hoặc nhập mã đặt lịch (8 ký tự):",
        "Hold your booking QR code to the scanner, or type the booking code (8 characters):",
    ),
    "checkin.submit": ("Nhận số", "Check in"),
    "checkin.too_short": ("Mã đặt lịch có 8 ký tự.", "A booking code has 8 characters."),
    "checkin.unknown": (
        "Không tìm thấy lịch hẹn với mã này. Vui lòng kiểm tra lại mã, hoặc lấy số thông thường.",
        "No appointment has this code. Check the code, or take an ordinary number.",
    ),
    "checkin.too_early": (
        "Bạn đến sớm. Mời quay lại nhận số từ {time}.",
        "You are early. Please check in from {time}.",
    ),
    "checkin.wrong_day": (
        "Lịch hẹn này không phải hôm nay ({day}). Mời đến đúng ngày hẹn, hoặc lấy số thông thường.",
        "This appointment is not today ({day}). Come on its day, or take an ordinary number.",
    ),
    "checkin.used": ("Lịch hẹn này đã được nhận số rồi.", "This appointment has already been checked in."),
    "checkin.cancelled": ("Lịch hẹn này đã bị hủy.", "This appointment was cancelled."),
    # dossier lookup
    "dossier.title": ("Tra cứu hồ sơ", "Dossier status"),
    "dossier.scan": (
        "Đưa mã vạch trên giấy biên nhận hồ sơ vào máy quét, hoặc nhập mã hồ sơ:",
        "Hold the barcode on your dossier receipt to the scanner, or type the dossier code:",
    ),
    "dossier.submit": ("Tra cứu", "Look up"),
    "dossier.code": ("Mã hồ sơ: {code}", "Dossier code: {code}"),
    "dossier.procedure": ("Thủ tục: {text}", "Procedure: {text}"),
    "dossier.department": ("Đơn vị đang xử lý: {text}", "Being handled by: {text}"),
    "dossier.due": ("Ngày hẹn trả kết quả: {date}", "Results due: {date}"),
    "dossier.collect": ("Nơi nhận kết quả: {text}", "Collect the results at: {text}"),
    "dossier.collect_ask": ("Hỏi tại quầy trả kết quả", "Ask at the results desk"),
    "dossier.print": ("In phiếu", "Print"),
    "dossier.printed": ("Đã in phiếu tra cứu.", "The slip is printed."),
    "dossier.unknown": (
        "Không tìm thấy hồ sơ có mã {code}. Vui lòng kiểm tra lại mã trên giấy biên nhận.",
        "No dossier has the code {code}. Check the code on your receipt.",
    ),
    "dossier.invalid": ("Mã hồ sơ không đúng dạng. Vui lòng nhập lại.", "That is not a dossier code. Please type it again."),
    "dossier.source_failed": (
        "Hệ thống một cửa điện tử đang không trả lời. Vui lòng thử lại sau ít phút.",
        "The one-stop system is not answering. Please try again in a few minutes.",
    ),
    "dossier.due_left": ("Còn {days} ngày làm việc đến ngày hẹn trả.", "{days} working day(s) left."),
    "dossier.due_today": ("Hôm nay là ngày hẹn trả kết quả.", "The result is due today."),
    "dossier.late": ("Đã quá hạn {days} ngày làm việc.", "{days} working day(s) late."),
    "dossier.late_today": ("Đã quá ngày hẹn trả.", "Past its due date."),
    "dossier.pickup": ("Lấy số nhận kết quả", "Number to collect"),
    "pickup.footer": ("Nhận kết quả hồ sơ {code}", "Result of dossier {code}"),
    "pickup.ticket": ("Hồ sơ: {code}", "Dossier: {code}"),
    "pickup.not_ready": (
        "Hồ sơ {code} chưa có kết quả, nên chưa cấp số nhận kết quả.",
        "Dossier {code} has no result yet: no number to collect it.",
    ),
    "pickup.unavailable": (
        "Ki-ốt này chưa cấp số nhận kết quả. Mời đến quầy trả kết quả.",
        "This kiosk gives no numbers to collect results. Please go to the results desk.",
    ),
    "citizen.title": ("Thẻ căn cước công dân", "Citizen ID card"),
    "citizen.ask": (
        "Ki-ốt sẽ dùng số căn cước {masked} để tìm lịch hẹn hôm nay và hồ sơ của bạn. "
        "Số căn cước không được lưu lại, không hiện lên màn hình. Bạn đồng ý chứ?",
        "The kiosk will use ID number {masked} to find today's appointments and your dossiers. "
        "The number is not kept and not shown. Do you agree?",
    ),
    "citizen.consent": ("Đồng ý", "I agree"),
    "citizen.found": ("Thẻ {masked}: chạm vào lịch hẹn để nhận số, vào hồ sơ để xem.", "Card {masked}: tap an appointment to check in, a dossier to see it."),
    "citizen.none": (
        "Không tìm thấy lịch hẹn hôm nay hay hồ sơ nào với thẻ {masked}.",
        "No appointment today and no dossier for card {masked}.",
    ),
    "citizen.appointment": ("Lịch hẹn {time} – {name}: nhận số", "Appointment {time} – {name}: check in"),
    "citizen.dossier": ("Hồ sơ {code}: {status}", "Dossier {code}: {status}"),
    "card.unreadable": (
        "Không đọc được thẻ căn cước. Vui lòng đưa mặt trước của thẻ (có mã QR) vào máy quét lại.",
        "The ID card could not be read. Please hold the front of the card (with the QR code) to the scanner again.",
    ),
    "status.returned": ("Hồ sơ được trả lại – mời liên hệ bộ phận một cửa", "Returned – please ask at the desk"),
    "status.received": ("Đã tiếp nhận", "Received"),
    "status.processing": ("Đang xử lý", "Being processed"),
    "status.supplement": ("Cần bổ sung giấy tờ", "Documents to add"),
    "status.ready": ("Đã có kết quả – mời đến nhận", "Ready to collect"),
    "status.collected": ("Đã trả kết quả", "Collected"),
    "status.overdue": ("Quá hạn – xin lỗi vì sự chậm trễ", "Overdue – we apologise for the delay"),
    # issuing refused
    "issue.closed": ("{name}: ngoài giờ phục vụ.", "{name}: closed now."),
    "issue.closed_until": ("{name}: ngoài giờ phục vụ. Mở lại lúc {time}.", "{name}: closed now. Opens at {time}."),
    "issue.full": (
        "{name}: đã hết số thứ tự hôm nay. Mời quay lại vào ngày làm việc tiếp theo.",
        "{name}: no numbers left today. Please come back on the next working day.",
    ),
    "issue.failed": (
        "Không lấy được số lúc này. Vui lòng thử lại hoặc hỏi cán bộ hướng dẫn.",
        "No number could be issued now. Please try again or ask a staff member.",
    ),
    # scans
    "scan.other_site": (
        "Mã này không phải của Trung tâm này.",
        "This code belongs to another centre.",
    ),
    "scan.unreadable": (
        "Không đọc được mã. Vui lòng đưa mã vào máy quét lại, giữ yên và thẳng.",
        "The code could not be read. Hold it to the scanner again, flat and still.",
    ),
    "scan.unknown": (
        "Mã này không phải lịch hẹn, số thứ tự hay biên nhận hồ sơ.",
        "This is not a booking, a ticket or a dossier receipt.",
    ),
    "scan.bad_ticket": ("Mã số thứ tự bị hỏng hoặc không đầy đủ.", "The ticket code is damaged or incomplete."),
    "scan.bad_booking": ("Mã lịch hẹn bị hỏng hoặc không đầy đủ.", "The booking code is damaged or incomplete."),
    "scan.bad_reentry": ("Mã quay lại bị hỏng hoặc không đầy đủ.", "The re-entry code is damaged or incomplete."),
    # a re-entry code (a dossier marked "cần bổ sung" at a counter): why it gave no ticket
    "reentry.expired": (
        "Mã quay lại bổ sung hồ sơ đã hết hạn (hạn cuối {day}). Mời bạn lấy số thường.",
        "This re-entry code expired (last day {day}). Please take a regular number.",
    ),
    "reentry.used": (
        "Mã quay lại này đã được dùng lúc {time}; mỗi mã chỉ dùng một lần. Mời bạn lấy số thường.",
        "This re-entry code was used at {time}; a code works once. Please take a regular number.",
    ),
    "reentry.replaced": (
        "Mã quay lại này đã được thay bằng mã mới hơn. Mời bạn dùng mã mới hoặc lấy số thường.",
        "This re-entry code was replaced by a newer one. Use the newer code or take a regular number.",
    ),
    "reentry.unknown": (
        "Không tìm thấy mã quay lại này. Mời bạn lấy số thường.",
        "This re-entry code is not known here. Please take a regular number.",
    ),
    "reentry.take_plain": ("Lấy số thường · {name}", "Take a regular number · {name}"),
    "ticket.return_visit": (
        "Quay lại bổ sung hồ sơ: bạn được ưu tiên",
        "Back with your missing papers: you are served first",
    ),
    "scan.ticket": (
        "Số {label} ({name}): còn {count} người trước bạn.",
        "Number {label} ({name}): people ahead of you: {count}.",
    ),
    "scan.ticket_done": ("Số {label} không còn trong hàng chờ.", "Number {label} is no longer waiting."),
    # "Cần hỗ trợ": the help button in the bar over every citizen's screen (kiosk/help.py, access_bar.py)
    "help.button": ("Cần hỗ trợ", "I need help"),
    "help.asking": ("Đang gọi người hỗ trợ…", "Calling someone to help you…"),
    "help.asked": ("Đã gọi người hỗ trợ, xin chờ trong giây lát", "Someone is coming to help you, please wait a moment"),
    "help.ahead": ("Có {count} người cần hỗ trợ trước bạn", "Asked for help before you: {count}"),
    "help.next": ("Bạn là người tiếp theo", "You are next"),
    "help.coming": ("Tình nguyện viên đang đến", "A volunteer is on the way"),
    "help.failed": (
        "Chưa gọi được người hỗ trợ ({reason}). Xin hỏi cán bộ gần nhất.",
        "Could not call anyone ({reason}). Please ask the nearest staff member.",
    ),
    # messages and the offline screen
    "message.title": ("Thông báo", "Notice"),
    "message.back": ("Quay lại", "Back"),
    "common.back": ("Quay lại", "Back"),
    "common.home": ("Trang chủ", "Home"),
    "common.delete": ("Xóa", "Delete"),
    "common.busy": ("Đang xử lý, vui lòng chờ…", "Working, please wait…"),
    "offline.title": ("Tạm ngưng phục vụ", "Service paused"),
    "offline.body": (
        "Ki-ốt đang mất kết nối với hệ thống xếp hàng và sẽ tự kết nối lại.\nXin vui lòng chờ trong giây lát hoặc hỏi cán bộ hướng dẫn.",
        "The kiosk lost its connection to the queue system and is reconnecting.\nPlease wait a moment or ask a staff member.",
    ),
    # the first run (not enrolled yet) and the server's refusals
    "firstrun.title": ("Ki-ốt chưa được đăng ký", "This kiosk is not enrolled"),
    "firstrun.prompt": (
        "Ki-ốt chưa được đăng ký — quét mã QR đăng ký trên màn hình quản lý, hoặc nhập mã",
        "This kiosk is not enrolled — scan the enrolment QR code on the manager's screen, or type the code",
    ),
    "firstrun.server": ("Máy chủ: {url}", "Server: {url}"),
    "firstrun.server_unknown": ("Máy chủ: chưa biết (mã QR đăng ký có địa chỉ máy chủ)", "Server: not known yet (the enrolment QR code holds it)"),
    "firstrun.submit": ("Đăng ký", "Enrol"),
    "firstrun.too_short": ("Mã đăng ký có 8 ký tự.", "An enrolment code has 8 characters."),
    "firstrun.no_server": (
        "Chưa biết địa chỉ máy chủ: hãy quét mã QR đăng ký.",
        "The server's address is not known: scan the enrolment QR code.",
    ),
    "firstrun.enrolling": ("Đang đăng ký với máy chủ…", "Enrolling with the server…"),
    "firstrun.enrolled": ("Đã đăng ký. Đang nhận cấu hình từ máy chủ…", "Enrolled. Receiving the configuration from the server…"),
    "firstrun.refused": ("Không đăng ký được: {reason}", "Enrolment refused: {reason}"),
    "firstrun.unreachable": (
        "Không kết nối được máy chủ {url}. Kiểm tra mạng rồi quét lại.",
        "Cannot reach the server {url}. Check the network, then scan again.",
    ),
    "firstrun.cannot_write": ("Không ghi được thư mục {folder}: {reason}", "Cannot write the folder {folder}: {reason}"),
    "firstrun.not_enrolment": ("Đây không phải mã QR đăng ký thiết bị.", "This is not a device enrolment QR code."),
    "firstrun.bad_qr": ("Mã QR đăng ký bị hỏng hoặc không đầy đủ.", "The enrolment QR code is damaged or incomplete."),
    "firstrun.newer_qr": (
        "Mã QR đăng ký của phiên bản phần mềm khác: cần cập nhật phần mềm ki-ốt.",
        "An enrolment QR code of another software version: update this kiosk's software.",
    ),
    "scan.enrolment": (
        "Đây là mã đăng ký thiết bị, không phải mã của công dân.",
        "This is a device enrolment code, not a citizen's code.",
    ),
    "refused.device_revoked": ("Thiết bị đã bị thu hồi", "This device has been revoked"),
    "refused.bad_token": ("Máy chủ không nhận ra ki-ốt này", "The server does not know this kiosk"),
    "refused.protocol_unsupported": (
        "Phần mềm ki-ốt không tương thích với máy chủ",
        "This kiosk's software does not match the server's",
    ),
    "refused.staff_reenrol": (
        "Xin báo cán bộ: thiết bị cần được cấp lại mã đăng ký. "
        "Cán bộ: cấp mã mới trên màn hình quản lý, rồi đưa mã QR vào máy quét của ki-ốt này.",
        "Please tell a staff member: this device needs a new enrolment code. "
        "Staff: make one on the manager's screen, then hold its QR code to this kiosk's scanner.",
    ),
    "refused.staff_update": (
        "Xin báo cán bộ: cần cập nhật phần mềm của ki-ốt hoặc của máy chủ. Ki-ốt tự thử lại mỗi phút.",
        "Please tell a staff member: the kiosk's or the server's software needs updating. The kiosk tries again every minute.",
    ),
    # admin
    "admin.title": ("Quản trị ki-ốt", "Kiosk administration"),
    "admin.pin": ("Nhập mã PIN quản trị:", "Enter the admin PIN:"),
    "admin.ok": ("Mở", "Open"),
    "admin.bad_pin": ("Sai mã PIN.", "Wrong PIN."),
    "admin.locked": ("Nhập sai quá nhiều lần. Thử lại sau {seconds} giây.", "Too many wrong PINs. Try again in {seconds} s."),
    "admin.disabled": (
        "Chưa cấu hình mã PIN quản trị (options.admin_pin_hash).",
        "No admin PIN is configured (options.admin_pin_hash).",
    ),
    "admin.connection": ("Kết nối máy chủ: {state} ({url})", "Server connection: {state} ({url})"),
    "admin.connected": ("đã kết nối", "connected"),
    "admin.disconnected": ("mất kết nối", "disconnected"),
    "admin.printer": ("Máy in: {state}", "Printer: {state}"),
    "admin.scanner": ("Máy quét: {state}", "Scanner: {state}"),
    "admin.scanner_none": ("chưa lắp máy quét", "no scanner configured"),
    "admin.scanner_last": ("{names}; lần quét cuối: {last}", "{names}; last scan: {last}"),
    "admin.never": ("chưa có", "none yet"),
    "admin.test_print": ("In thử", "Test print"),
    "admin.test_printed": ("Đã in thử.", "Test page printed."),
    "admin.test_failed": ("In thử không được: {reason}", "Test print failed: {reason}"),
    "admin.reload": ("Tải lại cấu hình", "Reload configuration"),
    "admin.reloaded": ("Đã tải lại cấu hình.", "Configuration reloaded."),
    "admin.reload_failed": ("Cấu hình có lỗi, vẫn dùng cấu hình cũ:\n{error}", "The configuration has errors; keeping the old one:\n{error}"),
    "admin.exit": ("Thoát ki-ốt", "Exit the kiosk"),
    "admin.close": ("Đóng", "Close"),
    "admin.test_ticket": ("IN THỬ", "TEST"),
}
TEXTS |= ACCESS_TEXTS  # listening mode, large text, the ticket's waiting place

_FIELDS = string.Formatter()


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in _FIELDS.parse(text) if name}


@dataclasses.dataclass(frozen=True)
class Both:
    """A parameter said differently in each language (a field's name): the Vietnamese text
    takes ``vi``, the English one ``en``, so the second-language line is all in that language."""

    vi: str
    en: str

    def __str__(self) -> str:
        return self.vi


class Catalogue:
    """The texts in one first language; :meth:`other` gives the second one."""

    def __init__(self, language: Language = Language.VI) -> None:
        self.language = language

    @property
    def second(self) -> Language:
        return Language.EN if self.language is Language.VI else Language.VI

    def text(self, key: str, language: Language, **params: object) -> str:
        try:
            pair = TEXTS[key]
        except KeyError:
            raise UnknownText(key) from None
        template = pair[0] if language is Language.VI else pair[1]
        said = {k: (v.vi if language is Language.VI else v.en) if isinstance(v, Both) else v for k, v in params.items()}
        return unicodedata.normalize("NFC", template.format(**said))

    def __call__(self, key: str, **params: object) -> str:
        return self.text(key, self.language, **params)

    def other(self, key: str, **params: object) -> str:
        return self.text(key, self.second, **params)

    def title(self, key: str, **params: object) -> tuple[str, str]:
        """A screen's title: Vietnamese first, English second, whichever language the citizen
        chose (the body follows the choice; the title stays Vietnamese first on every screen)."""
        return self.text(key, Language.VI, **params), self.text(key, Language.EN, **params)
