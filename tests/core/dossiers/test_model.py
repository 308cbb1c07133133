"""A dossier as the lobby knows it: plain values checked when made, each refusal naming its
field; dates in the forms the one-stop systems send; overdue derived from the due date."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.core.dossiers.errors import DossierError, DossierSourceFailed, InvalidDossier
from queue_server.core.dossiers.model import (
    MAX_STEPS,
    MAX_TEXT,
    Dossier,
    DossierStatus,
    normalize_dossier_code,
    parse_date,
)

D = dt.date


@given(st.dictionaries(st.sampled_from(["code", "status", "procedure", "due_date", "x"]),
                       st.one_of(st.text(max_size=300), st.integers(), st.none(), st.lists(st.integers()))))  # fmt: skip
def test_any_dossier_data_is_made_or_refused_naming_a_field(data: dict) -> None:  # type: ignore[type-arg]
    try:
        dossier = Dossier.from_mapping(data)
    except InvalidDossier as exc:
        assert exc.field in ("code", "status", "procedure", "due_date", "x")
    else:
        assert dossier.status in DossierStatus


def test_overdue_is_derived_from_the_due_date() -> None:
    d = Dossier.from_mapping({"code": "A.1-261120-001", "status": "processing", "due_date": "2026-11-20"})
    assert d.is_overdue(dt.date(2026, 11, 21)) and not d.is_overdue(dt.date(2026, 11, 20))
    ready = Dossier.from_mapping({"code": "A.1-261120-001", "status": "ready", "due_date": "2026-11-20"})
    assert not ready.is_overdue(dt.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("text", "code"),
    [("000.00.16.H12-261120-0001", "000.00.16.H12-261120-0001"), ("  h12.1/26_x ", "H12.1/26_X")],
)
def test_a_receipt_code_is_upper_cased_and_stripped(text: str, code: str) -> None:
    assert normalize_dossier_code(text) == code


@pytest.mark.parametrize(("value", "message"), [(12345, "must be text"), ("x y", "is not a receipt code"),
                                                ("AB", "is not a receipt code"), ("-AB1", "is not a receipt code")])  # fmt: skip
def test_anything_else_is_not_a_receipt_code(value: object, message: str) -> None:
    with pytest.raises(InvalidDossier) as info:
        normalize_dossier_code(value)  # type: ignore[arg-type]  # what a JSON message may hold
    assert info.value.field == "code" and message in info.value.message


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (None, None),
        ("", None),
        ("2026-11-30", D(2026, 11, 30)),
        (" 30/11/2026 ", D(2026, 11, 30)),
        ("1/2/2026", D(2026, 2, 1)),
        ("2026-11-30T17:00:00+07:00", D(2026, 11, 30)),
        ("2026-11-30 08:15", D(2026, 11, 30)),
        (dt.datetime(2026, 11, 30, 23, 59), D(2026, 11, 30)),
        (D(2026, 11, 30), D(2026, 11, 30)),
    ],
)
def test_a_date_comes_in_the_forms_the_one_stop_systems_send(value: object, day: dt.date | None) -> None:
    assert parse_date(value) == day


@pytest.mark.parametrize(("value", "message"), [(20261130, "must be a date, not int"), ("31/02/2026", "is not a date"),
                                                ("30-11-2026", "is not a date"), ("2026-11-30Tnoon", "is not a date")])  # fmt: skip
def test_a_date_that_is_not_one_is_refused_under_the_name_given(value: object, message: str) -> None:
    with pytest.raises(InvalidDossier) as info:
        parse_date(value, "received_date")
    assert info.value.field == "received_date" and message in info.value.message


def test_text_fields_are_nfc_stripped_and_numbers_become_text() -> None:
    d = Dossier.from_mapping({"code": "A.1-261120-001", "status": " READY ", "procedure": " Ca\u0302\u0301p phép ",
                              "collect_at": 5, "officer": None})  # fmt: skip
    assert (d.status, d.procedure, d.collect_at, d.officer) == (DossierStatus.READY, "Cấp phép", "5", "")


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"colour": "red"}, "colour", "unknown field"),
        ({"code": None}, "code", "missing"),
        ({"code": ""}, "code", "missing"),
        ({"procedure": True}, "procedure", "must be text, not bool"),
        ({"department": ["Phòng"]}, "department", "must be text, not list"),
        ({"officer": "x" * (MAX_TEXT + 1)}, "officer", f"at most {MAX_TEXT} characters"),
        ({"collect_at": "Quầy\n5"}, "collect_at", "control characters"),
        ({"steps": [{"at": "2026-11-20", "status": "received"}] * (MAX_STEPS + 1)}, "steps", f"at most {MAX_STEPS} steps"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_field(values: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(InvalidDossier) as info:
        Dossier.from_mapping({"code": "A.1-261120-001", "status": "processing", **values})
    assert info.value.field == field and message in info.value.message
    assert str(info.value) == f"{field}: {info.value.message}"


def test_marked_overdue_by_the_one_stop_system_it_is_overdue_whatever_its_date() -> None:
    d = Dossier.from_mapping({"code": "A.1-261120-001", "status": "overdue", "due_date": "2026-11-30"})
    assert d.is_overdue(D(2026, 11, 1))
    assert Dossier.from_mapping({"code": "A.1-261120-001", "status": "processing"}).is_overdue(D(2030, 1, 1)) is False


def test_its_view_says_overdue_only_when_asked_for_a_day() -> None:
    d = Dossier.from_mapping({"code": "a.1-261120-001", "status": "processing", "due_date": "20/11/2026",
                              "steps": [{"at": "2026-11-18", "status": "received", "unit": "Một cửa"}]})  # fmt: skip
    view = d.as_dict()
    assert "overdue" not in view
    assert view == {
        "code": "A.1-261120-001", "procedure": "", "status": "processing", "department": "", "due_date": "2026-11-20",
        "collect_at": "", "field": "", "officer": "", "received_date": None, "result_date": None,
        "steps": [{"at": "2026-11-18", "status": "received", "unit": "Một cửa", "note": ""}], "version": None,
    }  # fmt: skip
    assert d.as_dict(D(2026, 11, 23)) == {**view, "overdue": True}
    assert d.as_dict(D(2026, 11, 20))["overdue"] is False


def test_a_source_failure_names_the_source_and_is_a_dossier_error() -> None:
    failure = DossierSourceFailed("one-stop", "timed out after 5 s")
    assert (failure.source, failure.message, str(failure)) == ("one-stop", "timed out after 5 s", "one-stop: timed out after 5 s")
    assert isinstance(failure, DossierError) and not isinstance(failure, ValueError)
    assert issubclass(InvalidDossier, DossierError) and issubclass(InvalidDossier, ValueError)
