"""Login posts before their view: the body read within a short time, then the admission's
line before the form is parsed, checked for CSRF or looked up: strangers' posts (no valid
device cookie) wait for a place, a known browser's for its own previous post to end.
Registered before the CSRF check, which reads the form."""
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
        cookie = device_cookie()
        if cookie is None:
            network = network_of(request.remote_addr)
            await admission.line.enter(network)
            g.in_line_from = network
        else:
            await admission.line.enter_known(cookie.browser)
            g.in_line_as = cookie.browser

    @app.teardown_request
    async def leave_the_line(_: BaseException | None) -> None:
        network = g.pop("in_line_from", None)
        if network is not None:
            admission.line.leave(network)
        browser = g.pop("in_line_as", None)
        if browser is not None:
            admission.line.leave_known(browser)
