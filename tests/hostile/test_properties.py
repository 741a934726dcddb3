"""Arbitrary requests to every route: never a 5xx, never a change to the database.

Hypothesis writes the requests: methods, paths, query strings, headers, cookies and bodies.
None of them carries a valid CSRF token, so none is a valid change, and none may make one.
"""
from __future__ import annotations

import base64
import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quartauth.repository.users import update_user_is_admin

from ..helpers import csrf_token_in, page_text
from .conftest import snapshot

ROUTES = [
    "/", "/register", "/login", "/logout", "/account", "/healthz", "/static/style.css", "/nowhere",
    "/confirm", "/account/password", "/account/delete", "/account/sessions/end-others", "/account/sessions/1/end",
    "/admin", "/admin/users/1", "/admin/users/1/disable", "/admin/users/1/remove-admin", "/admin/users/1/end-sessions",
    "/forgot", "/reset/x", "/verify", "/verify/x", "/verify/resend", "/confirm-email/x", "/account/email",
    "/login/two-step", "/account/two-step", "/account/two-step/off", "/account/two-step/recovery-codes",
    "/account/two-step/trusted-browsers/forget", "/admin/users/1/reset-two-step",
    "/login/passkey", "/login/passkey/options", "/login/two-step/passkey", "/login/two-step/passkey/options",
    "/confirm/passkey/options", "/account/passkeys/add", "/account/passkeys", "/account/passkeys/AAAA/remove",
    "/admin/users/1/remove-passkeys", "/static/passkeys.js",
    "/api/v1/session", "/api/v1/login", "/api/v1/login/two-step", "/api/v1/logout", "/api/v1/sessions",
    "/api/v1/sessions/1", "/api/v1/sessions/end-others", "/api/v1/confirm", "/api/v1/openapi.json",
]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
FIELDS = [
    "email", "password", "confirm", "remember", "next", "csrf_token",
    "current_password", "new_password", "new_email", "search", "start", "code", "trust", "passkey", "name",
]
COOKIES = ["quartauth_session", "quartauth_csrf", "quartauth_second_step", "quartauth_device", "quartauth_passkey", "other"]

header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=200)
any_text = st.text(max_size=300)
paths = st.one_of(
    st.sampled_from(ROUTES),
    st.builds(lambda route, tail: route + quote(tail, safe="/"), st.sampled_from(ROUTES), any_text),
)
forms = st.dictionaries(st.one_of(st.sampled_from(FIELDS), any_text), any_text, max_size=8)
bodies = st.one_of(st.binary(max_size=2000), forms.map(lambda form: "&".join(f"{quote(k)}={quote(v)}" for k, v in form.items()).encode()))
cookies = st.dictionaries(st.sampled_from(COOKIES), header_text.map(lambda v: v.replace(";", "").replace(",", "")), max_size=3)
content_types = st.sampled_from(
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json", "text/plain", ""]
)
headers = st.dictionaries(
    st.sampled_from(["Referer", "Origin", "X-CSRFToken", "X-CSRF-Token", "Authorization", "Accept", "X-Forwarded-For", "Accept-Language"]),
    header_text,
    max_size=4,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(METHODS),
    path=paths,
    query=st.dictionaries(st.one_of(st.sampled_from(FIELDS), any_text), any_text, max_size=4),
    body=bodies,
    content_type=content_types,
    extra_headers=headers,
    cookie_jar=cookies,
)
async def test_no_request_breaks_the_server_or_changes_data(
    app, resident, database, method, path, query, body, content_type, extra_headers, cookie_jar
):
    client = app.test_client()  # a stranger: none of the resident's cookies
    request_headers = dict(extra_headers)
    if content_type:
        request_headers["Content-Type"] = content_type
    if cookie_jar:
        request_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookie_jar.items())

    response = await client.open(path, method=method, query_string=query, headers=request_headers, data=body)

    assert response.status_code < 500, (method, path, response.status_code)
    assert await snapshot(database) == resident


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    method=st.sampled_from(METHODS),
    path=paths,
    query=st.dictionaries(st.one_of(st.sampled_from(FIELDS), any_text), any_text, max_size=4),
    body=bodies,
    content_type=content_types,
)
async def test_a_signed_in_admin_sending_anything_breaks_nothing(
    client, resident, database, method, path, query, body, content_type
):
    """The resident, an admin here, signed in on ``client``: every page is open to them, but
    without a CSRF token no request of theirs may change anything either."""
    await update_user_is_admin(database, resident.resident.id, True)
    before = await snapshot(database)
    request_headers = {"Content-Type": content_type} if content_type else {}

    response = await client.open(path, method=method, query_string=query, headers=request_headers, data=body)

    assert response.status_code < 500, (method, path, query, response.status_code)
    assert await snapshot(database) == before
    assert (await client.get("/admin")).status_code == 200  # still signed in, still an admin


def _encoded(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), any_text),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(any_text, inner, max_size=4)),
    max_leaves=12,
)
base64ish = st.one_of(st.binary(max_size=300).map(_encoded), any_text)
# Answers shaped like a browser's, each part made up: what gets past JSON reaches WebAuthn's checks.
credential_like = st.fixed_dictionaries(
    {"id": base64ish, "rawId": base64ish, "type": st.sampled_from(["public-key", "other"])},
    optional={
        "response": st.fixed_dictionaries({}, optional={
            "clientDataJSON": st.one_of(base64ish, json_values.map(lambda value: _encoded(json.dumps(value).encode()))),
            "authenticatorData": base64ish, "signature": base64ish, "userHandle": st.one_of(st.none(), base64ish),
        }),
        "clientExtensionResults": json_values,
    },
)
passkey_answers = st.one_of(any_text, json_values.map(json.dumps), credential_like.map(json.dumps))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/login/passkey", "/login/two-step/passkey"]), answer=passkey_answers)
async def test_made_up_passkey_answers_never_break_the_server_nor_sign_anyone_in(passkey_app, path, answer):
    """With a real CSRF token and a challenge waiting, whatever the answer: a clear refusal."""
    client = passkey_app.test_client()
    token = csrf_token_in(await page_text(await client.get("/login")))
    await client.post("/login/passkey/options", headers={"X-CSRFToken": token})

    response = await client.post(path, form={"csrf_token": token, "passkey": answer})

    assert response.status_code in (302, 413, 429), (path, response.status_code)  # 429: the guesses count
    assert (await client.get("/account")).status_code == 302
