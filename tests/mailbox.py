"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps every message it receives, and
the links in them."""
from __future__ import annotations

import asyncio
import re
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.live_server import free_port

LINK = re.compile(r"https?://\S+")


class Mailbox:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 Message accepted"

    def to(self, recipient: str, subject: str | None = None) -> list[EmailMessage]:
        return [
            message for message in self.messages
            if message["To"] == recipient and (subject is None or message["Subject"] == subject)
        ]

    async def wait_for(self, recipient: str, subject: str | None = None, *, count: int = 1, timeout: float = 10) -> EmailMessage:
        """The ``count``-th message to ``recipient`` (with ``subject``), once it has come."""
        deadline = time.monotonic() + timeout
        while len(found := self.to(recipient, subject)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail {subject!r} to {recipient} within {timeout} s; got {self.subjects()}")
            await asyncio.sleep(0.02)
        return found[count - 1]

    def subjects(self) -> list[tuple[str, str]]:
        return [(message["To"], message["Subject"]) for message in self.messages]


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()  # type: ignore[union-attr]


def link_in(message: EmailMessage) -> str:
    """The first link of the message's plain text (the one it is about)."""
    match = LINK.search(text_of(message))
    assert match, f"no link in {message['Subject']!r}"
    return match[0]


def path_of(link: str) -> str:
    return "/" + link.split("://", 1)[1].split("/", 1)[1]
