"""Whether a configured ``SECRET_KEY`` could be guessed.

A key made by ``secrets`` is a long run of characters with no pattern in it. What people
type instead is plainly not random: a run (``abcdef…``, ``0123…``), a repeat, words
(``passwordpassword…``) or a placeholder (``your-secret-key-here-change-me-please``).
zxcvbn finds the runs, repeats and words; a short list finds the placeholders.
"""
from __future__ import annotations

import re

from .services.guesses import estimate

MIN_LENGTH = 32
# zxcvbn's estimate of the guesses a random key of 32 characters needs is 10^27 or more
# (seen over thousands of hex and base64 keys); a run or a repeat is under 10^15.
MIN_GUESSES_LOG10 = 20
# Dictionary words cover at most a fifth of a random key; a phrase is mostly words.
MAX_WORD_SHARE = 0.4
ESTIMATE_WINDOW = 64  # zxcvbn's time grows with the length; a pattern shows in the start
PLACEHOLDER = re.compile(
    r"change.?(it|me|this)|secret.?key|your.?(key|secret)|replace|example|placeholder|insert|dummy|xxxx",
    re.IGNORECASE,
)
HOW_TO_MAKE_ONE = 'make one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'


def weakness(key: str) -> str | None:
    """Why ``key`` will not do as a production secret, in a sentence that says how to make
    one that will; None when it looks random."""
    if len(key) < MIN_LENGTH:
        return f"SECRET_KEY must be at least {MIN_LENGTH} characters in production ({HOW_TO_MAKE_ONE})."
    if PLACEHOLDER.search(key) or _looks_typed(key[:ESTIMATE_WINDOW]):
        return (
            "SECRET_KEY does not look random (a run, a repeat, words or a placeholder): "
            f"anyone could guess it ({HOW_TO_MAKE_ONE})."
        )
    return None


def _looks_typed(key: str) -> bool:
    estimated = estimate(key)
    words = sum(len(match["token"]) for match in estimated["sequence"] if match["pattern"] == "dictionary" and len(match["token"]) >= 3)
    return estimated["guesses_log10"] < MIN_GUESSES_LOG10 or words / len(key) > MAX_WORD_SHARE
