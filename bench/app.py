"""The real app plus one baseline route: the bytes of a signed-in home page, from memory.

The baseline goes through the same server, middleware and headers, but does no session or
database work, so signed-in page views are measured against what the stack itself costs.
"""
from __future__ import annotations

import os
from pathlib import Path

from quart import Quart, Response

from quartauth import create_app

BASELINE_PATH = "/bench/baseline"


def create_bench_app() -> Quart:
    app = create_app()
    baseline_file = Path(os.environ["BENCH_BASELINE_FILE"])
    cached: list[bytes] = []

    @app.get(BASELINE_PATH)
    async def baseline() -> Response:
        # The file is written once a signed-in page has been fetched, after start-up.
        if not cached:
            cached.append(baseline_file.read_bytes())
        return Response(cached[0], content_type="text/html; charset=utf-8")

    return app
