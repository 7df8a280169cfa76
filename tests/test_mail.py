"""E-mail against a real SMTP server (aiosmtpd): an outage keeps mail queued and it is delivered once
the server is back; reminders go out on the configured days (a controllable clock), each exactly
once even when several job runs (or processes on PostgreSQL) race; demo mode shows mail instead."""

from __future__ import annotations

import asyncio
import email.utils
import dataclasses
import datetime as dt
import logging
import subprocess
import sys
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from server.app import create_app
from server.db import open_database
from server.mail.outbox import deliver_due
from server.requests import clock
from server.requests.reminders import run_reminders
from server.settings import REPO_ROOT, Settings
from tests.conftest import ON_POSTGRES
from tests.helpers import in_app
from tests.mail_support import MailServer, body
from tests.requests_support import EXTERNAL, ask, request_link
import tests.requests_support as support
from tests.world import World, login

settings, smtp = support.settings, support.smtp  # fixtures: real SMTP, no demo mode


async def reminders_at(client: AsyncTestClient, when: dt.datetime) -> int:
    state = client.app.state
    return await in_app(client, run_reminders, state.db, state.catalog, state.settings, when)


async def deliver_at(client: AsyncTestClient, when: dt.datetime) -> int:
    return await in_app(client, deliver_due, client.app.state.db, client.app.state.settings, when)


async def outbox(client: AsyncTestClient) -> list[dict[str, Any]]:
    return await in_app(client, client.app.state.db.fetch, "SELECT * FROM mail_outbox ORDER BY id")


async def test_an_smtp_outage_keeps_mail_queued_and_delivers_it_once_back(
    client: AsyncTestClient, world: World, smtp: MailServer
) -> None:
    smtp.stop()
    request = await ask(client, await login(client, world, "trainee"))
    for _ in range(200):  # the job tries at once and fails
        rows = await outbox(client)
        if rows and rows[0]["attempts"] >= 1:
            break
        await asyncio.sleep(0.05)
    (row,) = await outbox(client)
    assert row["status"] == "queued" and row["attempts"] == 1 and row["last_error"]
    assert row["next_attempt_at"] > clock.iso(clock.now())  # backing off, not hammering
    assert await deliver_at(client, clock.now()) == 0  # not due yet

    smtp.start()
    assert await deliver_at(client, clock.now() + dt.timedelta(minutes=2)) == 1
    (mail,) = smtp.messages
    assert await request_link(client, request["id"]) in body(mail)
    (row,) = await outbox(client)
    assert row["status"] == "sent" and row["attempts"] == 2
    assert await deliver_at(client, clock.now() + dt.timedelta(hours=2)) == 0
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("days", [(3, 7), (2, 5, 9)])
async def test_reminders_go_out_on_the_configured_days(
    settings: Settings, smtp: MailServer, days: tuple[int, ...]
) -> None:
    app = create_app(dataclasses.replace(settings, reminder_days=days, job_interval_seconds=0))
    async with AsyncTestClient(app=app) as client:
        world = await in_app(client, _world, app)
        request = await ask(client, await login(client, world, "trainee"))
        created = clock.parse(request["created_at"])
        await deliver_at(client, created)
        assert len(smtp.messages) == 1  # the request itself
        sent_on = []
        for day in range(0, 20):
            when = created + dt.timedelta(days=day, minutes=1)
            queued = await reminders_at(client, when)
            assert await reminders_at(client, when) == 0  # a second run the same day sends nothing more
            if queued:
                sent_on.append(day)
                await deliver_at(client, when)
        assert tuple(sent_on) == days[:len(sent_on)] and tuple(sent_on) == tuple(d for d in days if d < 14)
        reminders = [m for m in smtp.messages if m["Subject"].startswith("Påminnelse")]
        assert len(reminders) == len(sent_on)
        link = await request_link(client, request["id"])
        assert all(m["To"] == EXTERNAL["assessor_email"] and link in body(m) for m in reminders)
        # what a hospital's spam filter and mail client look for: every message dated, with its own id on
        # the sender's domain, marked automatic, plain text; each reminder answers the first message
        first = smtp.messages[0]
        domain = settings.mail_from.rpartition("@")[2].rstrip(">")
        ids = [m["Message-ID"] for m in smtp.messages]
        assert len(set(ids)) == len(ids) and all(i.startswith("<") and i.endswith(f"@{domain}>") for i in ids)
        for m in smtp.messages:
            assert email.utils.parsedate_to_datetime(m["Date"]).tzinfo is not None
            assert m["Auto-Submitted"] == "auto-generated" and m.get_content_type() == "text/plain"
        assert first["In-Reply-To"] is None
        assert all(m["In-Reply-To"] == first["Message-ID"] == m["References"] for m in reminders)


async def _world(app: Litestar) -> World:
    from tests.world import build_world

    return await build_world(app.state.db)


