"""The background job inside the server: send due reminders and deliver queued mail, on a schedule
and at once when something was queued (``wake``). ``bedside remind`` runs one round for cron."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from ..catalog import Catalog
from ..db import Database
from ..mail.outbox import deliver_due
from ..plans.reminders import run_plan_reminders
from ..plans.schedule import plan_forms
from ..settings import Settings
from . import clock
from .reminders import run_reminders

log = logging.getLogger("bedside.jobs")


async def run_once(db: Database, catalog: Catalog, settings: Settings) -> tuple[int, int]:
    """One round: (reminders and notices queued, mails delivered)."""
    now = clock.now()
    queued = await run_reminders(db, catalog, settings, now)
    queued += await run_plan_reminders(db, plan_forms(catalog), settings, now)
    delivered = await deliver_due(db, settings, now)
    return queued, delivered


class MailJob:
    def __init__(self, db: Database, catalog: Catalog, settings: Settings) -> None:
        self.db, self.catalog, self.settings = db, catalog, settings
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        if self.settings.job_interval_seconds > 0:
            self._task = asyncio.create_task(self._loop(), name="bedside-mail-job")

    def wake(self) -> None:
        """Something was queued: deliver it now rather than at the next tick."""
        self._wake.set()

    async def stop(self) -> None:
        """Let a round in progress finish (its database work must not be cut off), then end."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout=10)
        except TimeoutError:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._task = None

    async def _loop(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                await run_once(self.db, self.catalog, self.settings)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - the job must outlive a bad round (e.g. database restarting)
                log.exception("mail and reminder job failed; retrying at the next tick")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.settings.job_interval_seconds)
