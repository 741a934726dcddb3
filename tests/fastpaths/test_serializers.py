"""Kept serializers sign and check cookies exactly as freshly built ones do."""
from __future__ import annotations

import time

import pytest
from itsdangerous import BadSignature, SignatureExpired
from quart import Quart
from quart.sessions import SecureCookieSessionInterface
from quart_auth import QuartAuth

from quartauth.fastpaths.serializers import CsrfCookies, auth_serializer

SALT = "quart auth salt"


def test_the_auth_serializer_is_built_once_per_keys_and_salt():
    assert auth_serializer(["key one"], SALT) is auth_serializer(["key one"], SALT)
    assert auth_serializer(["key two"], SALT) is not auth_serializer(["key one"], SALT)


def test_auth_cookies_are_those_quart_auth_makes_and_checks():
    fresh = QuartAuth.serializer_class(["key one"], SALT)

    assert fresh.loads(auth_serializer(["key one"], SALT).dumps("token")) == "token"
    assert auth_serializer(["key one"], SALT).loads(fresh.dumps("token")) == "token"
    with pytest.raises(BadSignature):
        auth_serializer(["key two"], SALT).loads(fresh.dumps("token"))


def app_with_key(secret_key: str, fallbacks: list[str] | None = None) -> Quart:
    app = Quart(__name__)
    app.secret_key = secret_key
    app.config["SECRET_KEY_FALLBACKS"] = fallbacks
    return app


def test_the_session_serializer_is_kept_while_the_keys_stay():
    cookies, app = CsrfCookies(), app_with_key("key one")

    assert cookies.get_signing_serializer(app) is cookies.get_signing_serializer(app)


def test_a_new_secret_key_gets_a_new_session_serializer():
    cookies, app = CsrfCookies(), app_with_key("key one")
    signed = cookies.get_signing_serializer(app).dumps({"csrf_token": "seed"})

    app.secret_key = "key two"

    with pytest.raises(BadSignature):
        cookies.get_signing_serializer(app).loads(signed)
    app.config["SECRET_KEY_FALLBACKS"] = ["key one"]
    assert cookies.get_signing_serializer(app).loads(signed) == {"csrf_token": "seed"}


def test_session_cookies_are_those_quart_makes_and_checks():
    app = app_with_key("key one")
    fresh = SecureCookieSessionInterface().get_signing_serializer(app)
    kept = CsrfCookies().get_signing_serializer(app)

    assert fresh.loads(kept.dumps({"a": 1})) == {"a": 1}
    assert kept.loads(fresh.dumps({"a": 1})) == {"a": 1}


async def test_the_app_uses_the_kept_serializers(app):
    assert isinstance(app.session_interface, CsrfCookies)
    assert all(extension.serializer_class is auth_serializer for extension in app.extensions["QUART_AUTH"])


async def test_quart_auth_builds_its_serializer_through_serializer_class(app):
    built = []
    [extension] = app.extensions["QUART_AUTH"]
    extension.serializer_class = lambda keys, salt: built.append((keys, salt)) or auth_serializer(keys, salt)

    async with app.test_request_context("/"):
        token = extension.dump_token("token")
        assert extension.load_token(token) == "token"

    assert len(built) == 2


def test_a_checked_cookie_is_remembered_and_still_grows_old(monkeypatch):
    from quartauth.fastpaths import serializers

    fresh = QuartAuth.serializer_class(["key one"], SALT)
    remembered = serializers.RememberedChecks(fresh)
    cookie = fresh.dumps("token")
    checks = []
    real_loads = fresh.loads
    monkeypatch.setattr(fresh, "loads", lambda *args, **kwargs: checks.append(1) or real_loads(*args, **kwargs))

    assert [remembered.loads(cookie, max_age=60) for _ in range(3)] == ["token"] * 3
    assert len(checks) == 1  # the signature was checked once

    later = time.time() + 61
    monkeypatch.setattr(serializers.time, "time", lambda: later)
    with pytest.raises(SignatureExpired):
        remembered.loads(cookie, max_age=60)  # as old as it is, remembered or not
    with pytest.raises(SignatureExpired):
        real_loads(cookie, max_age=60)


def test_a_forged_cookie_is_refused_every_time_and_never_remembered():
    from quartauth.fastpaths import serializers

    remembered = serializers.RememberedChecks(QuartAuth.serializer_class(["key one"], SALT))
    forged = QuartAuth.serializer_class(["another key"], SALT).dumps("token")

    for _ in range(2):
        with pytest.raises(BadSignature):
            remembered.loads(forged, max_age=60)
    assert not remembered._checked
