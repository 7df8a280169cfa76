"""Fixtures shared by the request, token and mail tests: the app wired to a real SMTP server."""

from __future__ import annotations

import dataclasses
import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from server.settings import Settings
from tests.mail_support import MailServer, body

BASE_URL = "http://bedside.test"
EXTERNAL = {"assessor_name": "Erik Extern", "assessor_email": "erik.extern@sjukhus.test"}
#: what an assessor says about themselves when claiming a link (a signature needs all four)
ME = {"name": "Erik Ek", "title": "Överläkare", "workplace": "Akutmottagningen", "email": "erik.ek@sjukhus.test"}


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


def with_real_smtp(settings: Settings, smtp: MailServer) -> Settings:
    """``settings`` sending by real SMTP (no demo mode) to the test's mail server."""
    return dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=smtp.port, smtp_tls="none",
                               demo_mail="off", base_url=BASE_URL)


@pytest.fixture
def settings(settings: Settings, smtp: MailServer) -> Settings:
    """Real SMTP (no demo mode) on the test's mail server."""
    return with_real_smtp(settings, smtp)


def token_of(link: str) -> str:
    match = re.search(r"#/(?:svar|inte-jag)/([A-Za-z0-9_-]+)", link)
    assert match, link
    return match.group(1)


async def mailed_link(smtp: MailServer, to: str, subject_part: str = "", count: int = 1) -> str:
    """The link in the newest mail to ``to`` (whose subject contains ``subject_part``)."""
    await smtp.wait_for(count)
    mails = [m for m in smtp.to(to) if subject_part in m["Subject"]]
    assert mails, [m["Subject"] for m in smtp.messages]
    match = re.search(r"https?://\S+#/\S+", body(mails[-1]))
    assert match, body(mails[-1])
    return match.group(0)


async def request_link(client: AsyncTestClient, request_id: str) -> str:
    """The request's link as the server derives it for the assessor's mail (never shown to the trainee)."""
    from server.requests.service import link_of
    from tests.helpers import in_app

    row = await in_app(client, client.app.state.db.fetchone,
                       "SELECT token_nonce FROM assessment_requests WHERE id = ?", (request_id,))
    return link_of(client.app.state.settings, row)


def device_key() -> str:
    """A phone's random key, drawn again if it happens to hold a personnummer (as the PWA does)."""
    from server.privacy import contains_identity_number

    while contains_identity_number(key := secrets.token_hex(16)):
        pass
    return key


async def claim(client: AsyncTestClient, token: str, key: str | None = None, **details: Any) -> Any:
    """Claim the request on a device (``key``) with the assessor's details; returns the response."""
    return await client.post("/api/link/claim", headers=bearer(token),
                             json={"device_key": key or device_key(), **(details or ME)})


async def claimed_secret(client: AsyncTestClient, token: str, **details: Any) -> str:
    response = await claim(client, token, **details)
    assert response.status_code == 200, response.text
    return str(response.json()["secret"])


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
