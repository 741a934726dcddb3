"""Browsers named as people name them."""
from __future__ import annotations

import pytest

from quartauth.services.browsers import describe_browser

CHROME_ON_LINUX = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (CHROME_ON_LINUX, "Chrome on Linux"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPad"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15", "Safari on macOS"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
        ("curl/8.5.0", "curl"),
        # Any text a client sends is not a browser's name, whatever ua-parser makes of it.
        ("EvilBot/1.0 <b>visit evil.example</b>", "Unknown browser"),
        ("HackerSpider Reset-your-password-at-evil.example", "Unknown browser"),
        ("Mozilla/5.0 (Mallory OS 1.0) MalloryBrowser/2.0", "Unknown browser"),
        ("", "Unknown browser"),
        ("\x00" * 10, "Unknown browser"),
    ],
)
def test_browsers_are_named_as_people_name_them(user_agent, name):
    assert describe_browser(user_agent) == name


def test_an_endless_header_is_read_no_further_than_a_browser_needs():
    assert describe_browser(CHROME_ON_LINUX + " x" * 100_000) == "Chrome on Linux"


def test_a_header_described_lately_is_known_without_parsing_and_the_oldest_are_forgotten(monkeypatch):
    from quartauth.services import browsers

    monkeypatch.setattr(browsers, "_described", {})
    monkeypatch.setattr(browsers, "REMEMBERED", 2)
    first, second, third = CHROME_ON_LINUX, CHROME_ON_LINUX + " one", CHROME_ON_LINUX + " two"

    assert browsers.described_lately(first) is None
    describe_browser(first)
    describe_browser(second)
    assert browsers.described_lately(first) == "Chrome on Linux"
    describe_browser(third)

    assert browsers.described_lately(first) is None and browsers.described_lately(third) == "Chrome on Linux"
