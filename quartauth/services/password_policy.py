"""The password policy, NIST SP 800-63B's: 8 to 128 characters as the hash will see them
(after NFKC normalization), no composition rules, no expiry; and no password that is easy to
guess (zxcvbn's offline estimate, told the email and the site's name) or built from the email.

``new_password_problem`` is the whole rule for a password being chosen, wherever it is
chosen (the pages and the ``quartauth`` command).
"""
from __future__ import annotations

import asyncio
import unicodedata
from typing import TYPE_CHECKING

from ..brand import DEFAULT_SITE_NAME
from .guesses import estimate

if TYPE_CHECKING:  # breaches counts passwords as this module does
    from .breaches import BreachedPasswords

MIN_LENGTH = 8
MAX_LENGTH = 128
LENGTH_MESSAGE = f"Password must be between {MIN_LENGTH} and {MAX_LENGTH} characters."
MISMATCH_MESSAGE = "Passwords must match."
UNREADABLE_MESSAGE = "The password contains characters that could not be read."
FROM_EMAIL_MESSAGE = "A password must not be built from your email address."
GUESSABLE_MESSAGE = "This password is too easy to guess: add a word or two that others would not think of."
RULE = (
    f"At least {MIN_LENGTH} characters (at most {MAX_LENGTH}), not easy to guess and not made from your email: "
    "a few unrelated words make a good one."
)
# zxcvbn's scores run 0 to 4; 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_GUESS_SCORE = 3
# The estimate reads this much of a password: zxcvbn refuses more than 72 characters and
# slows with length, and a long password is at least as strong as its start.
GUESS_WINDOW = 64
UNREADABLE = "\ufffd"  # what the form decoder leaves for bytes that are not UTF-8


async def new_password_problem(
    password: str, *, email: str, breaches: BreachedPasswords | None, site_name: str = DEFAULT_SITE_NAME
) -> str | None:
    """What is wrong with ``password`` as a new password for ``email``'s account, in one
    sentence, or None: its shape, how easy it is to guess (estimated in a thread: it costs
    milliseconds), and whether it is breached (when ``breaches`` checks that)."""
    problem = shape_problem(password) or await asyncio.to_thread(guessing_problem, password, email=email, site_name=site_name)
    if problem is None and breaches is not None:
        problem = await breaches.problem(password)
    return problem


def shape_problem(password: str, *, chosen: bool = True) -> str | None:
    """What makes ``password`` unusable whatever the account: unreadable, too long, or (one
    being ``chosen``) too short. Lengths count the normalized password, as it is hashed, so a
    password accepted at sign-up is never refused as too long when it is entered again."""
    if UNREADABLE in password:
        return UNREADABLE_MESSAGE
    length = len(normalized(password))
    if length > MAX_LENGTH or (chosen and length < MIN_LENGTH):
        return LENGTH_MESSAGE
    return None


def guessing_problem(password: str, *, email: str = "", site_name: str = DEFAULT_SITE_NAME) -> str | None:
    """Why ``password`` would be easy to guess for ``email``'s account, or None."""
    text = normalized(password)
    local_part = email.partition("@")[0].lower()
    if email and (email.lower() in text.lower() or _built_from(text.lower(), local_part)):
        return FROM_EMAIL_MESSAGE
    estimated = estimate(text[:GUESS_WINDOW], user_inputs=[word for word in (email, local_part, site_name) if word])
    if estimated["score"] >= MIN_GUESS_SCORE:
        return None
    warning = estimated["feedback"]["warning"].strip().rstrip(".")
    if not warning:
        return GUESSABLE_MESSAGE
    return f"This password is too easy to guess: {warning[0].lower()}{warning[1:]}."


def normalized(password: str) -> str:
    """The password as it is hashed and counted: the same on every keyboard and OS."""
    return unicodedata.normalize("NFKC", password)


def _built_from(text: str, local_part: str) -> bool:
    # "alice2024!" for alice@...: what is left without the name is too short to be a password.
    return len(local_part) >= 3 and local_part in text and len(text.replace(local_part, "")) < MIN_LENGTH