async def test_racing_reminder_runs_send_each_reminder_exactly_once(
    client: AsyncTestClient, world: World, settings: Settings
) -> None:
    headers = await login(client, world, "trainee")
    requests = [await ask(client, headers, assessor_email=f"bedomare{i}@sjukhus.test") for i in range(5)]
    when = clock.parse(requests[-1]["created_at"]) + dt.timedelta(days=3, minutes=1)
    state = client.app.state

    async def race() -> list[int]:
        # On PostgreSQL each "process" has its own connection pool, like separate server processes.
        dbs = [state.db]
        if ON_POSTGRES:
            dbs += [await open_database(settings.database_url) for _ in range(3)]
        try:
            return await asyncio.gather(*(run_reminders(dbs[i % len(dbs)], state.catalog, state.settings, when)
                                          for i in range(8)))
        finally:
            for extra in dbs[1:]:
                await extra.close()

    counts = await in_app(client, race)
    assert sum(counts) == 5
    rows = await outbox(client)
    assert sorted(r["to_address"] for r in rows if r["kind"] == "reminder") == sorted(
        f"bedomare{i}@sjukhus.test" for i in range(5))


async def test_no_reminders_for_withdrawn_completed_or_bedside_requests(
    client: AsyncTestClient, world: World
) -> None:
    headers = await login(client, world, "trainee")
    withdrawn = await ask(client, headers)
    await client.post(f"/api/requests/{withdrawn['id']}/withdraw", headers=headers)
    await client.post("/api/requests", headers=headers, json={"form_id": "mini-cex", "channel": "bedside"})
    assert await reminders_at(client, clock.now() + dt.timedelta(days=3, minutes=1)) == 0


def test_bedside_remind_runs_one_round_for_cron(settings: Settings, tmp_path: Any) -> None:
    env = {"BEDSIDE_DATABASE_URL": settings.database_url, "BEDSIDE_SECRET_KEY": "x", "BEDSIDE_DEMO_MAIL": "on",
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "server.cli", "remind"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Reminders and notices queued: 0; mails delivered: 0." in done.stdout


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_demo_mode_shows_mail_to_the_admin_and_on_the_console(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, smtp_host="", demo_mail="auto"))
    console = _Records()
    logging.getLogger("bedside.mail").addHandler(console)
    try:
        async with AsyncTestClient(app=app) as client:
            world = await in_app(client, _world, app)
            request = await ask(client, await login(client, world, "trainee"))
            await login(client, world, "admin")
            for _ in range(100):
                page = await client.get("/dev/mail")
                if "Tove Trainee ber om en bedömning" in page.text and " sent " in page.text:
                    break
                await asyncio.sleep(0.05)
            assert page.status_code == 200 and "Tove Trainee ber om en bedömning" in page.text
            link = await request_link(client, request["id"])
            assert f'href="{link}"' in page.text
            assert "<style" not in page.text  # the Content-Security-Policy allows no inline style
            (row,) = await outbox(client)
            assert row["status"] == "sent"
    finally:
        logging.getLogger("bedside.mail").removeHandler(console)
    logged = "\n".join(r.getMessage() for r in console.records if r.levelno == logging.INFO)
    assert EXTERNAL["assessor_email"] in logged and "Tove Trainee ber om en bedömning" in logged
    assert link in logged


async def test_the_demo_mail_page_is_for_the_admin_only(settings: Settings) -> None:
    app = create_app(dataclasses.replace(settings, smtp_host="", demo_mail="auto"))
    async with AsyncTestClient(app=app) as client:
        world = await in_app(client, _world, app)
        await ask(client, await login(client, world, "trainee"))
        for _ in range(100):  # the mail is delivered (to the demo page) before anyone looks
            if (await outbox(client))[0]["status"] == "sent":
                break
            await asyncio.sleep(0.05)
        as_trainee = await client.get("/dev/mail")
        client.cookies.clear()
        anonymous = await client.get("/dev/mail")
    assert as_trainee.status_code == 403 and as_trainee.json()["reason"] == "forbidden"
    assert "admin" in as_trainee.json()["detail"]
    assert anonymous.status_code == 401 and anonymous.json()["reason"] == "not_logged_in"
    for refused in (as_trainee, anonymous):
        assert "#/svar/" not in refused.text and "ber om en bedömning" not in refused.text


async def test_without_demo_mode_there_is_no_development_page(client: AsyncTestClient) -> None:
    assert (await client.get("/dev/mail")).status_code == 404


async def test_a_subject_with_a_line_break_is_sent_on_one_line(client: AsyncTestClient, smtp: MailServer) -> None:
    """A name someone typed with a line break (or U+2028) never makes a mail unsendable, retried forever."""
    from server.mail.outbox import queue_mail

    async def queue() -> None:
        async def run(tx: Any) -> None:
            await queue_mail(tx, to="kollega@sjukhus.test", subject="Maja\r\nSjöberg\u2028har signerat", body="Hej",
                             kind="receipt", now=clock.now(), thread="request:x")
        await client.app.state.db.transaction(run)

    await in_app(client, queue)
    assert await deliver_at(client, clock.now() + dt.timedelta(minutes=1)) >= 1
    (mail,) = [m for m in smtp.messages if m["To"] == "kollega@sjukhus.test"]
    assert mail["Subject"] == "Maja Sjöberg har signerat"
