"""One way to write a moment, with its time zone."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from quartauth import moments

MOMENT = datetime(2026, 11, 30, 5, 20, tzinfo=UTC)


def test_a_moment_is_written_in_utc_and_says_so():
    assert moments.written(MOMENT) == "30 Nov 2026, 05:20 UTC"
    assert moments.written(MOMENT.astimezone(timezone(timedelta(hours=2)))) == "30 Nov 2026, 05:20 UTC"


def test_a_page_gets_a_time_element_or_never():
    assert moments.time_element(MOMENT) == '<time datetime="2026-11-30T05:20:00+00:00">30 Nov 2026, 05:20 UTC</time>'
    assert moments.time_element(None, never="not yet") == "not yet"
