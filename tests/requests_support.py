"""Fixtures shared by the request, token and mail tests: the app wired to a real SMTP server."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.settings import Settings
from tests.mail_support import MailServer

BASE_URL = "http://bedside.test"
EXTERNAL = {"assessor_name": "Erik Extern", "assessor_email": "erik.extern@sjukhus.test"}


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(settings: Settings, smtp: MailServer) -> Settings:
    """Real SMTP (no demo mode) on the test's mail server."""
    return dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_tls="none",
                               demo_mail="off", base_url=BASE_URL)


def token_of(link: str) -> str:
    match = re.search(r"#/svar/([A-Za-z0-9_-]+)", link)
    assert match, link
    return match.group(1)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def ask(client: AsyncTestClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post("/api/requests", headers=headers,
                                 json={"form_id": "mini-cex", "channel": "email", **EXTERNAL, **body})
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def link_sync(client: AsyncTestClient, token: str, mutations: list[dict[str, Any]], *,
                    client_id: str = "11111111-1111-4111-8111-111111111111", since: int = 0) -> Any:
    return await client.post("/api/sync", headers=bearer(token),
                             json={"client_id": client_id, "since": since, "mutations": mutations})


def mutation(n: int, kind: str, doc_id: str, **body: Any) -> dict[str, Any]:
    return {"kind": kind, "id": n, "doc_id": doc_id, "at": 1_800_000_000_000 + n, **body}
