"""The ``[payment]`` table: where a procedure's fee is paid, by VietQR (optional).

    [payment]
    bank_bin = "970436"            # the bank's 6-digit BIN in NAPAS's list
    account = "0011000012345"      # the centre's account (1–19 letters or digits)
    account_name = "TTPVHCC TAY NINH"
    fees = { HT = 50000, DD = 100000 }   # đồng, by field code; a field not named has no fee
"""

from __future__ import annotations

from collections.abc import Collection

from queue_server.config.checks import Table
from queue_server.config.secrets import given_key, read_secret, secret_keys
from queue_server.config.settings import PaymentSettings
from queue_server.core.payments import vietqr

PAYMENT_KEYS = ("bank_bin", *secret_keys("account"), "account_name", "fees")


def read_payment(root: Table, service_codes: Collection[str]) -> PaymentSettings | None:
    table = root.table("payment", PAYMENT_KEYS)
    if table is None:
        return None
    bank_bin = table.text("bank_bin", required=True) or ""
    account = read_secret(table, "account", required=True) or ""
    try:
        vietqr.build(bank_bin, account, None, "CHECK")
    except vietqr.VietQRError as exc:
        table.report(given_key(table, "account") if bank_bin and bank_bin.isdigit() and len(bank_bin) == 6 else "bank_bin", str(exc))
    name = table.text("account_name", "")
    if name and not (name.isascii() and len(name) <= 25):
        table.report("account_name", "must be at most 25 letters without diacritics (as bank apps print it)")
    fees: dict[str, int] = {}
    fees_table = table.table("fees", tuple(service_codes))
    for code in service_codes if fees_table is not None else ():
        amount = fees_table.integer(code, None, low=1, high=vietqr.MAX_AMOUNT)  # type: ignore[union-attr]  # the loop runs only if fees_table is not None
        if amount is not None:
            fees[code] = amount
    return PaymentSettings(bank_bin=bank_bin, account=account, account_name=name, fees=fees)
