"""``bedside backup`` and ``bedside restore`` on the suite's engine (SQLite's backup API, or pg_dump and
pg_restore): a backup taken while phones push restores a consistent copy as of one moment; one taken
after the writes restores every table row for row, and a server runs on it; a restore never overwrites a
database that has tables without ``--force``; a missing, foreign or damaged file is refused with a clear
message and leaves the target as it was."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import asyncpg
import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.auth.sessions import COOKIE_NAME
from server.db import open_database
from server.db.backup import BackupError, backup, restore
from server.db.pg_backup import libpq_target
from server.privacy.ids import new_id
from server.settings import REPO_ROOT, Settings
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL
from tests.helpers import in_app
from tests.world import PASSWORD, World, login

pytestmark = pytest.mark.timeout(240)
Tables = dict[str, list[dict[str, Any]]]
#: the tables a sync push writes (and the session a request touches)
PUSHED = {"assessments", "audit_events", "sync_results", "sync_clients", "counters", "sessions"}


@dataclass(frozen=True)
class Target:
    """A database: its URL, and its file on SQLite."""

    url: str
    sqlite_path: Path | None


def source_of(settings: Settings) -> Target:
    return Target(settings.database_url, settings.sqlite_path if settings.is_sqlite else None)


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(TEST_DATABASE_URL)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _drop_database(name: str) -> None:
    """Drop a database made here, retried for a while: right after a restore an autovacuum worker
    (a superuser's process, which the test role may not end) can still be connected to it; it
    finishes on its own within seconds."""
    deadline = time.monotonic() + 60
    while True:
        try:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except (asyncpg.exceptions.InsufficientPrivilegeError, asyncpg.exceptions.ObjectInUseError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.5)


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Callable[[], Awaitable[Target]]]:
    """Makes new, empty databases: SQLite files, or PostgreSQL databases beside the test database
    (``bedside_test_restore_…``, dropped at the end)."""
    made: list[str] = []

    async def make() -> Target:
        n = len(made)
        if not ON_POSTGRES:
            made.append(str(n))
            path = tmp_path / f"restored-{n}.sqlite3"
            return Target(f"sqlite:///{path}", path)
        name = f"bedside_test_restore_{os.getpid()}_{n}"
        await _drop_database(name)
        await _pg_admin(f'CREATE DATABASE "{name}"')
        made.append(name)
        return Target(urlsplit(TEST_DATABASE_URL)._replace(path=f"/{name}").geturl(), None)

    yield make
    if ON_POSTGRES:
        for name in made:
            asyncio.run(_drop_database(name))


def _key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, default=str)


async def read_all(target: Target) -> Tables:
    """Every row of every table, each table's rows in one order."""
    db = await open_database(target.url, target.sqlite_path)
    try:
        if db.dialect == "sqlite":
            names = [r["name"] for r in await db.fetch(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        else:
            names = [r["tablename"] for r in await db.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
        return {name: sorted(await db.fetch(f'SELECT * FROM "{name}"'), key=_key) for name in sorted(names)}
    finally:
        await db.close()


def counts(tables: Tables) -> dict[str, int]:
    return {name: len(rows) for name, rows in tables.items()}


class Phones:
    """Devices of one trainee pushing new Mini-CEX drafts, five per push, until told to stop. They run on
    the app's own event loop, through its whole HTTP stack (the test client's requests would block the
    test's loop), so they go on while the test's loop waits for a backup."""

    def __init__(self, app: Litestar, headers: dict[str, str], assessor_id: int) -> None:
        self.app, self.headers, self.assessor_id = app, headers, assessor_id
        self.pushes = 0
        self.stopping = False
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self, devices: int) -> None:
        """On the app's loop."""
        self.stopping = False
        self.http = httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app, client=("127.0.0.1", 40000)),
                                      base_url="http://testserver.local")
        self.tasks = [asyncio.create_task(self._run(f"phone-{len(self.tasks)}-{n}")) for n in range(devices)]

    async def finish(self) -> None:
        """On the app's loop: stop, and wait for the pushes under way."""
        self.stopping = True
        try:
            await asyncio.gather(*self.tasks)
        finally:
            self.tasks = []
            await self.http.aclose()

    async def _run(self, client_id: str) -> None:
        next_id, since = 1, 0
        while not self.stopping:
            mutations = [{"kind": "create", "id": n, "doc_id": new_id(), "at": 1_800_000_000_000 + n,
                          "form_id": "mini-cex", "form_version": 1, "data": {"focus": f"{client_id} {n}"},
                          "meta": {"assessor_id": self.assessor_id}} for n in range(next_id, next_id + 5)]
            response = await self.http.post("/api/sync", headers=self.headers, json={
                "client_id": client_id, "since": since, "mutations": mutations})
            assert response.status_code == 200, response.text
            answer = response.json()
            assert [r["status"] for r in answer["results"]] == ["applied"] * 5
            next_id, since = next_id + 5, answer["checkpoint"]
            self.pushes += 1

    async def until(self, pushes: int) -> None:
        """On the test's loop."""
        while self.pushes < pushes:
            assert all(not t.done() or t.exception() is None for t in self.tasks)
            await asyncio.sleep(0.01)


@pytest.fixture
async def phones(app: Litestar, client: AsyncTestClient, world: World) -> AsyncIterator[Phones]:
    csrf = await login(client, world, "trainee")
    cookie = world.sessions["trainee"][0]
    pushing = Phones(app, {"Cookie": f"{COOKIE_NAME}={cookie}", **csrf}, world.id("assessor"))
    yield pushing
    if pushing.tasks:
        await in_app(client, pushing.finish)


async def push_for_a_while(client: AsyncTestClient, phones: Phones, pushes: int) -> None:
    await in_app(client, phones.start, 1)
    await phones.until(phones.pushes + pushes)
    await in_app(client, phones.finish)


def assert_consistent(copy: Tables) -> int:
    """The relations a half-written transaction would break; returns the copy's change sequence."""
    (counter,) = [r for r in copy["counters"] if r["name"] == "change_seq"]
    seq = int(counter["value"])
    assessments = {r["id"]: r for r in copy["assessments"]}
    # every change up to the counter is there, and none after it: commits are in sequence order
    assert sorted(int(r["seq"]) for r in copy["assessments"]) == list(range(1, seq + 1))
    for result in copy["sync_results"]:
        assert msgspec.json.decode(result["result"])["doc_id"] in assessments, result
    for event in copy["audit_events"]:
        assert event["assessment_id"] in assessments, event
    for device in copy["sync_clients"]:  # a device's last mutation and its stored results agree
        ids = sorted(int(r["mutation_id"]) for r in copy["sync_results"] if r["client_id"] == device["client_id"])
        assert ids == list(range(1, int(device["last_mutation_id"]) + 1)), device
    return seq


async def test_a_backup_taken_while_phones_push_restores_one_consistent_moment(
        settings: Settings, client: AsyncTestClient, phones: Phones, fresh: Callable[[], Awaitable[Target]], tmp_path: Path) -> None:
    source = source_of(settings)
    before = await read_all(source)
    await in_app(client, phones.start, 3)
    await phones.until(6)
    pushed_before = phones.pushes
    during = await backup(source.url, source.sqlite_path, tmp_path / "during.backup")
    pushed_by_the_end = phones.pushes
    await phones.until(phones.pushes + 6)  # the writes go on after it
    await in_app(client, phones.finish)
    after = await read_all(source)

    first = await fresh()
    restored = await restore(first.url, first.sqlite_path, during.path)
    copy = await read_all(first)
    assert counts(copy) == restored.rows == during.rows  # what each command printed is what the copy holds
    cutoff = assert_consistent(copy)
    final = assert_consistent(after)
    assert cutoff < final, (cutoff, final)
    # a moment while the backup ran: everything pushed before it began, nothing pushed after it ended
    # (five drafts a push; at most one push per device under way at its end)
    assert 5 * pushed_before <= cutoff <= 5 * (pushed_by_the_end + 3), (pushed_before, cutoff, pushed_by_the_end)
    # the copy is the source as it was at one moment: the assessments up to its change sequence, exactly
    # (pushes only create, so a row once written stays as it was)
    assert copy["assessments"] == [r for r in after["assessments"] if int(r["seq"]) <= cutoff]
    kept = {r["id"] for r in copy["assessments"]}
    assert copy["audit_events"] == [r for r in after["audit_events"] if r["assessment_id"] in kept]
    assert all(r in after["sync_results"] for r in copy["sync_results"])
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed <= PUSHED, changed
    for name in set(after) - PUSHED:  # what the pushes never touch is there row for row
        assert copy[name] == after[name], name
    assert set(copy) == set(after)

    # once the writes have stopped, a backup restores every table row for row
    done = await backup(source.url, source.sqlite_path, tmp_path / "after.backup")
    second = await fresh()
    await restore(second.url, second.sqlite_path, done.path)
    assert await read_all(second) == after

    # and a server runs on it: the trainee logs in, and a new draft continues the change sequence
    app = create_app(dataclasses.replace(settings, database_url=second.url, job_interval_seconds=0))
    async with AsyncTestClient(app=app) as client:
        response = await client.post("/api/auth/login", json={"email": "trainee@test.bedside.se", "password": PASSWORD})
        assert response.status_code == 200, response.text
        doc = new_id()
        pushed = await client.post("/api/sync", headers={"X-CSRF-Token": response.json()["csrf_token"]}, json={
            "client_id": "phone-after-restore", "since": final, "mutations": [
                {"kind": "create", "id": 1, "doc_id": doc, "at": 1_900_000_000_000, "form_id": "mini-cex",
                 "form_version": 1, "data": {"focus": "Efter återställningen"},
                 "meta": {"assessor_id": phones.assessor_id}}]})
        assert pushed.status_code == 200, pushed.text
        answer = pushed.json()
        assert answer["results"][0]["status"] == "applied"
        assert [c["seq"] for c in answer["changes"]] == [final + 1]


async def test_restore_refuses_a_database_with_tables_unless_forced(
        settings: Settings, client: AsyncTestClient, phones: Phones, fresh: Callable[[], Awaitable[Target]], tmp_path: Path) -> None:
    source = source_of(settings)
    first = await backup(source.url, source.sqlite_path, tmp_path / "first.backup")
    target = await fresh()
    await restore(target.url, target.sqlite_path, first.path)
    as_first = await read_all(target)
    await push_for_a_while(client, phones, 2)
    second = await backup(source.url, source.sqlite_path, tmp_path / "second.backup")

    with pytest.raises(BackupError, match=r"already has \d+ tables \(\d+ rows\): a restore would replace them.*--force"):
        await restore(target.url, target.sqlite_path, second.path)
    assert await read_all(target) == as_first  # untouched
    await restore(target.url, target.sqlite_path, second.path, force=True)
    assert await read_all(target) == await read_all(source)


def _sqlite_file(path: Path) -> None:
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (text TEXT)")
    con.commit()
    con.close()


async def test_a_missing_foreign_or_damaged_file_is_refused_and_the_target_stays_empty(
        settings: Settings, world: World, fresh: Callable[[], Awaitable[Target]], tmp_path: Path) -> None:
    source = source_of(settings)
    good = await backup(source.url, source.sqlite_path, tmp_path / "good.backup")
    target = await fresh()
    garbage = tmp_path / "garbage.backup"
    garbage.write_bytes(os.urandom(4096))
    cut = tmp_path / "cut.backup"
    cut.write_bytes(good.path.read_bytes()[: good.size // 2])
    foreign = tmp_path / "foreign.backup"
    if ON_POSTGRES:
        _sqlite_file(foreign)
        other = r"is a SQLite database, but BEDSIDE_DATABASE_URL names a PostgreSQL database"
    else:
        foreign.write_bytes(b"PGDMP" + os.urandom(4096))
        other = r"is a PostgreSQL backup \(pg_dump\), but BEDSIDE_DATABASE_URL names a SQLite database"
    for path, message in ((tmp_path / "nowhere.backup", "No backup file at"),
                          (garbage, "is not a Bedside backup: neither a SQLite database nor a pg_dump archive"),
                          (cut, "is damaged or incomplete"), (foreign, other)):
        with pytest.raises(BackupError, match=message):
            await restore(target.url, target.sqlite_path, path)
    if target.sqlite_path is not None:
        assert not target.sqlite_path.exists()
    else:
        assert await read_all(target) == {}
    if not ON_POSTGRES:  # a SQLite file that is not Bedside's
        _sqlite_file(other_db := tmp_path / "not-bedside.sqlite3")
        with pytest.raises(BackupError, match="not a Bedside one"):
            await restore(target.url, target.sqlite_path, other_db)
    with pytest.raises(BackupError, match="is a folder"):
        await backup(source.url, source.sqlite_path, tmp_path)


def test_the_password_goes_to_the_environment_not_the_command_line() -> None:
    dsn, env = libpq_target("postgresql://bedside:s%40cr%3At@db.example:5432/bedside?sslmode=require")
    assert dsn == "postgresql://bedside@db.example:5432/bedside?sslmode=require" and env["PGPASSWORD"] == "s@cr:t"
    dsn, env = libpq_target("postgresql://bedside@db.example/bedside?password=hemligt&application_name=b")
    assert dsn == "postgresql://bedside@db.example/bedside?application_name=b" and env["PGPASSWORD"] == "hemligt"
    dsn, env = libpq_target("postgresql:///bedside")
    assert dsn == "postgresql:///bedside" and env.get("PGPASSWORD") == os.environ.get("PGPASSWORD")


def bedside(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"BEDSIDE_DATABASE_URL": url, "BEDSIDE_SECRET_KEY": "cli-test-secret"}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


async def test_the_command_line_says_what_it_did(settings: Settings, fresh: Callable[[], Awaitable[Target]],
                                                 tmp_path: Path) -> None:
    source = source_of(settings)
    run = lambda *args: asyncio.to_thread(bedside, *args)  # noqa: E731
    assert (await run(source.url, "migrate")).returncode == 0
    added = await run(source.url, "user", "add", "bt@cli.test", "--name", "Bea", "--role", "trainee", "--no-password")
    assert added.returncode == 0, added.stderr
    path = tmp_path / "cli.backup"
    made = await run(source.url, "backup", str(path))
    assert made.returncode == 0, made.stderr
    tables = len(await read_all(source))
    assert made.stdout.startswith(f"Backed up to {path}: {tables} tables, ") and "users 1" in made.stdout
    target = await fresh()
    restored = await run(target.url, "restore", str(path))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"Restored {path}: {tables} tables, ") and "users 1" in restored.stdout
    again = await run(target.url, "restore", str(path))
    assert again.returncode == 2 and again.stderr.startswith("bedside: The database ") and "--force" in again.stderr
    assert (await run(target.url, "restore", "--force", str(path))).returncode == 0
    missing = await run(target.url, "restore", str(tmp_path / "missing.backup"))
    assert missing.returncode == 2 and missing.stderr == f"bedside: No backup file at {tmp_path / 'missing.backup'}.\n"
