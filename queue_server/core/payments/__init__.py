"""Fees: VietQR codes (NAPAS / EMVCo merchant-presented QR) for a procedure's fee. No I/O."""
