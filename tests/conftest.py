"""Shared fixtures: a real database per test (SQLite file, or PostgreSQL when
BEDSIDE_TEST_DATABASE_URL is set), the app, an HTTP client and a small world of people."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.settings import REPO_ROOT, Settings
from tests.helpers import in_app
from tests.world import World, build_world

TEST_DATABASE_URL = os.environ.get("BEDSIDE_TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgres")


async def reset_postgres(url: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
    finally:
        await conn.close()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh database: a new SQLite file, or the PostgreSQL test database emptied."""
    if ON_POSTGRES:
        asyncio.run(reset_postgres(TEST_DATABASE_URL))
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path}/bedside.sqlite3"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url, secret_key="test-secret-key", schemas_dir=REPO_ROOT / "schemas",
        pwa_dir=REPO_ROOT / "pwa",
    )


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient]:
    async with AsyncTestClient(app=app) as c:
        yield c


@pytest.fixture
async def world(app: Litestar, client: AsyncTestClient) -> World:
    return await in_app(client, build_world, app.state.db)
