"""Keyset paging by id: where a page starts, read from a link that may have been edited."""
from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest id a BIGINT holds


def start_id(text: str | None) -> int:
    """The id a page starts from (ids up to it), from ``text`` as a link carries it; from
    the newest (``MAX_ID``) when it cannot be an id: not digits, too many of them, or zero."""
    if text is None or not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return MAX_ID
    return min(int(text), MAX_ID) or MAX_ID
