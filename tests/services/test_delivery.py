"""Delivering the outbox: every message once, a mail server that is down, and tidying up."""
from __future__ import annotations

import asyncio
import os
import stat
import time
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from quartauth.cli import main
from quartauth.db import connect
from quartauth.repository.users import insert_user
from quartauth.repository.outbox import Message, claim_outbox_messages, insert_outbox_message
from quartauth.services import delivery, tokens
from quartauth.services.delivery import SmtpTransport

from ..mailbox import Mailbox

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def message(number: int) -> Message:
    return Message(f"person{number}@example.com", f"Message {number}", f"Text {number}", f"<p>HTML {number}</p>")


async def test_each_message_goes_once_in_text_and_html(database, mailbox):
    for number in range(3):
        await insert_outbox_message(database, message(number), NOW)

    sent = await delivery.deliver_due(database, SmtpTransport(mailbox.url), "quartauth <no-reply@example.com>", NOW)
    again = await delivery.deliver_due(database, SmtpTransport(mailbox.url), "quartauth <no-reply@example.com>", NOW)

    assert sent == 3 and again == 0 and await delivery.waiting(database) == 0
    assert sorted(subject for _, subject in mailbox.subjects()) == ["Message 0", "Message 1", "Message 2"]
    first = mailbox.to("person0@example.com")[0]
    assert first["From"] == "quartauth <no-reply@example.com>"
    assert first.get_body(("plain",)).get_content().strip() == "Text 0"
    assert first.get_body(("html",)).get_content().strip() == "<p>HTML 0</p>"


async def test_two_claims_at_once_never_share_a_message(database):
    for number in range(20):
        await insert_outbox_message(database, message(number), NOW)

    first, second = await asyncio.gather(
        claim_outbox_messages(database, now=NOW, until=NOW + timedelta(minutes=2), limit=15),
        claim_outbox_messages(database, now=NOW, until=NOW + timedelta(minutes=2), limit=15),
    )

    ids = [claim.id for claim in first + second]
    assert len(ids) == 20 and len(set(ids)) == 20


async def test_a_server_that_is_down_is_tried_again_later_with_growing_waits(database):
    await insert_outbox_message(database, message(1), NOW)
    down = SmtpTransport(f"smtp://127.0.0.1:{Mailbox().port}")  # nothing listens there

    assert await delivery.deliver_due(database, down, "no-reply@example.com", NOW) == 0
    assert await delivery.deliver_due(database, down, "no-reply@example.com", NOW + timedelta(seconds=1)) == 0  # not due yet
    box = Mailbox()
    box.start()
    try:
        sent = await delivery.deliver_due(database, SmtpTransport(box.url), "no-reply@example.com", NOW + timedelta(seconds=2))
    finally:
        box.stop()
    assert sent == 1 and box.subjects() == [("person1@example.com", "Message 1")]


async def test_the_wait_between_tries_stops_growing_at_a_minute(database):
    await insert_outbox_message(database, message(1), NOW)
    down = SmtpTransport(f"smtp://127.0.0.1:{Mailbox().port}")
    moment = NOW
    for _ in range(10):
        await delivery.deliver_due(database, down, "no-reply@example.com", moment)
        moment += timedelta(minutes=1)  # always due again by then: the wait is at most a minute

    claimed = await claim_outbox_messages(database, now=moment, until=moment + timedelta(minutes=2), limit=5)
    assert [claim.attempts for claim in claimed] == [11]


def cli(database_url: str, *args: str, **env: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env={"QUARTAUTH_ENV": "testing", "DATABASE_URL": database_url, **env})


def arrange(database_url: str, *steps) -> None:  # type: ignore[no-untyped-def]
    """Run ``steps`` (coroutine functions of a database handle) against ``database_url``."""

    async def run() -> None:
        handle = connect(database_url)
        await handle.open()
        try:
            for step in steps:
                await step(handle)
        finally:
            await handle.close()

    asyncio.run(run())


def test_send_mail_delivers_the_queue_and_fails_while_the_server_is_down(migrated_database_url, mailbox):
    arrange(migrated_database_url, lambda db: insert_outbox_message(db, message(1), datetime.now(UTC) - timedelta(seconds=1)))

    down = cli(migrated_database_url, "send-mail", SMTP_URL=f"smtp://127.0.0.1:{Mailbox().port}")
    time.sleep(2.1)  # the first wait after a failure
    up = cli(migrated_database_url, "send-mail", SMTP_URL=mailbox.url)
    after = cli(migrated_database_url, "send-mail", SMTP_URL=mailbox.url)

    assert down.exit_code == 1 and "1 message could not be delivered yet" in down.output
    assert up.exit_code == 0 and "Delivered 1 message." in up.output
    assert after.exit_code == 0 and "Delivered 0 messages." in after.output
    assert mailbox.subjects() == [("person1@example.com", "Message 1")]


def test_prune_deletes_mail_delivered_long_ago_and_expired_links(migrated_database_url, mailbox):
    now = datetime.now(UTC)

    async def old_mail_and_links(db) -> None:  # type: ignore[no-untyped-def]
        await insert_outbox_message(db, message(1), now - timedelta(days=31))
        await insert_outbox_message(db, message(2), now - timedelta(days=1))
        await delivery.deliver_due(db, SmtpTransport(mailbox.url), "no-reply@example.com", now - timedelta(days=31))
        await delivery.deliver_due(db, SmtpTransport(mailbox.url), "no-reply@example.com", now - timedelta(days=1))
        user = await insert_user(db, email="p@example.com", password_hash="x", is_admin=False, created_at=now)
        await tokens.issue(db, user.id, tokens.Purpose.VERIFY, now - timedelta(days=3))
        await tokens.issue(db, user.id, tokens.Purpose.RESET, now)

    arrange(migrated_database_url, old_mail_and_links)
    pruned = cli(migrated_database_url, "prune")

    assert pruned.exit_code == 0, pruned.output
    assert "Deleted 1 expired link." in pruned.output
    assert "Deleted 1 message delivered more than 30 days ago." in pruned.output
    assert "Deleted 0 messages" in cli(migrated_database_url, "prune").output


async def test_mail_written_to_a_folder_is_readable_by_its_owner_only(database, tmp_path):
    await insert_outbox_message(database, message(1), NOW)
    outbox = tmp_path / "instance" / "outbox"  # neither folder is there yet
    old_umask = os.umask(0o022)
    try:
        await delivery.deliver_due(database, delivery.FolderTransport(outbox), "quartauth <no-reply@example.com>", NOW)
    finally:
        os.umask(old_umask)

    [written] = outbox.glob("*.eml")
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
    assert stat.S_IMODE(outbox.parent.stat().st_mode) == 0o700
