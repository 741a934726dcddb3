"""zxcvbn's estimate of how many guesses a text would take, one estimate at a time.

zxcvbn keeps the words it is told of (an account's email, the site's name) in a dictionary
of its module while it estimates. Password checks run in a thread pool: two at once would
each read the other's words, and a password built from one person's email could pass while
another person's was being checked. So estimates take turns (each takes milliseconds)."""
from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from zxcvbn import zxcvbn

_one_at_a_time = threading.Lock()


def estimate(text: str, *, user_inputs: Sequence[str] = ()) -> dict[str, Any]:
    """zxcvbn's estimate of ``text``, knowing ``user_inputs`` as words an attacker would try."""
    with _one_at_a_time:
        return zxcvbn(text, user_inputs=list(user_inputs))
