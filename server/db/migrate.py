"""Apply the hand-written migrations in order, each in its own transaction, recorded in ``migrations``."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from . import migrations as migrations_package
from .database import Database, Tx, utc_now


def all_migrations() -> list[ModuleType]:
    names = sorted(m.name for m in pkgutil.iter_modules(migrations_package.__path__) if m.name.startswith("m"))
    return [importlib.import_module(f"{migrations_package.__name__}.{name}") for name in names]


async def applied_migrations(db: Database) -> set[str]:
    async def ensure_table(tx: Tx) -> None:
        await tx.execute(
            "CREATE TABLE IF NOT EXISTS migrations (id VARCHAR(100) PRIMARY KEY, applied_at TEXT NOT NULL)"
        )

    await db.transaction(ensure_table)
    return {r["id"] for r in await db.fetch("SELECT id FROM migrations")}


async def migrate(db: Database, *, upto: str | None = None) -> list[str]:
    """Apply what is missing (``upto``: only as far as that migration id, for testing an upgrade);
    return the ids applied now."""
    done = await applied_migrations(db)
    applied: list[str] = []
    for module in all_migrations():
        if module.ID in done:
            continue
        if upto is not None and module.ID > upto:
            break

        async def apply(tx: Tx, module: ModuleType = module) -> None:
            for statement in module.steps(db.dialect):
                await tx.execute(statement)
            await tx.execute("INSERT INTO migrations (id, applied_at) VALUES (?, ?)", (module.ID, utc_now()))

        await db.transaction(apply)
        applied.append(module.ID)
    return applied
