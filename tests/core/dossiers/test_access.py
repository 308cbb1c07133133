"""Who may see a dossier's public page: the check of its code (the link), the factor (the
applicant's last ID digits, kept only as a keyed hash bound to the code), and the budget of
wrong factors per code and per address."""

from __future__ import annotations

import datetime as dt

import pytest

from queue_server.core.citizens import CitizenKey
from queue_server.core.dossiers.access import CHECK_LENGTH, DossierKey, FactorBudget, factor_digits

CODE = "000.00.16.H57-261201-0002"
KEY = DossierKey(CitizenKey(bytes(range(32))).derive("dossier-access"))


def test_the_check_depends_on_the_key_and_the_code_and_is_compared_in_any_case() -> None:
    check = KEY.check(CODE)
    assert len(check) == CHECK_LENGTH and set(check) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert KEY.verifies(CODE, check) and KEY.verifies(CODE, f" {check.lower()} ")
    assert not KEY.verifies("000.00.16.H57-261201-0003", check)
    assert not KEY.verifies(CODE, check[:-1]) and not KEY.verifies(CODE, "") and not KEY.verifies(CODE, "ĐĐĐ")
    other = DossierKey(CitizenKey(bytes(range(1, 33))).derive("dossier-access"))
    assert other.check(CODE) != check and repr(KEY) == "DossierKey(***)"
    assert CitizenKey(bytes(range(32))).derive("other") != CitizenKey(bytes(range(32))).derive("dossier-access")
    with pytest.raises(ValueError, match="at least 32 bytes"):
        DossierKey(bytes(16))


def test_the_factor_is_bound_to_the_code_and_the_last_digits_of_the_id_number() -> None:
    assert KEY.factor_of_id(CODE, "001099012345") == KEY.factor(CODE, "2345")
    assert KEY.factor(CODE, "2345") != KEY.factor("000.00.16.H57-261201-0003", "2345")
    assert KEY.factor(CODE, "2345") != KEY.factor(CODE, "2346") and "2345" not in KEY.factor(CODE, "2345")


@pytest.mark.parametrize(
    ("typed", "digits"),
    [("2345", "2345"), (" 23 45 ", "2345"), ("2.345", "2345"), ("234", None), ("23456", None), ("abcd", None), ("２３４５", None)],
)
def test_the_typed_digits_are_four_ascii_digits(typed: str, digits: str | None) -> None:
    assert factor_digits(typed) == digits


def test_wrong_factors_are_budgeted_per_code_and_per_address_within_the_window() -> None:
    t0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    budget = FactorBudget(per_code=5, per_address=8, window=dt.timedelta(hours=1))
    for minute in range(5):
        assert budget.refused_until("10.0.0.1", CODE, t0 + dt.timedelta(minutes=minute)) is None
        budget.failed("10.0.0.1", CODE, t0 + dt.timedelta(minutes=minute))
    # the code is spent, from any address, until its first failure is an hour old
    assert budget.refused_until("10.0.0.2", CODE, t0 + dt.timedelta(minutes=10)) == t0 + dt.timedelta(hours=1)
    assert budget.refused_until("10.0.0.2", CODE, t0 + dt.timedelta(hours=1)) is None
    # the address may try 3 other codes, then is refused for any code
    for n in range(3):
        assert budget.refused_until("10.0.0.1", f"H57-{n}", t0 + dt.timedelta(minutes=20)) is None
        budget.failed("10.0.0.1", f"H57-{n}", t0 + dt.timedelta(minutes=20))
    assert budget.refused_until("10.0.0.1", "H57-9", t0 + dt.timedelta(minutes=21)) == t0 + dt.timedelta(hours=1)
    assert budget.refused_until("10.0.0.3", "H57-9", t0 + dt.timedelta(minutes=21)) is None


def test_the_budget_forgets_those_that_failed_longest_ago_beyond_its_size() -> None:
    t0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    budget = FactorBudget(per_code=1, per_address=100, remembered=2)
    budget.failed("a", "C1", t0)
    budget.failed("a", "C2", t0)
    budget.failed("a", "C1", t0)  # C1 failed last: C2 is the one forgotten next
    budget.failed("a", "C3", t0)
    assert budget.refused_until("b", "C2", t0) is None
    assert budget.refused_until("b", "C1", t0) is not None and budget.refused_until("b", "C3", t0) is not None
