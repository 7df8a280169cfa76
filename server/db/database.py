"""The ``Database`` interface the rest of the server talks to, and how to open one.

SQL is written once, with ``?`` placeholders; the PostgreSQL side rewrites them to ``$1, $2, ...``.
Every write runs as a function ``fn(tx)`` handed to ``Database.transaction``: on SQLite that function
joins a single writer (see ``sqlite.py``), on PostgreSQL it gets a pooled connection of its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Literal, Protocol, TypeVar, runtime_checkable

Row = dict[str, Any]
T = TypeVar("T")
Params = Sequence[Any]


@runtime_checkable
class Tx(Protocol):
    """A connection inside one transaction."""

    dialect: Literal["sqlite", "postgres"]

    async def execute(self, sql: str, params: Params = ()) -> None: ...

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None: ...

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    @property
    def for_update(self) -> str:
        """`` FOR UPDATE`` on PostgreSQL (row lock for read-then-write); SQLite has one writer anyway."""
        ...


@runtime_checkable
class Database(Protocol):
    dialect: Literal["sqlite", "postgres"]

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]: ...

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None: ...

    async def lookup(self, sql: str, params: Params = ()) -> list[Row]:
        """A small read by primary or unique key (the session behind a request): on SQLite it
        runs right on the event loop, microseconds, instead of a hop to a reader thread; elsewhere
        the same as ``fetch``. Never for a query that scans."""
        ...

    async def transaction(self, fn: Callable[[Tx], Awaitable[T]]) -> T:
        """Run ``fn`` in one transaction; commit when it returns, roll back when it raises."""
        ...

    async def close(self) -> None: ...

    def queue_depth(self) -> int:
        """How busy the database is, for ``/metrics``: on SQLite the write transactions waiting for the
        one writer, on PostgreSQL the pooled connections in use."""
        ...


async def open_database(url: str, sqlite_path: Path | None = None) -> Database:
    """Open the database a URL names (``sqlite:///...`` or ``postgresql://...``)."""
    if url.startswith("sqlite:"):
        from .sqlite import SqliteDatabase

        if sqlite_path is None:
            raise ValueError("a SQLite database needs its file path")
        db = SqliteDatabase(sqlite_path)
        await db.open()
        return db
    from .postgres import PostgresDatabase

    pg = PostgresDatabase(url)
    await pg.open()
    return pg


TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def iso_utc(moment: dt.datetime) -> str:
    """A time as stored: ISO-8601 UTC with microseconds, so text order is time order."""
    return moment.astimezone(dt.UTC).strftime(TIME_FORMAT)


def utc_now() -> str:
    """The current time as stored."""
    return iso_utc(dt.datetime.now(dt.UTC))
