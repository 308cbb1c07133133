"""``[payment]`` in the configuration: read, and every wrong value named with its key."""

from __future__ import annotations

import pytest

from queue_server.config.site import ConfigError, parse_config
from tests.config.helpers import MINIMAL as BASE  # one service, one counter


def test_a_payment_table_is_read() -> None:
    config = parse_config(BASE + '[payment]\nbank_bin = "970436"\naccount = "0011000012345"\nfees = { HT = 8000 }\n')
    assert config.payment is not None
    assert (config.payment.bank_bin, config.payment.account, dict(config.payment.fees)) == (
        "970436", "0011000012345", {"HT": 8000},
    )
    assert parse_config(BASE).payment is None


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ('bank_bin = "97043"\naccount = "1"', "payment.bank_bin: the bank BIN must be 6 digits"),
        ('bank_bin = "970436"\naccount = "12 34"', "payment.account: the account number must be 1 to 19"),
        ('account = "1"', "payment.bank_bin: missing (required)"),
        ('bank_bin = "970436"\naccount = "1"\naccount_name = "UBND XÃ"', "payment.account_name: must be at most 25"),
        ('bank_bin = "970436"\naccount = "1"\nfees = { HT = 0 }', "payment.fees.HT: must be from 1 to 9999999999999, not 0"),
        ('bank_bin = "970436"\naccount = "1"\nfees = { HT = 1.5 }', "payment.fees.HT: must be a whole number"),
        ('bank_bin = "970436"\naccount = "1"\nfees = { XY = 100 }', "payment.fees.XY: unknown key 'XY'"),
    ],
)
def test_wrong_payment_values_are_named(table: str, expected: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(BASE + "[payment]\n" + table + "\n", "site.toml")
    assert expected in str(info.value)
