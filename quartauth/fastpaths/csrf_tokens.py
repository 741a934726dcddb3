"""``csrf_token()`` in templates: a session's CSRF seed, signed at most once a minute.

Replaces: quart-wtforms' ``generate_csrf`` signs the seed afresh on every page that shows a
form, and every signed-in page shows the Log out form; signing was a tenth of a page. The
signed token is kept per seed for a minute. Seeds change at every sign-in and sign-out
(``quartauth.csrf.renew_seed``), so a token is never shared between sessions; a token signed
up to a minute ago is good for 59 of its 60 minutes (``WTF_CSRF_TIME_LIMIT``).

Assumes (checked by tests/fastpaths/test_csrf_tokens.py): quart-wtforms keeps a session's
seed in Quart's cookie session, and a request's signed token in ``g``, both under the CSRF
field name; it accepts any token it signed for the seed within the time limit; templates
find ``csrf_token`` in ``app.jinja_env.globals``.
"""
from __future__ import annotations

import time
from collections import OrderedDict

from quart import Quart, current_app, g, session
from quart_wtf.const import DEFAULT_CSRF_FIELD_NAME
from quart_wtf.meta import _QuartFormCSRF
from quart_wtf.utils import generate_csrf

CSRF_FIELD = DEFAULT_CSRF_FIELD_NAME
TOKEN_REUSE_SECONDS = 60.0
TOKENS_KEPT = 4096


def install(app: Quart) -> None:
    app.jinja_env.globals["csrf_token"] = SignedCsrfTokens()


class FormCsrf(_QuartFormCSRF):
    """A form's CSRF token, from the same kept signature as the templates' ``csrf_token()``
    (quart-wtforms' own signs afresh when the form is made, before the page is rendered)."""

    def generate_csrf_token(self, csrf_token_field: object) -> str:
        return str(current_app.jinja_env.globals["csrf_token"]())


class SignedCsrfTokens:
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
