"""Errors of the protocol edge: a message the server cannot act on.

    Exception
    └── ProtocolError          code: ProtocolErrorCode, message: str

The core's refusals (:class:`queue_server.core.errors.DomainError`) travel the same way:
``{"re": 7, "ok": false, "error": {"code": ..., "message": ...}}``.
"""

from __future__ import annotations

import enum
from typing import Any


class ProtocolErrorCode(enum.StrEnum):
    BAD_JSON = "bad_json"
    BAD_MESSAGE = "bad_message"
    MESSAGE_TOO_LARGE = "message_too_large"
    UNKNOWN_OP = "unknown_op"
    MISSING_FIELD = "missing_field"
    BAD_FIELD = "bad_field"
    UNKNOWN_FIELD = "unknown_field"
    DUPLICATE_ID = "duplicate_id"
    HELLO_FIRST = "hello_first"
    ALREADY_HELLO = "already_hello"
    BAD_TOKEN = "bad_token"  # an unknown token, or a wrong, used or expired enrolment code
    ENROL_WRONG_ROLE = "enrol_wrong_role"  # an enrolment code of a device of another role than hello's "role"
    DEVICE_REVOKED = "device_revoked"  # the device's token was revoked (or replaced): enrol it again
    DEVICE_UNKNOWN = "device_unknown"  # no [[device]] of the site file has that id
    PROTOCOL_UNSUPPORTED = "protocol_unsupported"  # hello's "protocol": a version this server does not speak
    BAD_ORIGIN = "bad_origin"  # a web page of another origin than the site's own
    FORBIDDEN = "forbidden"
    SIGN_IN_REQUIRED = "sign_in_required"
    SESSION_EXPIRED = "session_expired"
    BAD_PIN = "bad_pin"
    PIN_LOCKED = "pin_locked"
    RATE_LIMITED = "rate_limited"
    STORE_UNAVAILABLE = "store_unavailable"
    DOSSIER_UNKNOWN = "dossier_unknown"
    DOSSIER_INVALID = "dossier_invalid"
    DOSSIER_SOURCE_FAILED = "dossier_source_failed"
    DOSSIER_NOT_READY = "dossier_not_ready"  # a pick-up ticket for a dossier whose result is not ready
    PICKUP_UNAVAILABLE = "pickup_unavailable"  # no [dossiers] pickup_service
    CARD_INVALID = "card_invalid"  # an ID card's number that cannot be one (the field is named, never the value)
    NO_FEE = "no_fee"
    NOTIFICATIONS_OFF = "notifications_off"
    CONSENT_REQUIRED = "consent_required"
    REMOTE_OFF = "remote_off"
    REMOTE_LIMIT = "remote_limit"
    REJOIN_CLOSED = "rejoin_closed"
    PRINTER_FAILED = "printer_failed"
    INTERNAL_ERROR = "internal_error"


class ProtocolError(Exception):
    def __init__(self, code: ProtocolErrorCode, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
