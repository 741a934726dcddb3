"""Every error answers with a page in the site's layout (under /api/, with the API's error
shape: ``api_errors``), its status code, and no internals."""
from __future__ import annotations

from quart import Blueprint, current_app
from quart.typing import ResponseReturnValue
from quart_wtf import CSRFError
from werkzeug.exceptions import HTTPException

from ..api_errors import error_answer, is_api_request
from ..app_objects import app_objects
from ..db import DatabaseUnavailable
from ..fastpaths.rendering import render
from ..services import throttle
from ..services.admission import HashingBusy
from ..site import InsecureRequest

blueprint = Blueprint("errors", __name__)

RETRY_AFTER_SECONDS = 5

# What a person can do about each error, in their words.
EXPLANATIONS = {
    400: "The request could not be understood. Go back, reload the page and try again.",
    401: "You need to log in to see this page.",
    403: "You do not have permission to see this page.",
    404: "There is no page at this address.",
    405: "This page cannot be used that way.",
    413: "What you sent is too large.",
    429: "Too many requests. Wait a moment and try again.",
    500: "Something went wrong on our side. Please try again.",
    503: "The service is briefly unavailable. Please try again in a few seconds.",
}
CSRF_EXPLANATION = (
    "The form had expired or did not come from this site. Go back, reload the page and try again."
)
API_CSRF_EXPLANATION = "The X-CSRF-Token header is missing or no longer valid: read it again from GET /api/v1/session."


async def _error_page(
    status: int, title: str, explanation: str, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    if is_api_request():
        return error_answer(status, explanation, headers=headers)
    page = await render("errors/error.html", status=status, title=title, explanation=explanation)
    return page, status, headers or {}


@blueprint.app_errorhandler(CSRFError)
async def csrf_failed(error: CSRFError) -> ResponseReturnValue:
    if is_api_request():  # a browser client of the API without its token: not allowed, as a 403
        return error_answer(403, API_CSRF_EXPLANATION, code="csrf")
    return await _error_page(400, "Bad request", CSRF_EXPLANATION)


@blueprint.app_errorhandler(throttle.TooManyAttempts)
async def too_many_attempts(error: throttle.TooManyAttempts) -> ResponseReturnValue:
    now = app_objects().now()
    return await _error_page(
        429, "Too many attempts", error.refusal.message(now), {"Retry-After": str(error.refusal.retry_after(now))}
    )


@blueprint.app_errorhandler(HashingBusy)
async def hashing_busy(error: HashingBusy) -> ResponseReturnValue:
    return await _error_page(
        503, "Service busy", EXPLANATIONS[503], {"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


@blueprint.app_errorhandler(InsecureRequest)
async def insecure_request(error: InsecureRequest) -> ResponseReturnValue:
    return await _error_page(400, "HTTPS required", str(error.description))


@blueprint.app_errorhandler(HTTPException)
async def http_error(error: HTTPException) -> ResponseReturnValue:
    status = error.code or 500
    explanation = EXPLANATIONS.get(status, EXPLANATIONS[500 if status >= 500 else 400])
    return await _error_page(status, error.name, explanation, _allowed_methods(error))


@blueprint.app_errorhandler(DatabaseUnavailable)
async def database_unavailable(error: DatabaseUnavailable) -> ResponseReturnValue:
    current_app.logger.warning("database unavailable: %s", error)
    return await _error_page(
        503, "Service unavailable", EXPLANATIONS[503], {"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


def _allowed_methods(error: HTTPException) -> dict[str, str]:
    allow = dict(error.get_headers()).get("Allow")
    return {"Allow": allow} if allow else {}
