"""Browsers as people name them ("Chrome on Linux", "Safari on iPhone"), from a User-Agent.

Only names on the lists below are ever shown: ua-parser's catch-all rules take a name from
whatever text a client sends ("EvilBot/1.0"), and that text must not reach an owner's page
as if it named a browser. Anything else is an "Unknown browser".

The parsing is ua-parser's pure-Python matcher: about a millisecond a header, so callers
on the event loop run it in a thread; ``warm_up`` loads its rules at start-up.
"""
from __future__ import annotations

from functools import lru_cache

from ua_parser import parse

# Longer headers are not a browser's; the rules need no more than this to recognise one.
MAX_USER_AGENT_LENGTH = 512
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


@lru_cache(maxsize=1024)
def describe_browser(user_agent: str) -> str:
    """"Firefox on Windows", "Safari on iPhone", "curl", or "Unknown browser"."""
    result = parse(user_agent[:MAX_USER_AGENT_LENGTH])
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
    describe_browser.__wrapped__("Mozilla/5.0")
