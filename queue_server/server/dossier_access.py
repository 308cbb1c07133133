"""The site's dossier key and the budget of wrong factors, kept on ``hub.services`` (one per
server); what a refusal of the public dossier page says. The gate itself:
:mod:`queue_server.server.dossier_gate`."""

from __future__ import annotations

import dataclasses
import enum
import urllib.parse

from queue_server.core.dossiers.access import DossierKey, FactorBudget
from queue_server.core.dossiers.model import DOSSIER_PATH

CHECK_PARAM = "k"


class Refusal(enum.StrEnum):
    CHECK_REQUIRED = "dossier_check_required"  # 403: no check, or a wrong one (the page asks for the digits)
    FACTOR_WRONG = "dossier_factor_wrong"  # 403: wrong digits, or no dossier has that code (the same answer)
    FACTOR_BUDGET = "dossier_factor_budget"  # 429: too many wrong digits for this code or from this address
    INVALID = "dossier_invalid"  # 400: not a receipt code, or digits that are not 4 digits


MESSAGES = {
    Refusal.CHECK_REQUIRED: "This page needs the link on the receipt, or the last 4 digits of the applicant's ID number.",
    Refusal.FACTOR_WRONG: "The code and the digits do not match a dossier.",
    Refusal.FACTOR_BUDGET: "Too many wrong tries; try again later or ask at the desk.",
    Refusal.INVALID: "Not a receipt code, or not 4 digits.",
}
HTTP_STATUS = {Refusal.CHECK_REQUIRED: 403, Refusal.FACTOR_WRONG: 403, Refusal.FACTOR_BUDGET: 429, Refusal.INVALID: 400}


@dataclasses.dataclass
class DossierAccess:
    """The site's dossier key and the budget of wrong factors (one per server)."""

    key: DossierKey
    budget: FactorBudget = dataclasses.field(default_factory=FactorBudget)
    refused: dict[Refusal, int] = dataclasses.field(default_factory=lambda: dict.fromkeys(Refusal, 0))

    def path(self, code: str) -> str:
        """The public page of a (normalised) code with its check: what the applicant is given."""
        return f"{DOSSIER_PATH}{urllib.parse.quote(code, safe='')}?{CHECK_PARAM}={self.key.check(code)}"
