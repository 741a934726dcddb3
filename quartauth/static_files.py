"""The stylesheet and icon under /static/: a name the file system cannot take (too long, or
a NUL) is simply not found, rather than an OSError and a 500."""
from __future__ import annotations

from quart import Quart, abort, current_app
from quart.typing import ResponseReturnValue


def init_app(app: Quart) -> None:
    app.view_functions["static"] = static_file


async def static_file(filename: str) -> ResponseReturnValue:
    try:
        return await current_app.send_static_file(filename)
    except (OSError, ValueError):  # ENAMETOOLONG and the like; ValueError: an embedded NUL
        abort(404)
