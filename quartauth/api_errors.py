"""The JSON API's one error shape, for every error under ``/api/``, whichever part of the app
raised it: ``{"error": {"code": ..., "message": ..., "fields": {"email": [...]}}}``, with
the sentences the pages show. The error pages and the API's views both answer with it."""
from __future__ import annotations

from quart import jsonify, request
from quart.typing import ResponseReturnValue

API_PREFIX = "/api/"
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    408: "timeout",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def error_answer(
    status: int,
    message: str,
    *,
    code: str | None = None,
    fields: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
) -> ResponseReturnValue:
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message, "fields": fields or {}}}
    return jsonify(body), status, headers or {}
