"""The devices' roles as a refusal names them, Vietnamese first, and the refusals of a token
given to a machine of another kind (a kiosk's token in a board's state folder).

    wrong_token_words(Role.KIOSK, "kiosk-1", Role.DISPLAY)
    # "Mã thiết bị (token) này là của ki-ốt kiosk-1, không phải của bảng hiển thị — … (This token is …)"
"""

from __future__ import annotations

from queue_server.config.settings import Role, SiteConfig

__all__ = ["ROLE_WORDS", "not_this_roles_config", "role_words", "wrong_token_words"]

ROLE_WORDS = {
    Role.KIOSK: ("ki-ốt", "kiosk"),
    Role.DISPLAY: ("bảng hiển thị", "display board"),
    Role.PAD: ("bàn phím đánh giá", "rating pad"),
    Role.COUNTER: ("máy tính quầy", "counter PC"),
    Role.MANAGER: ("màn hình quản lý", "manager's screen"),
    Role.INTEGRATION: ("hệ thống tích hợp", "integration"),
    Role.PUBLIC: ("khách", "public connection"),
    Role.VOLUNTEER: ("điện thoại tình nguyện viên", "volunteer's phone"),
}


def role_words(role: Role | str | None) -> tuple[str, str]:
    """(Vietnamese, English) for a role, or its name as it came when it is none of ours."""
    try:
        return ROLE_WORDS[Role(str(role))]
    except ValueError:
        return (str(role), str(role))


def wrong_token_words(role: Role | str | None, device: str | None, wanted: Role | None = None) -> str:
    """A token of ``device`` (of ``role``) given to a machine that is a ``wanted`` (None: a
    kiosk, a board or a pad, the devices the server configures), which the server does not
    configure as such: what to do, Vietnamese first."""
    (vi, en), who = role_words(role), f" {device}" if device else ""
    if wanted is None:
        vi_not, en_not = "ki-ốt, bảng hiển thị hay bàn phím đánh giá", "a kiosk's, a board's or a pad's"
    else:
        vi_not, en_not = ROLE_WORDS[wanted][0], f"a {ROLE_WORDS[wanted][1]}'s"
    return (
        f"Mã thiết bị (token) này là của {vi}{who}, không phải của {vi_not}: máy chủ không gửi cấu hình cho "
        f"thiết bị này — xin cấp mã đăng ký cho nó. (This token is the {en}{who}'s, not {en_not}: the server "
        f"sends this device no configuration; enrol it with its own code.)"
    )


def not_this_roles_config(config: SiteConfig, wanted: Role) -> str:
    """The configuration the server sent (its one ``[[device]]``) is not a ``wanted``'s."""
    sent = config.devices[0] if len(config.devices) == 1 else None
    return wrong_token_words(sent.role if sent else None, sent.id if sent else None, wanted)
