"""Counters and a latency histogram, written in the Prometheus text format at ``/metrics``."""

from __future__ import annotations

import bisect
import collections
import resource
from collections.abc import Iterable, Mapping

from queue_server.core.events import Event

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Histogram:
    def __init__(self, buckets: tuple[float, ...] = BUCKETS) -> None:
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)
        self.total = 0.0
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, seconds)] += 1
        self.total += seconds
        self.count += 1

    def lines(self, name: str, labels: str = "") -> list[str]:
        out = []
        cumulative = 0
        sep = "," if labels else ""
        for bound, count in zip((*self.buckets, float("inf")), self.counts, strict=True):
            cumulative += count
            le = "+Inf" if bound == float("inf") else repr(bound)
            out.append(f'{name}_bucket{{{labels}{sep}le="{le}"}} {cumulative}')
        tail = f"{{{labels}}}" if labels else ""
        out.append(f"{name}_sum{tail} {self.total}")
        out.append(f"{name}_count{tail} {self.count}")
        return out


class Metrics:
    def __init__(self) -> None:
        self.requests: collections.Counter[tuple[str, str]] = collections.Counter()
        self.events: collections.Counter[str] = collections.Counter()
        self.latency = Histogram()
        self.rebuilds = 0
        self.slow_clients = 0  # cut off for leaving too much unread
        self.rate_limited = 0
        self.pin_checks = 0  # officers' PINs checked (scrypt), right or wrong
        self.door_refused: collections.Counter[str] = collections.Counter()  # public doors' budgets per address
        self.connections_refused = 0  # past the open connections of one address
        self.accept_errors = 0  # accept() out of descriptors (logged once per interval)
        # the province page's requests (central_requests.py) by kind and outcome: decided (ok,
        # refused) or answered again from the site's record of them (recorded)
        self.province_requests: collections.Counter[tuple[str, str]] = collections.Counter()

    def count_request(self, op: str, outcome: str, seconds: float) -> None:
        self.requests[(op, outcome)] += 1
        self.latency.observe(seconds)

    def count_events(self, events: Iterable[Event]) -> None:
        for event in events:
            self.events[event.type.value] += 1

    def render(
        self,
        tickets_by_state: Mapping[str, int],
        connections_by_role: Mapping[str, int],
        commits: int,
        batches: int,
        seq: int,
    ) -> str:
        lines = [
            "# HELP motcua_tickets Tickets of today by state.",
            "# TYPE motcua_tickets gauge",
            *(f'motcua_tickets{{state="{s}"}} {n}' for s, n in sorted(tickets_by_state.items())),
            "# HELP motcua_connections Open connections by role.",
            "# TYPE motcua_connections gauge",
            *(f'motcua_connections{{role="{r}"}} {n}' for r, n in sorted(connections_by_role.items())),
            "# HELP motcua_requests_total Requests by operation and outcome (ok or an error code).",
            "# TYPE motcua_requests_total counter",
            *(
                f'motcua_requests_total{{op="{op}",outcome="{outcome}"}} {n}'
                for (op, outcome), n in sorted(self.requests.items())
            ),
            "# HELP motcua_request_seconds Time from a request's arrival to its reply.",
            "# TYPE motcua_request_seconds histogram",
            *self.latency.lines("motcua_request_seconds"),
            "# HELP motcua_events_total Events committed, by type.",
            "# TYPE motcua_events_total counter",
            *(f'motcua_events_total{{type="{t}"}} {n}' for t, n in sorted(self.events.items())),
            "# HELP motcua_store_commits_total Transactions committed (group commit: batches / commits).",
            "# TYPE motcua_store_commits_total counter",
            f"motcua_store_commits_total {commits}",
            "# HELP motcua_store_batches_total Batches committed.",
            "# TYPE motcua_store_batches_total counter",
            f"motcua_store_batches_total {batches}",
            "# HELP motcua_event_seq The last event sequence number.",
            "# TYPE motcua_event_seq gauge",
            f"motcua_event_seq {seq}",
            "# HELP motcua_state_rebuilds_total Times the state was rebuilt after a failed commit.",
            "# TYPE motcua_state_rebuilds_total counter",
            f"motcua_state_rebuilds_total {self.rebuilds}",
            "# HELP motcua_rate_limited_total Requests refused because their connection sent too many.",
            "# TYPE motcua_rate_limited_total counter",
            f"motcua_rate_limited_total {self.rate_limited}",
            "# HELP motcua_slow_clients_total Connections cut off for leaving too many events unread.",
            "# TYPE motcua_slow_clients_total counter",
            f"motcua_slow_clients_total {self.slow_clients}",
            "# HELP motcua_pin_checks_total Officers' PINs checked, right or wrong (locked sign-ins are not checked).",
            "# TYPE motcua_pin_checks_total counter",
            f"motcua_pin_checks_total {self.pin_checks}",
            *self._budget_lines(),
        ]
        return "\n".join(lines) + "\n"

    def _budget_lines(self) -> list[str]:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        return [
            "# HELP motcua_province_requests_total The province page's requests to this site, by kind and outcome.",
            "# TYPE motcua_province_requests_total counter",
            *(f'motcua_province_requests_total{{kind="{k}",outcome="{o}"}} {n}' for (k, o), n in sorted(self.province_requests.items())),
            "# HELP motcua_door_refused_total Public requests refused past their address's budget (or all addresses').",
            "# TYPE motcua_door_refused_total counter",
            *(f'motcua_door_refused_total{{door="{d}"}} {n}' for d, n in sorted(self.door_refused.items())),
            "# HELP motcua_connections_refused_total Connections refused at the handshake: too many open from their address.",
            "# TYPE motcua_connections_refused_total counter",
            f"motcua_connections_refused_total {self.connections_refused}",
            "# HELP motcua_accept_errors_total Connections not accepted: the process was out of descriptors.",
            "# TYPE motcua_accept_errors_total counter",
            f"motcua_accept_errors_total {self.accept_errors}",
            "# HELP motcua_open_files_limit The process's limit of open descriptors (RLIMIT_NOFILE).",
            "# TYPE motcua_open_files_limit gauge",
            f'motcua_open_files_limit{{kind="soft"}} {soft}',
            f'motcua_open_files_limit{{kind="hard"}} {hard}',
        ]
