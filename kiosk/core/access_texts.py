"""The texts of listening mode, large text and the ticket's waiting place, in Vietnamese and
English (merged into :data:`kiosk.core.texts.TEXTS`; the catalogue's own test checks them too)."""

from __future__ import annotations

ACCESS_TEXTS: dict[str, tuple[str, str]] = {
    # the two buttons on every screen
    "access.listen": ("Nghe hướng dẫn", "Listen"),
    "access.listen_off": ("Tắt đọc", "Stop reading"),
    "access.large": ("Chữ lớn", "Large text"),
    "access.large_off": ("Chữ thường", "Normal text"),
    "access.listening_on": (
        "Chế độ nghe hướng dẫn đã bật. Chạm một lần vào nút để nghe, chạm lần nữa để chọn.",
        "Listening mode is on. Touch a button once to hear it, touch it again to choose it.",
    ),
    "access.listening_off": ("Đã tắt chế độ nghe hướng dẫn.", "Listening mode is off."),
    "access.large_on": ("Đã bật chữ lớn.", "Large text is on."),
    "access.more": ("Trang sau ›", "Next page ›"),
    "access.page": ("Trang {page}/{pages}", "Page {page}/{pages}"),
    "access.again": ("Chạm lần nữa để chọn.", "Touch again to choose it."),
    # what an issued ticket says aloud
    "spoken.ticket": ("Số thứ tự của bạn là {number}.", "Your number is {number}."),
    "spoken.service": ("Lĩnh vực {name}.", "Field: {name}."),
    "spoken.counters": ("Mời đến quầy số {counters} khi được gọi.", "Go to counter {counters} when called."),
    "spoken.people_ahead": ("Có {count} người đang chờ trước bạn.", "People ahead of you: {count}."),
    "spoken.nobody_ahead": ("Không có ai chờ trước bạn.", "Nobody is ahead of you."),
    "spoken.go_now": ("Mời đến quầy số {counter} ngay.", "Please go to counter {counter} now."),
    "spoken.and": ("và", "and"),
    # the ticket's waiting place (the site's or the field's wait_line, else this)
    "ticket.wait_line": (
        "Mời ngồi chờ tại khu vực chờ và theo dõi số trên bảng gọi số",
        "Please wait in the waiting area and watch for your number on the board",
    ),
}
