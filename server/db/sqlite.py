"""SQLite: one long-lived writer connection with group commit, and a few reader connections.

SQLite has one writer. Opening a connection per query (Piccolo's default) and letting writers race
for the lock gives "database is locked" errors and multi-second tails under 32 concurrent writers
(shared/PERF-NOTES.md). Here every write transaction is queued to one writer task. The writer takes
whatever is waiting, runs each function inside a SAVEPOINT of one ``BEGIN IMMEDIATE`` transaction,
and answers each caller only after the shared COMMIT (one fsync for the whole group). A function that
raises is rolled back to its savepoint and gets its exception; the others still commit.

Inside the transaction the writer holds SQLite's write lock, so a statement never waits for a lock:
statements run directly on the writer connection (microseconds each) instead of one thread hop per
statement, which under load costs far more than the statement. Only the two steps that can wait go to
a worker thread, once per group: ``COMMIT`` (the fsync), and ``BEGIN IMMEDIATE`` when another process
(a ``bedside`` command) holds the lock at that moment.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

import aiosqlite

from .database import Params, Row

T = TypeVar("T")
MAX_GROUP = 64
BUSY_TIMEOUT_S = 30
READERS = 3


def _to_dicts(cursor_rows: Iterable[sqlite3.Row]) -> list[Row]:
    return [dict(r) for r in cursor_rows]


class SqliteTx:
    """The writer connection inside the group's transaction (see the module docstring)."""

    dialect: Literal["sqlite"] = "sqlite"
    for_update = ""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> None:
        self._conn.execute(sql, tuple(params))

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        self._conn.executemany(sql, [tuple(r) for r in rows])

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        return _to_dicts(self._conn.execute(sql, tuple(params)).fetchall())

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None


@dataclass
class _Job:
    fn: Callable[[SqliteTx], Awaitable[Any]]
    future: asyncio.Future[Any]


def _connect_writer(path: Path) -> sqlite3.Connection:
    """The one writer connection: used by the writer task, and by a worker thread only while the
    writer task awaits it (BEGIN, COMMIT), never by two at once."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=30, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA busy_timeout = 30000")  # setting WAL mode may wait for another process
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA busy_timeout = 0")  # see _begin_immediate
    return conn


async def _connect_reader(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(str(path), isolation_level=None, timeout=30)
    conn.row_factory = sqlite3.Row
    await conn.execute("PRAGMA busy_timeout = 30000")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute("PRAGMA query_only = ON")
    return conn


def _connect_lookup(path: Path) -> sqlite3.Connection:
    """A read-only connection used on the event loop itself (``SqliteDatabase.lookup``): busy timeout
    0, so it never blocks the loop waiting."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=0, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA query_only = ON")
    return conn


class SqliteDatabase:
    dialect: Literal["sqlite"] = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._writer: sqlite3.Connection | None = None
        self._lookup: sqlite3.Connection | None = None
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._jobs: asyncio.Queue[_Job] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._writer = await asyncio.to_thread(_connect_writer, self.path)
        for _ in range(READERS):
            self._readers.put_nowait(await _connect_reader(self.path))
        self._lookup = await asyncio.to_thread(_connect_lookup, self.path)
        self._task = asyncio.create_task(self._write_loop(), name="sqlite-writer")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        while not self._readers.empty():
            await self._readers.get_nowait().close()
        if self._lookup is not None:
            self._lookup.close()
            self._lookup = None
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def queue_depth(self) -> int:
        """Write transactions queued and not yet taken by the writer (the group it runs is not counted)."""
        return self._jobs.qsize()

    async def fetch(self, sql: str, params: Params = ()) -> list[Row]:
        if self._task is None:  # closed: no reader will ever come back to the queue
            raise RuntimeError("database is closed")
        conn = await self._readers.get()
        try:
            return _to_dicts(await conn.execute_fetchall(sql, tuple(params)))
        finally:
            self._readers.put_nowait(conn)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        rows = await self.fetch(sql, params)
        return rows[0] if rows else None

    async def lookup(self, sql: str, params: Params = ()) -> list[Row]:
        """Read by key on a connection of the event loop's own: in WAL mode a read takes no lock, so
        it never waits; should SQLite still answer busy (a WAL file being recovered), a reader
        thread does it. Every request looks up its session: a thread hop each cost more than the query."""
        if self._lookup is None:
            raise RuntimeError("database is closed")
        try:
            return _to_dicts(self._lookup.execute(sql, tuple(params)).fetchall())
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
        return await self.fetch(sql, params)

    async def transaction(self, fn: Callable[[SqliteTx], Awaitable[T]]) -> T:
        if self._task is None:
            raise RuntimeError("database is closed")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._jobs.put_nowait(_Job(fn, future))
        # The writer owns the job from here: a caller that goes away does not cancel its transaction.
        return await asyncio.shield(future)

    async def _write_loop(self) -> None:
        while True:
            group = [await self._jobs.get()]
            while not self._jobs.empty() and len(group) < MAX_GROUP:
                group.append(self._jobs.get_nowait())
            await self._run_group(group)

    async def _run_group(self, group: list[_Job]) -> None:
        assert self._writer is not None
        conn, tx = self._writer, SqliteTx(self._writer)
        outcomes: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            await _begin_immediate(conn)
            for job in group:
                outcomes.append(await self._run_one(conn, tx, job, alone=len(group) == 1))
            if len(group) == 1 and outcomes[0][2] is not None:
                conn.execute("ROLLBACK")
            else:
                await asyncio.to_thread(conn.execute, "COMMIT")
        except asyncio.CancelledError:
            _rollback_quietly(conn)
            for job in group:
                _settle(job, None, RuntimeError("database is closing"))
            raise
        except Exception as exc:  # BEGIN or COMMIT failed: nobody's work is stored
            _rollback_quietly(conn)
            outcomes = [(job, None, exc) for job in group]
        for job, result, error in outcomes:
            _settle(job, result, error)

    @staticmethod
    async def _run_one(
        conn: sqlite3.Connection, tx: SqliteTx, job: _Job, *, alone: bool
    ) -> tuple[_Job, Any, BaseException | None]:
        if alone:
            try:
                return job, await job.fn(tx), None
            except Exception as exc:
                return job, None, exc
        conn.execute("SAVEPOINT job")
        try:
            result = await job.fn(tx)
        except Exception as exc:
            conn.execute("ROLLBACK TO SAVEPOINT job")
            conn.execute("RELEASE SAVEPOINT job")
            return job, None, exc
        conn.execute("RELEASE SAVEPOINT job")
        return job, result, None


async def _begin_immediate(conn: sqlite3.Connection) -> None:
    """``BEGIN IMMEDIATE`` right here when the write lock is free (the usual case: this process is the
    only writer), else retried in a worker thread, where waiting for another process's lock (a
    ``bedside`` command's write) blocks no one. The writer connection never waits inside SQLite (its
    busy timeout is 0): within the transaction it holds the lock, and COMMIT in WAL mode takes none."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        return
    except sqlite3.OperationalError as exc:
        if not _is_busy(exc):
            raise
    await asyncio.to_thread(_begin_when_free, conn)


def _begin_when_free(conn: sqlite3.Connection) -> None:
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() > deadline:
                raise
        time.sleep(0.002)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _settle(job: _Job, result: Any, error: BaseException | None) -> None:
    if job.future.done():
        return
    if error is not None:
        job.future.set_exception(error)
    else:
        job.future.set_result(result)


def _rollback_quietly(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("ROLLBACK")
    except sqlite3.Error:
        pass
