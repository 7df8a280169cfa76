"""A real SMTP server (aiosmtpd) for tests, that can be stopped and started again on the same port."""

from __future__ import annotations

import asyncio
import email
import email.policy
import time
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from bench.live_server import free_port


class Inbox:
    """Keeps every message the server accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


class MailServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    async def first_to(self, address: str, timeout: float = 10.0) -> EmailMessage:
        """The first message to ``address``, waiting for it to arrive."""
        deadline = time.monotonic() + timeout
        while not self.to(address) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert self.to(address), [m["To"] for m in self.messages]
        return self.to(address)[0]

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert len(self.messages) >= count, f"expected {count} mails, got {len(self.messages)}"
        return self.messages


def body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def link_mailed_to(mail: MailServer, to: str, route: str, timeout: float = 20) -> str:
    """The first link into the app's ``#/<route>/`` in a message to ``to``, waiting for it to arrive."""
    import re

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in mail.to(to):
            found = re.search(rf"https?://\S+#/{route}/\S+", message.get_content())
            if found:
                return found.group(0)
        time.sleep(0.1)
    raise AssertionError(f"no #/{route}/ link mailed to {to}")
