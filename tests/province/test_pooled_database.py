"""The province server's connections through PgBouncer's transaction pooling: each keeps its
own timeout (none set on the session, which the pooler would hand to another client)."""

from __future__ import annotations

import pytest

from province.database import Database, DatabaseAway


def test_each_connection_keeps_its_own_timeout_through_the_pooler(central_pooled_dsn: str) -> None:
    view = Database(central_pooled_dsn, timeout_seconds=1)  # the live view's
    summer = Database(central_pooled_dsn, timeout_seconds=30)  # the days' summing, which may take long
    try:
        assert view.run(lambda conn: conn.execute("SELECT 1").fetchone()) == (1,)
        assert summer.run(lambda conn: conn.execute("SELECT 1").fetchone()) == (1,)
        assert summer.run(lambda conn: conn.execute("SELECT pg_sleep(1.5), 'slept'").fetchone()) == ("", "slept")
        with pytest.raises(DatabaseAway):
            view.run(lambda conn: conn.execute("SELECT pg_sleep(8)").fetchone())
        assert view.run(lambda conn: conn.execute("SELECT 2").fetchone()) == (2,)  # and it comes back
    finally:
        view.close()
        summer.close()
