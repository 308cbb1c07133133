"""Read the ``[evaluation_sync]`` table: dossier-linked ratings to the province's procedures
system, configured as the dossier look-up is (``[dossier_lookup]``: the same URL template rule,
the same dotted JSON paths, the same headers with their secrets in files or variables)::

    [evaluation_sync]
    url_template = "https://dichvucong.tayninh.gov.vn/api/hoso/{code}/danh-gia"
    method = "POST"
    [evaluation_sync.fields]          # our field → a dotted path in the JSON body
    dossier = "maHoSo"
    score = "ketQua.mucDo"
    rated_at = "ketQua.thoiDiem"
    [evaluation_sync.scores]          # our score → their value (unmapped: the score itself)
    4 = "RAT_HAI_LONG"
    [evaluation_sync.headers]
    Authorization_file = "/etc/motcua/secrets/dvc-token"

``docs/configuration.md`` describes the keys; ``docs/dossiers.md`` the requests.
"""

from __future__ import annotations

from queue_server.config.checks import Table, check_json_path, check_url_template
from queue_server.config.dossier_lookup import free_table  # the same rules as the look-up's
from queue_server.config.secrets import read_headers
from queue_server.config.settings_outreach import EVALUATION_FIELDS, EvaluationSync

__all__ = ["EVALUATION_SYNC_KEYS", "read_evaluation_sync"]

EVALUATION_SYNC_KEYS = ("url_template", "method", "fields", "scores", "headers")
REQUIRED_FIELDS = ("dossier", "score")


def read_evaluation_sync(root: Table) -> EvaluationSync | None:
    """The adapter; absent: ratings stay in the lobby."""
    table = root.table("evaluation_sync", EVALUATION_SYNC_KEYS)
    if table is None:
        return None
    template = table.text("url_template", required=True) or ""
    if template and (problem := check_url_template(template)):
        table.report("url_template", problem)
    method = table.text("method", "POST").upper()
    if method not in ("POST", "PUT"):
        table.report("method", f"must be POST or PUT, not {method!r}")
    fields: dict[str, str] = {}
    fields_table = table.table("fields", EVALUATION_FIELDS)
    for name in EVALUATION_FIELDS if fields_table is not None else ():
        path = fields_table.text(name)  # type: ignore[union-attr]  # the loop runs only if fields_table is not None
        if path is not None and (problem := check_json_path(path)):
            fields_table.report(name, problem)  # type: ignore[union-attr]  # as above
        elif path is not None:
            fields[name] = path
    for need in REQUIRED_FIELDS:
        if fields_table is None or not fields_table.has(need):
            table.problems.add(table.at("fields") + (need,), f"missing (required): the JSON path of the {need}")
    scores: dict[int, str] = {}
    for ours, theirs in free_table(table, "scores", "a score of the rating scale").items():
        if not ours.lstrip("-").isdigit():
            table.problems.add(table.at("scores") + (ours,), f"must be a score of the rating scale (a whole number), not {ours!r}")
        else:
            scores[int(ours)] = theirs
    return EvaluationSync(
        url_template=template,
        fields=fields,
        method=method,
        scores=scores,
        headers=read_headers(table),
    )
