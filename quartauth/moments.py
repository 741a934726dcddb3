"""One way to write a moment, on every page, in every mail and on the command line:
"30 Nov 2026, 05:20 UTC". Moments are kept in UTC, and say so."""
from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup, escape

FORMAT = "%d %b %Y, %H:%M UTC"


def written(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(FORMAT)


def time_element(moment: datetime | None, never: str = "never") -> Markup:
    """``moment`` for a page: a ``<time>`` that machines read too, or ``never``."""
    if moment is None:
        return escape(never)
    # Put together by hand: Markup.format escapes through string.Formatter, a tenth of a page.
    return Markup(f'<time datetime="{escape(moment.isoformat())}">{escape(written(moment))}</time>')
