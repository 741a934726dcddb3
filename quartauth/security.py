"""Rules every response follows: where redirects may go, and the headers that guard pages."""
from __future__ import annotations

from urllib.parse import urlsplit

from quart import Quart, Response, request

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Nothing here needs a camera, a microphone, a location or a payment; say so for every page.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
MAX_REDIRECT_LENGTH = 2048


def safe_redirect_target(candidate: str | None, default: str = "/") -> str:
    """``candidate`` when it is a path on this site, else ``default``.

    Browsers read ``//host``, ``/\\host`` and ``https:host`` as other sites, and a control
    character could split the Location header, so anything but a plain local path is refused.
    """
    if not candidate or len(candidate) > MAX_REDIRECT_LENGTH:
        return default
    if not candidate.startswith("/") or candidate.startswith("//") or "\\" in candidate:
        return default
    if any(ord(character) < 0x21 or ord(character) == 0x7F for character in candidate):
        return default
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return default
    return candidate


def init_app(app: Quart) -> None:
    @app.after_request
    async def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.endpoint != "static":
            # Pages show who is signed in, which the cookies say: no shared or back-button
            # cache may keep them, nor mistake one person's page for another's.
            headers.setdefault("Cache-Control", "no-store")
            response.vary.add("Cookie")
        if app.config["QUARTAUTH_ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        return response
