"""Pages, rendered cheaply: every signed-in view renders one, so its cost is the site's.

- ``render`` runs templates in Jinja's plain mode. Quart compiles them for async mode, which
  wraps every call, loop and block in case it awaits something; these templates never do.
- The layout builds six links and the Logout form's CSRF token on every page. Measured
  under load, that cost more than the rest of the template; both answers change rarely, so
  they are kept and reused.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from functools import lru_cache
from typing import Any

from jinja2 import Environment
from quart import Quart, current_app, g, request, session, url_for
from quart_wtf.const import DEFAULT_CSRF_FIELD_NAME
from quart_wtf.utils import generate_csrf

# A relative link depends only on the endpoint, its values and where the app is mounted.
LINKS_KEPT = 1024
# A signed token is good for an hour (WTF_CSRF_TIME_LIMIT); one signed up to a minute ago
# still is, for 59 minutes more.
TOKEN_REUSE_SECONDS = 60.0
TOKENS_KEPT = 4096
# quart-wtforms keeps a session's seed under this name, and a request's signed token in g.
CSRF_FIELD = DEFAULT_CSRF_FIELD_NAME
_PLAIN_ENVIRONMENT = "quartauth.plain_jinja_environment"


def init_app(app: Quart) -> None:
    app.jinja_env.globals["url_for"] = link_to
    app.jinja_env.globals["csrf_token"] = SignedCsrfTokens()
    # Shares the loader, globals and filters of Quart's environment; compiles its own copies.
    app.extensions[_PLAIN_ENVIRONMENT] = app.jinja_env.overlay(enable_async=False, cache_size=400)


async def render(template_name: str, **context: Any) -> str:
    """Quart's ``render_template``, with the template run in Jinja's plain mode."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    await app.update_template_context(context)
    environment: Environment = app.extensions[_PLAIN_ENVIRONMENT]
    return environment.get_template(template_name).render(context)


def link_to(endpoint: str, **values: Any) -> str:
    """``url_for`` for templates, remembered for relative links."""
    if endpoint.startswith(".") or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)  # depends on the request's blueprint or scheme
    try:
        return _relative_link(request.root_path, endpoint, tuple(sorted(values.items())))
    except TypeError:  # a value that cannot be a key, such as a list
        return url_for(endpoint, **values)


@lru_cache(maxsize=LINKS_KEPT)
def _relative_link(root_path: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
    return url_for(endpoint, **dict(values))


class SignedCsrfTokens:
    """``csrf_token()`` for templates: a session's seed, signed at most once a minute.

    quart-wtforms signs the seed afresh on every page that shows a form, and every page
    shows the Logout form. The tokens are kept per seed, which changes at every sign-in
    and sign-out, so a token is never shared between sessions.
    """

    def __init__(self) -> None:
        self._signed: OrderedDict[str, tuple[str, float]] = OrderedDict()

    def __call__(self) -> str:
        if CSRF_FIELD in g:  # signed for this request already
            return str(g.get(CSRF_FIELD))
        now = time.monotonic()
        kept = self._signed.get(session.get(CSRF_FIELD, ""))
        if kept is not None and now - kept[1] < TOKEN_REUSE_SECONDS:
            token = kept[0]
            setattr(g, CSRF_FIELD, token)  # so that forms on the page show the same token
        else:
            token = str(generate_csrf())  # makes the seed too, if the session has none yet
            self._signed[session[CSRF_FIELD]] = (token, now)
        self._signed.move_to_end(session[CSRF_FIELD])
        if len(self._signed) > TOKENS_KEPT:
            self._signed.popitem(last=False)
        return token
