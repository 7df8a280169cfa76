"""PostgreSQL through Piccolo's ``PostgresEngine`` and its asyncpg connection pool.

Several server processes may share one PostgreSQL, so nothing here keeps state that another process
would need. Each transaction gets its own pooled connection.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Literal, TypeVar

from piccolo.engine.postgres import PostgresEngine

from .database import Params, Row

T = TypeVar("T")
_PLACEHOLDER = re.compile(r"\?")


@lru_cache(maxsize=2048)  # the same few hundred statements, every request
def to_postgres_sql(sql: str) -> str:
    """Rewrite ``?`` placeholders to ``$1, $2, ...`` (our SQL never has ``?`` inside a literal)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _m: f"${next(counter)}", sql)


class RoundTrips:
    """Statements sent to the server (BEGIN and COMMIT included), for ``/metrics`` and the benchmark."""

    def __init__(self) -> None:
        self.count = 0


class PostgresTx:
    dialect: Literal["postgres"] = "postgres"
    for_update = " FOR UPDATE"

    def __init__(self, conn: Any, trips: RoundTrips) -> None:
        self._conn = conn
        self._trips = trips

    async def execute(self, sql: str, params: Params = ()) -> None:
        self._trips.count += 1
        await self._conn.execute(to_postgres_sql(sql), *params)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._trips.count += 1  # asyncpg pipelines the rows in one exchange
        await self._conn.executemany(to_postgres_sql(sql), [tuple(r) for r in rows])

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        self._trips.count += 1
        return [dict(r) for r in await self._conn.fetch(to_postgres_sql(sql), *params)]

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        self._trips.count += 1
        row = await self._conn.fetchrow(to_postgres_sql(sql), *params)
        return dict(row) if row is not None else None


class PostgresDatabase:
    dialect: Literal["postgres"] = "postgres"

    def __init__(self, dsn: str, *, pool_size: int = 10) -> None:
        self.engine = PostgresEngine(config={"dsn": dsn}, log_queries=False)
        self._pool_size = pool_size
        self.round_trips = RoundTrips()

    async def open(self) -> None:
        await self.engine.start_connection_pool(min_size=2, max_size=self._pool_size)

    async def close(self) -> None:
        if self.engine.pool is not None:
            await self.engine.close_connection_pool()
            self.engine.pool = None

    def queue_depth(self) -> int:
        """Pooled connections in use (0 when the pool is closed)."""
        pool = self.engine.pool
        return 0 if pool is None else int(pool.get_size() - pool.get_idle_size())

    @property
    def _pool(self) -> Any:
        return self.engine.pool

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        self.round_trips.count += 1
        async with self._pool.acquire() as conn:
            return [dict(r) for r in await conn.fetch(to_postgres_sql(sql), *params)]

    async def lookup(self, sql: str, params: Params = ()) -> list[Row]:
        return await self.fetch(sql, params)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        self.round_trips.count += 1
        async with self._pool.acquire() as conn:
            row = await conn.fetchrow(to_postgres_sql(sql), *params)
            return dict(row) if row is not None else None

    async def transaction(self, fn: Callable[[PostgresTx], Awaitable[T]]) -> T:
        self.round_trips.count += 2  # BEGIN, COMMIT (or ROLLBACK)
        async with self._pool.acquire() as conn, conn.transaction():
            return await fn(PostgresTx(conn, self.round_trips))
