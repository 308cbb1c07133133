"""Vietnam's administrative map since 1 July 2025 — 34 provinces and centrally-run cities,
3,321 communes and wards, no districts — with their official codes and names, from the PyPI
package ``vietnam-provinces`` (the General Statistics Office's list; 2025.10.1 is the first
release checked to carry it whole). A province's official code is two digits (``"80"``: Tây
Ninh; ``"01"``: Hà Nội).
"""

from __future__ import annotations

import functools

from vietnam_provinces import Province, VietNamDivisionType

PROVINCES_2025 = 34


@functools.cache
def provinces() -> dict[str, str]:
    """Each province's official code → its full name (``"80"`` → ``"Tỉnh Tây Ninh"``)."""
    return {f"{int(p.code):02d}": _full_name(p) for p in Province.iter_all()}


def _full_name(province: Province) -> str:
    if province.division_type is VietNamDivisionType.TINH:
        return f"Tỉnh {province.name}"
    return province.name  # "Thành phố Hà Nội": the city's name says what it is


def is_official_form(code: str) -> bool:
    """Whether ``code`` is written as an official code is (two digits), known or not."""
    return len(code) == 2 and code.isdigit()
