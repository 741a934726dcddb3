"""Delivering the outbox: claim what is due, send it, mark it sent; on failure, try again
later, waiting twice as long each time up to a minute.

A claim holds a message for ``CLAIM_SECONDS`` (the database decides it: no two workers
claim one message), so a worker that dies mid-send lets another take the message over once
the claim runs out. Each app process runs one ``DeliveryTask``; ``quartauth send-mail`` runs
``deliver_due`` once, for deployments that prefer a separate job.
"""
from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib

from ..db import Database, DatabaseError
from ..private_files import private_folder, write_private_file
from ..repository.outbox import (
    Message,
    claim_outbox_messages,
    count_unsent_outbox_messages,
    delete_outbox_messages_sent_before,
    mark_outbox_message_sent,
    postpone_outbox_message,
    select_next_outbox_attempt,
)

logger = logging.getLogger("quartauth.mail")

CLAIM_SECONDS = 120
BATCH = 20
MAX_BACKOFF = timedelta(minutes=1)
SMTP_TIMEOUT_SECONDS = 10
# Without news, the task looks at the outbox this often anyway: another worker, or a job,
# may have queued mail, and a message may have fallen due.
IDLE_SECONDS = 5.0
# Told that mail was queued, the task waits this long first: the transaction that queued
# it may not have committed yet.
SETTLE_SECONDS = 0.1
STOP_SECONDS = 2.0
_LINK = re.compile(r"https?://\S+")


class Transport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...


class SmtpTransport:
    """``smtp://user:password@host:port`` (STARTTLS when the server offers it) or ``smtps://``
    (TLS from the start)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://host:587 or smtps://user:password@host:465")
        self._use_tls = parts.scheme == "smtps"
        self._hostname = parts.hostname
        self._port = parts.port or (465 if self._use_tls else 25)
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self._hostname,
            port=self._port,
            username=self._username,
            password=self._password,
            use_tls=self._use_tls,
            start_tls=None if not self._use_tls else False,  # None: STARTTLS when offered
            timeout=SMTP_TIMEOUT_SECONDS,
        )


class FolderTransport:
    """Development: each message becomes an ``.eml`` file in ``folder``, and its links go
    to the log, so a developer can click them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage) -> None:
        private_folder(self.folder)
        name = message["Message-ID"].strip("<>").replace("@", "-at-").replace("/", "-")
        path = self.folder / f"{name}.eml"
        await asyncio.to_thread(write_private_file, path, bytes(message))
        links = _LINK.findall(message.get_body(("plain",)).get_content())
        logger.info("mail to %s, %r, written to %s; links: %s", message["To"], message["Subject"], path, " ".join(links))


def email_message(message: Message, sender: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = message.recipient
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    mail.set_content(message.text_body)
    mail.add_alternative(message.html_body, subtype="html")
    return mail


async def deliver_due(db: Database, transport: Transport, sender: str, now: datetime) -> int:
    """Send every message due at ``now``; answer how many went."""
    sent = 0
    while claimed := await claim_outbox_messages(db, now=now, until=now + timedelta(seconds=CLAIM_SECONDS), limit=BATCH):
        for number, claim in enumerate(claimed):
            try:
                await transport.send(email_message(claim.message, sender))
            except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as error:
                delay = min(timedelta(seconds=2**claim.attempts), MAX_BACKOFF)
                logger.warning("mail to %s not delivered (try %d), next in %s: %s", claim.message.recipient, claim.attempts, delay, error)
                # The server is down: this message and the rest of the batch wait together.
                for waiting in claimed[number:]:
                    await postpone_outbox_message(db, waiting.id, now + delay, _describe(error))
                return sent
            await mark_outbox_message_sent(db, claim.id, now)
            sent += 1
    return sent


async def waiting(db: Database) -> int:
    """How many messages are not delivered yet."""
    return await count_unsent_outbox_messages(db)


async def prune(db: Database, now: datetime, keep: timedelta) -> int:
    return await delete_outbox_messages_sent_before(db, now - keep)


class DeliveryTask:
    """Delivers the outbox for as long as the app runs: at once when this process queued
    mail, when a message falls due, and every ``IDLE_SECONDS`` otherwise."""

    def __init__(self, db: Database, transport: Transport, sender: str, clock: Callable[[], datetime]) -> None:
        self._db, self._transport, self._sender, self._clock = db, transport, sender, clock
        self._news = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._news.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="quartauth mail delivery")

    async def stop(self) -> None:
        """Stop delivering; a message being sent is sent again by the next process to run."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task], timeout=STOP_SECONDS)
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await deliver_due(self._db, self._transport, self._sender, self._clock())
                wait = await self._seconds_to_next()
            except DatabaseError as error:  # the database is down: try again later
                logger.warning("mail delivery could not read the outbox: %s", error)
                wait = IDLE_SECONDS
            except Exception:  # whatever it was, the task must outlive it: the mail waits
                logger.exception("mail delivery failed; trying again in %s s", IDLE_SECONDS)
                wait = IDLE_SECONDS
            try:
                async with asyncio.timeout(wait):  # unlike wait_for, never mistakes a stop for a timeout
                    await self._news.wait()
                await asyncio.sleep(SETTLE_SECONDS)
            except TimeoutError:
                pass
            self._news.clear()

    async def _seconds_to_next(self) -> float:
        due = await select_next_outbox_attempt(self._db)
        if due is None:
            return IDLE_SECONDS
        return min(max((due - self._clock()).total_seconds(), 0.05), IDLE_SECONDS)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]
