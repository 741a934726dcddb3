"""The security log: events recorded with where they came from, read as people read them,
and written to the app's log even when the database cannot take them."""
from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from quartauth.db import DatabaseUnavailable
from quartauth.services import security_log
from quartauth.services.security_log import Event, Where

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def test_an_event_is_kept_with_its_address_browser_and_detail(database):
    await security_log.record(
        database, Event.LOGIN_FAILED, now=NOW, where=Where("198.51.100.7", "Firefox on Linux"),
        email="person@example.com", detail={"reason": "wrong password"},
    )

    page = await security_log.events_page(database, email="person@example.com", event="", before=None)

    [entry] = page.events
    assert (entry.event, entry.client_address, entry.browser) == ("login_failed", "198.51.100.7", "Firefox on Linux")
    assert security_log.detail_of(entry.detail) == [("reason", "wrong password")]


def test_labels_read_as_sentences_and_an_unknown_event_reads_as_stored():
    assert security_log.label_of("login") == "Logged in"
    assert security_log.label_of("from_a_later_version") == "from_a_later_version"
    assert security_log.detail_of("not json") == [("detail", "not json")]


async def test_a_database_that_cannot_take_the_event_leaves_it_on_the_log(database, monkeypatch, caplog):
    async def unavailable(*args: object, **kwargs: object) -> None:
        raise DatabaseUnavailable("down")

    monkeypatch.setattr(security_log, "insert_security_event", unavailable)
    caplog.set_level(logging.INFO, logger="quartauth.security_log")

    await security_log.record(database, Event.LOGOUT, now=NOW, where=Where(), email="person@example.com")

    [line, warning] = [record.getMessage() for record in caplog.records]
    assert json.loads(line)["event"] == "logout" and "could not be written" in warning


async def test_pruning_keeps_what_is_within_the_retention(database):
    for age in (400, 10):
        await security_log.record(database, Event.LOGOUT, now=NOW - timedelta(days=age), where=Where(), email="a@example.com")

    assert await security_log.prune(database, NOW, timedelta(days=365)) == 1
    assert len((await security_log.events_page(database, email="", event="", before=None)).events) == 1
