"""Has a password appeared in a known breach? Asked of the Pwned Passwords range API without
ever sending the password: only the first five hex characters of its SHA-1 leave, and the
answer lists every breached hash with that start, which is compared here (k-anonymity).

Off unless ``BREACHED_PASSWORD_CHECK=true``. When the service cannot be reached in time the
check is skipped and logged: it fails open, as sign-ups must not depend on a third party.
"""
from __future__ import annotations

import hashlib
import logging

from .password_policy import normalized

logger = logging.getLogger("quartauth.breaches")
TIMEOUT_SECONDS = 2.0
BREACHED_MESSAGE = "This password has appeared in a data breach elsewhere, so attackers try it: choose another."


class BreachedPasswords:
    def __init__(self, range_url: str, timeout: float = TIMEOUT_SECONDS) -> None:
        self._range_url = range_url.rstrip("/") + "/"
        self._timeout = timeout

    async def problem(self, password: str) -> str | None:
        """``BREACHED_MESSAGE`` when the service lists the password, else None (also when it
        cannot say)."""
        # SHA-1 is the API's; the password as it is hashed for its account.
        digest = hashlib.sha1(normalized(password).encode("utf-8", "surrogatepass")).hexdigest().upper()
        prefix, suffix = digest[:5], digest[5:]
        import httpx  # here, not at start: 4 MB a worker with the check off never spends

        try:
            async with httpx.AsyncClient(timeout=self._timeout) as client:
                response = await client.get(self._range_url + prefix, headers={"Add-Padding": "true"})
                response.raise_for_status()
        except httpx.HTTPError as error:
            logger.warning("breached-password check skipped: %s unreachable (%s)", self._range_url, type(error).__name__)
            return None
        for line in response.text.splitlines():
            listed, _, count = line.strip().partition(":")
            if listed.upper() == suffix and count.strip() not in ("", "0"):  # padding lines count 0
                return BREACHED_MESSAGE
        return None
