"""Reading what the pages carry, as a script posting forms needs to."""
from __future__ import annotations

import re

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_in(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if match is None:
        raise ValueError("the page has no CSRF token")
    return match[1]
