"""``GET /metrics``: this process's counters in Prometheus' text format (``prometheus-client``).

- ``bedside_http_requests_total{method, route, status}``: every HTTP answer, by the route's *template*
  (``/api/assessments/{doc_id}``), never the path itself, which carries ids; a path no route matches
  is ``route="unmatched"``, an unusual method ``method="other"``, so no client can grow the label set.
- ``bedside_sync_mutations_total{status}``: ``/api/sync`` results (applied, conflict, duplicate, rejected).
- ``bedside_db_queue_depth``: SQLite, write transactions waiting for the one writer; PostgreSQL,
  pooled connections in use. ``bedside_mail_outbox_unsent``: mail queued and not yet sent.
  ``bedside_database_up``: whether the database answered the scrape. Read when scraped.
- ``bedside_db_round_trips_total``: PostgreSQL only, statements sent to the server (BEGIN and COMMIT
  included): ``python -m bench sync`` divides it by the pushes it made.
- ``process_*``: the process's CPU time, memory and open files.

Counting is on the hot path of a server tuned for throughput, so a request costs one increment of
a plain dict keyed by ``(method, route, status)`` (about 60 ns here, against about 300 ns for a cached
prometheus-client child, which takes a lock, and 1 µs for ``labels(...)``); a collector turns the
dicts into metric families only when ``/metrics`` is read. Each process counts its own requests.

Who may read it: whoever runs the server. Without ``BEDSIDE_METRICS_TOKEN`` only clients on this
machine (127.0.0.1, ::1, as ``server.client_address`` decides: a request forwarded by a trusted proxy
counts as the client's); with it, anyone who sends ``Authorization: Bearer <token>``. Anyone else gets
the same 404 as any unknown path.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
from collections.abc import Iterable, Iterator
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from prometheus_client import CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .client_address import client_address
from .db import Database
from .mail.outbox import unsent_count
from .settings import Settings

UNMATCHED = "unmatched"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
#: how long the scrape waits for the database's figures
DB_TIMEOUT_SECONDS = 2.0
#: the classic text format every Prometheus reads (Litestar adds ``; charset=utf-8``)
MEDIA_TYPE = "text/plain; version=0.0.4"


class Metrics:
    """This process's counters, and the registry ``/metrics`` renders."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, str, int], int] = {}
        self.sync: dict[str, int] = {}
        self.db_queue_depth = 0
        self.mail_unsent: float = float("nan")
        self.database_up = 0
        self.db_round_trips: int | None = None
        self.registry = CollectorRegistry()
        self.registry.register(_Collector(self))
        ProcessCollector(registry=self.registry)

    def count_sync(self, results: Iterable[Any]) -> None:
        """One ``/api/sync`` answer's results: tallied locally, then one increment per status."""
        tally: dict[str, int] = {}
        for result in results:
            tally[result.status] = tally.get(result.status, 0) + 1
        for status, n in tally.items():
            self.sync[status] = self.sync.get(status, 0) + n

    async def read_database(self, db: Database) -> None:
        """The gauges that come from the database, read when scraped."""
        self.db_queue_depth = db.queue_depth()
        trips = getattr(db, "round_trips", None)
        self.db_round_trips = None if trips is None else trips.count
        try:
            self.mail_unsent = float(await asyncio.wait_for(unsent_count(db), timeout=DB_TIMEOUT_SECONDS))
            self.database_up = 1
        except Exception:  # noqa: BLE001 - the process's own figures are still worth answering
            self.mail_unsent, self.database_up = float("nan"), 0

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _Collector(Collector):
    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def describe(self) -> list[Metric]:
        return list(self._families(empty=True))

    def collect(self) -> Iterator[Metric]:
        return self._families(empty=False)

    def _families(self, *, empty: bool) -> Iterator[Metric]:
        m = self.metrics
        requests = CounterMetricFamily("bedside_http_requests", "HTTP answers by method, route template and status.",
                                       labels=["method", "route", "status"])
        sync = CounterMetricFamily("bedside_sync_mutations", "Results of /api/sync mutations by status.",
                                   labels=["status"])
        queue = GaugeMetricFamily("bedside_db_queue_depth", "SQLite: write transactions waiting for the writer; "
                                  "PostgreSQL: pooled connections in use.")
        outbox = GaugeMetricFamily("bedside_mail_outbox_unsent", "Mail queued in the outbox and not yet sent.")
        up = GaugeMetricFamily("bedside_database_up", "1 when the database answered this scrape, else 0.")
        trips = CounterMetricFamily("bedside_db_round_trips", "PostgreSQL: statements sent, BEGIN and COMMIT included.")
        if not empty:
            for (method, route, status), n in list(m.requests.items()):
                requests.add_metric([method, route, str(status)], n)
            for status, n in list(m.sync.items()):
                sync.add_metric([status], n)
            queue.add_metric([], m.db_queue_depth)
            outbox.add_metric([], m.mail_unsent)
            up.add_metric([], m.database_up)
            if m.db_round_trips is not None:
                trips.add_metric([], m.db_round_trips)
        yield from (requests, sync, queue, outbox, up, trips)


class MetricsMiddleware:
    """Around the whole app: counts every answer by ``(method, route template, status)``."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.counts = metrics.requests

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # an exception that escapes before an answer started

        async def send_status(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            method = scope["method"]
            # the router writes the matched route's template into the scope; it never writes the path
            key = (method if method in METHODS else "other", scope.get("path_template") or UNMATCHED, status)
            self.counts[key] = self.counts.get(key, 0) + 1


def _loopback(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    mapped = getattr(ip, "ipv4_mapped", None)  # ::ffff:127.0.0.1 on a dual-stack socket
    return ip.is_loopback or bool(mapped and mapped.is_loopback)


def may_read(request: Request[Any, Any, Any], settings: Settings) -> bool:
    """The access rule of ``/metrics`` (see the module docstring)."""
    if settings.metrics_token:
        sent = request.headers.get("authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {settings.metrics_token}".encode())
    return _loopback(client_address(request, settings.trusted_proxies))


@get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request[Any, Any, Any], db: NamedDependency[Database],
                           settings: NamedDependency[Settings]) -> Response[bytes]:
    """Prometheus' text format, to whoever runs the server; a 404 like any unknown path to anyone else."""
    if not may_read(request, settings):
        raise NotFoundException()
    metrics: Metrics = request.app.state.metrics
    await metrics.read_database(db)
    return Response(metrics.render(), media_type=MEDIA_TYPE)
