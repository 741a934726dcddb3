"""Browsers as people name them ("Chrome on Linux", "Safari on iPhone"), from a User-Agent.

Only names on the lists below are ever shown: ua-parser's catch-all rules take a name from
whatever text a client sends ("EvilBot/1.0"), and that text must not reach an owner's page
as if it named a browser. Anything else is an "Unknown browser".

The parsing is ua-parser's pure-Python matcher: about a millisecond a header, so callers
on the event loop run it in a thread, unless the header was described lately
(``described_lately``: a handful of browsers make most requests, and a trip to a thread
costs more than the look-up); ``warm_up`` loads its rules at start-up.
"""
from __future__ import annotations

from ua_parser import parse

# Longer headers are not a browser's; the rules need no more than this to recognise one.
MAX_USER_AGENT_LENGTH = 512
REMEMBERED = 1024  # headers described lately, kept with their descriptions
UNKNOWN = "Unknown browser"
# A phone or tablet is what people call the device; elsewhere, the operating system.
_DEVICES_BY_NAME = {"iPhone", "iPad"}
_SYSTEM_NAMES = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
KNOWN_BROWSERS = frozenset({
    "Chrome", "Chrome Mobile", "Chrome Mobile iOS", "Chrome Mobile WebView", "Chromium", "HeadlessChrome",
    "Firefox", "Firefox Mobile", "Firefox iOS", "Safari", "Mobile Safari", "Mobile Safari UI/WKWebView",
    "Edge", "Edge Mobile", "Opera", "Opera Mobile", "Samsung Internet", "Brave", "Vivaldi", "Yandex Browser",
    "UC Browser", "IE", "IE Mobile", "DuckDuckGo Mobile", "Android", "Electron", "curl", "Wget",
})
KNOWN_SYSTEMS = frozenset({
    "Windows", "Mac OS X", "iOS", "Android", "Linux", "Ubuntu", "Fedora", "Debian", "Chrome OS", "FreeBSD",
    "OpenBSD", "NetBSD", "Windows Phone", "KaiOS", "HarmonyOS", "Tizen",
})


_described: dict[str, str] = {}


def described_lately(user_agent: str) -> str | None:
    """The description of ``user_agent`` when it was described lately, without parsing."""
    return _described.get(user_agent[:MAX_USER_AGENT_LENGTH])


def describe_browser(user_agent: str) -> str:
    """"Firefox on Windows", "Safari on iPhone", "curl", or "Unknown browser"."""
    header = user_agent[:MAX_USER_AGENT_LENGTH]
    described = _described.get(header)
    if described is None:
        described = _describe(header)
        if len(_described) >= REMEMBERED:  # forget the oldest (dicts keep their order)
            _described.pop(next(iter(_described)), None)
        _described[header] = described
    return described


def _describe(user_agent: str) -> str:
    result = parse(user_agent)
    family = result.user_agent.family if result.user_agent else ""
    browser = " ".join(word for word in family.split() if word != "Mobile") if family in KNOWN_BROWSERS else ""
    device = result.device.family if result.device else None
    system = result.os.family if result.os and result.os.family in KNOWN_SYSTEMS else None
    place = device if device in _DEVICES_BY_NAME else _SYSTEM_NAMES.get(system or "", system)
    if not browser:
        return f"{UNKNOWN} on {place}" if place else UNKNOWN
    return f"{browser} on {place}" if place else browser


def warm_up() -> None:
    """Load the parser's rules now (a tenth of a second), not in the first sign-in."""
    _describe("Mozilla/5.0")
