"""The storage layer on a real SQLite file or PostgreSQL: transactions, group commit, migrations."""

from __future__ import annotations

import asyncio

import pytest

from server.db import Database, Tx, open_database
from server.db.migrate import migrate
from server.db.tables import ALL_TABLES
from server.settings import Settings


@pytest.fixture
async def db(settings: Settings) -> Database:
    database = await open_database(settings.database_url, settings.sqlite_path if settings.is_sqlite else None)
    await migrate(database)
    yield database
    await database.close()


async def _add_unit(db: Database, name: str) -> int:
    async def insert(tx: Tx) -> int:
        row = await tx.fetchone("INSERT INTO units (name, created_at) VALUES (?, ?) RETURNING id", (name, "t"))
        assert row is not None
        return int(row["id"])

    return await db.transaction(insert)


async def test_migrations_create_exactly_the_piccolo_tables_columns(db: Database) -> None:
    for table in ALL_TABLES:
        name = table._meta.tablename
        if db.dialect == "sqlite":
            cols = {r["name"] for r in await db.fetch(f"PRAGMA table_info({name})")}
        else:
            cols = {r["column_name"] for r in await db.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", (name,))}
        assert cols == {c._meta.db_column_name for c in table._meta.columns}, name


async def test_migrating_twice_changes_nothing(db: Database) -> None:
    assert await migrate(db) == []


async def test_64_concurrent_write_transactions_all_commit(db: Database) -> None:
    ids = await asyncio.gather(*(_add_unit(db, f"unit {i}") for i in range(64)))
    assert len(set(ids)) == 64
    rows = await db.fetch("SELECT count(*) AS n FROM units")
    assert rows[0]["n"] == 64


async def test_a_failing_transaction_leaves_nothing_and_does_not_harm_its_group(db: Database) -> None:
    async def half_then_fail(tx: Tx) -> None:
        await tx.execute("INSERT INTO units (name, created_at) VALUES (?, ?)", ("half-written", "t"))
        raise ValueError("refused")

    results = await asyncio.gather(
        _add_unit(db, "before"), db.transaction(half_then_fail), _add_unit(db, "after"), return_exceptions=True)
    assert isinstance(results[1], ValueError)
    names = {r["name"] for r in await db.fetch("SELECT name FROM units")}
    assert names == {"before", "after"}


async def test_a_committed_write_survives_reopening_the_database(settings: Settings, db: Database) -> None:
    await _add_unit(db, "durable")
    await db.close()
    again = await open_database(settings.database_url, settings.sqlite_path if settings.is_sqlite else None)
    try:
        assert await again.fetchone("SELECT name FROM units WHERE name = ?", ("durable",))
    finally:
        await again.close()


async def test_the_unique_constraint_refuses_a_duplicate(db: Database) -> None:
    await _add_unit(db, "once")
    with pytest.raises(Exception, match="(?i)unique"):  # noqa: B017 (sqlite3 or asyncpg error class)
        await _add_unit(db, "once")
    assert (await db.fetch("SELECT count(*) AS n FROM units"))[0]["n"] == 1


async def test_a_lookup_by_key_sees_each_commit_at_once_and_nothing_rolled_back(db: Database) -> None:
    """``lookup`` (the session behind every request) reads on the event loop on SQLite: it must see a
    write the moment its transaction committed, a delete likewise, and never a rolled-back one."""
    unit = await _add_unit(db, "Akuten")
    by_id = "SELECT name FROM units WHERE id = ?"
    assert await db.lookup(by_id, (unit,)) == [{"name": "Akuten"}]

    async def rename_then_fail(tx: Tx) -> None:
        await tx.execute("UPDATE units SET name = ? WHERE id = ?", ("Fel", unit))
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        await db.transaction(rename_then_fail)
    assert await db.lookup(by_id, (unit,)) == [{"name": "Akuten"}]

    async def remove(tx: Tx) -> None:
        await tx.execute("DELETE FROM units WHERE id = ?", (unit,))

    await db.transaction(remove)
    assert await db.lookup(by_id, (unit,)) == []
