"""Login posts before their view: the body read within a short time, and strangers' posts
(no valid device cookie) in the admission's line before their form is parsed, checked for
CSRF or looked up. Registered before the CSRF check, which reads the form."""
from __future__ import annotations

import asyncio

from quart import Quart, g, request
from werkzeug.exceptions import RequestTimeout

from .logging_in import device_cookie
from .services.admission import Admission
from .services.throttle import network_of

# A login form is a few hundred bytes: a body that takes longer than this is turned away
# (408) before it holds anything, so slow senders cannot keep the line's places.
BODY_SECONDS = 10.0
LOGIN_ENDPOINTS = frozenset({"auth.login"})


def init_app(app: Quart, admission: Admission) -> None:
    @app.before_request
    async def enter_the_line() -> None:
        if request.method != "POST" or request.endpoint not in LOGIN_ENDPOINTS:
            return
        try:
            await asyncio.wait_for(request.get_data(cache=True), BODY_SECONDS)
        except asyncio.TimeoutError:
            raise RequestTimeout() from None
        if device_cookie() is None:
            network = network_of(request.remote_addr)
            await admission.line.enter(network)
            g.in_line_from = network

    @app.teardown_request
    async def leave_the_line(_: BaseException | None) -> None:
        network = g.pop("in_line_from", None)
        if network is not None:
            admission.line.leave(network)
