"""The JSON API's OpenAPI 3.1 document, at ``/api/v1/openapi.json``, generated from the code
by quart-schema: the operations' summaries from their docstrings, their bodies and answers
from the models in ``schemas``, and every error each may give (``base.operation``).

quart-schema is used for the document only, not installed on the app, and imported when the
document is first asked for (8 MB a worker that is never asked does not spend): the pages
keep Quart's own responses, and the API checks its bodies itself (``base.body``)."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from msgspec.json import schema_components
from quart import Quart, current_app
from quart.typing import ResponseReturnValue

from .schemas import ErrorBody
from .base import Operation, blueprint

DESCRIPTION = (
    "Everything a person can do on the pages, for single-page and phone apps, under the same rules. "
    "A browser client is signed in by the session cookie and sends X-CSRF-Token (from GET /api/v1/session) "
    "with every unsafe request; an app sends Authorization: Bearer with the token POST /api/v1/login gave it. "
    "Bodies are JSON, sent with Content-Type: application/json."
)
_KEY = "quartauth_api_document"
# How an answer leads on (OpenAPI links): from signing up to logging in, and from a login's
# token to what a signed-in app does; schemathesis's stateful tests follow them.
BEARER_FROM_ANSWER = {"header.Authorization": "Bearer {$response.body#/token}"}
BEARER_FROM_REQUEST = {"header.Authorization": "$request.header.Authorization"}
SIGNED_IN_NEXT = {
    "WhoAmI": {"operationId": "get_session", "parameters": BEARER_FROM_ANSWER},
    "MySessions": {"operationId": "get_list_sessions", "parameters": BEARER_FROM_ANSWER},
    "LogOut": {"operationId": "post_logout", "parameters": BEARER_FROM_ANSWER},
}
LINKS = {
    ("/api/v1/sign-up", "post", 201): {
        "LogIn": {
            "operationId": "post_login",
            "requestBody": {"email": "$request.body#/email", "password": "$request.body#/password"},
        },
        **SIGNED_IN_NEXT,
    },
    ("/api/v1/login", "post", 200): SIGNED_IN_NEXT,
    ("/api/v1/login/two-step", "post", 200): SIGNED_IN_NEXT,
    ("/api/v1/sessions", "get", 200): {
        "EndOne": {
            "operationId": "delete_end_session",
            "parameters": {"path.session_id": "$response.body#/sessions/0/id", **BEARER_FROM_REQUEST},
        },
    },
}


def document_of(app: Quart) -> dict[str, Any]:
    """The document, made once per app."""
    if _KEY not in app.extensions:
        app.extensions[_KEY] = _made(app)
    return app.extensions[_KEY]


def _made(app: Quart) -> dict[str, Any]:
    from quart_schema import (
        APIKeySecurityScheme, HttpSecurityScheme, Info, OpenAPIProvider, QuartSchema, Tag, document_querystring,
        document_request, document_response, security_scheme, tag,
    )

    operations: dict[str, Operation] = {}
    for endpoint, view in app.view_functions.items():
        if (described := getattr(view, "api_operation", None)) is None:
            continue
        operations[endpoint] = described
        if described.body is not None:
            document_request(described.body)(view)
        if described.query is not None:
            document_querystring(described.query)(view)
        for status, model in described.answers.items():
            document_response(model, status)(view)
        for status in described.errors:
            document_response(ErrorBody, status)(view)
        tag(described.tags)(view)
        if described.signed_in:
            security_scheme([{"bearer": []}, {"session_cookie": []}])(view)

    class ApiDocument(OpenAPIProvider):
        """The document of the API's described operations: not the pages', nor its own."""

        def generate_rules(self) -> Iterable[Any]:
            return (rule for rule in super().generate_rules() if rule.endpoint in operations)

    extension = QuartSchema(
        openapi_path=None, redoc_ui_path=None, scalar_ui_path=None, swagger_ui_path=None,
        info=Info(title=f"{app.config['SITE_NAME']} API", version="1", description=DESCRIPTION),
        tags=[
            Tag(name="sessions", description="Signing up, logging in and out, the sessions and the account."),
            Tag(name="admin", description="The admin area: the users, and what admins may do to each."),
        ],
        security_schemes={
            # An app's session token, from POST /api/v1/login.
            "bearer": HttpSecurityScheme(scheme="bearer"),
            # A browser client's session (__Host-quartauth_session in production).
            "session_cookie": APIKeySecurityScheme(name="quartauth_session", in_="cookie"),
        },
    )
    for name, value in (("QUART_SCHEMA_CONVERT_CASING", False), ("QUART_SCHEMA_CONVERSION_PREFERENCE", "msgspec")):
        app.config.setdefault(name, value)
    document = ApiDocument(app, extension).schema()
    # quart-schema lists the schemas of bodies and answers, not those they hold (a session in WhoAmI).
    _, held = schema_components(_models(operations.values()), ref_template="#/components/schemas/{name}")
    for name, schema in held.items():
        document["components"]["schemas"].setdefault(name, schema)
    for path, item in document["paths"].items():
        for method, described in item.items():
            if "requestBody" in described:
                described["requestBody"]["required"] = True  # an operation with a body needs one
            for status, answered in described["responses"].items():
                if (links := LINKS.get((path, method, int(status)))) is not None:
                    answered["links"] = links
    return document


def _models(operations: Iterable[Operation]) -> list[type[Any]]:
    models: list[type[Any]] = [ErrorBody]
    for described in operations:
        models += [model for model in (described.body, described.query, *described.answers.values()) if model is not None]
    return models


@blueprint.get("/openapi.json")
async def openapi() -> ResponseReturnValue:
    """The OpenAPI document of this API."""
    return document_of(current_app._get_current_object())  # type: ignore[attr-defined]
