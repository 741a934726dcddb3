"""Where the site lives: the hosts it answers to, and HTTPS in production.

- A request whose Host is not PUBLIC_URL's (or one in ALLOWED_HOSTS) gets 400 before anything
  else runs, so no answer ever carries a forged Host back (in a redirect, say). With neither
  set, as in development, every host is answered.
- ``/healthz`` is answered whatever the Host and scheme, so that the machine itself (a
  monitor, a load balancer) can ask a worker's port directly; it says only whether the
  database answers.
- In production a page asked for over plain HTTP (after ``proxies`` has said how the client
  connected) is redirected to the same path at PUBLIC_URL; a form posted over plain HTTP
  cannot carry the Secure cookies, so it gets a page that says the site needs HTTPS.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

from quart import Quart, abort, redirect, request
from quart.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest

log = logging.getLogger("quartauth.site")
# Set once the warning below is logged, so that the workers `quartauth serve` starts
# (which inherit the environment) do not each log it again.
_WARNED = "QUARTAUTH_START_UP_WARNING_LOGGED"
HEALTH_CHECK_PATH = "/healthz"


class InsecureRequest(BadRequest):
    description = (
        "This site must be served over HTTPS, and this form arrived over plain HTTP. "
        "If a proxy terminates TLS in front of the app, list its address in TRUSTED_PROXIES."
    )


def init_app(app: Quart) -> None:
    """Register before anything else that looks at a request (CSRF, the sign-in)."""
    allowed_hosts = app.config["ALLOWED_HOSTS"]
    production = app.config["QUARTAUTH_ENV"] == "production"
    public_url = app.config["PUBLIC_URL"]

    @app.before_request
    async def check_host_and_scheme() -> ResponseReturnValue | None:
        if request.path == HEALTH_CHECK_PATH:
            return None
        if allowed_hosts and request.host.lower() not in allowed_hosts:
            # Said on the log, so that an operator sees why a proxy set-up answers 400.
            log.warning(
                "refused %s %s from %s: Host %r is not PUBLIC_URL's nor in ALLOWED_HOSTS (400)",
                request.method, request.path, request.remote_addr, request.host[:200],
            )
            abort(400)
        if production and request.scheme != "https":
            log.warning(
                "%s %s from %s came over plain HTTP (%s); is the proxy in TRUSTED_PROXIES and sending X-Forwarded-Proto?",
                request.method, request.path, request.remote_addr,
                "redirected to PUBLIC_URL" if request.method in ("GET", "HEAD") else "refused, 400",
            )
            if request.method in ("GET", "HEAD"):
                path = request.full_path if request.query_string else request.path
                return redirect(public_url + path, 308)
            raise InsecureRequest()
        return None


def warn_at_start_up(config: Mapping[str, Any]) -> None:
    """One warning, once, when production has no proxy to say that clients came over HTTPS."""
    if config["QUARTAUTH_ENV"] != "production" or config["TRUSTED_PROXIES"] or os.environ.get(_WARNED):
        return
    log.warning(
        "Production with no TRUSTED_PROXIES: unless hypercorn itself serves TLS, pages will be "
        "redirected to HTTPS and every form refused as sent over plain HTTP. Put a TLS-terminating "
        "proxy in front and set TRUSTED_PROXIES to its address."
    )
    os.environ[_WARNED] = "1"
