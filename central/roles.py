"""The sites' group role and its rights on the central database, written once: the SQL that
docs/province.md ("Deployment over the WAN") shows for ``motcua_site`` on ``motcua`` (a test
holds the page to this), and that the benches and tests run under names of their own.

    for statement in group_role(GROUP, "motcua"):    # once a province, as the schema's owner
        conn.execute(statement)

Each site's login role, or the pooled role, is then made ``IN ROLE`` the group; row-level
security (central migration 6, 13) keeps each to its own site's rows whatever it is granted.
"""

from __future__ import annotations

import re

GROUP = "motcua_site"  # the deployment's name for the group (docs/province.md)

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")  # written into the SQL unquoted: a plain lower-case identifier


def group_role(group: str, database: str) -> list[str]:
    """The statements that make the sites' group ``group`` and give it its rights in
    ``database`` (the ``CREATE ROLE`` first, then :func:`group_grants`)."""
    return [f"CREATE ROLE {_checked(group, 'group')} NOLOGIN", *group_grants(group, database)]


def group_grants(group: str, database: str) -> list[str]:
    """What a site may do: read the schema's version, write its own log, tickets, snapshots,
    day marks and booking offers, drop its days' and months' summaries to be summed again, count its
    fields' figures, and answer the requests the province's page sends it."""
    group, database = _checked(group, "group"), _checked(database, "database")
    return [
        f"GRANT CONNECT ON DATABASE {database} TO {group}",
        f"GRANT USAGE ON SCHEMA public TO {group}",
        f"GRANT SELECT ON schema_version TO {group}",
        f"GRANT SELECT, INSERT, UPDATE ON events, tickets, sites, site_configs, site_dossiers, site_days, site_months, site_offers TO {group}",
        f"GRANT SELECT, DELETE ON report_days, report_months, report_month_waits TO {group}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON site_field_days TO {group}",
        f"GRANT SELECT, UPDATE (state, answer, claimed_at, answered_at) ON remote_requests TO {group}",
    ]


def _checked(name: str, what: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"tên «{name}» không dùng được trong câu lệnh SQL: chỉ chữ thường, chữ số và '_'"
            f" (the {what}'s name must be a plain identifier: a-z, 0-9 and _, not starting with a digit)"
        )
    return name
