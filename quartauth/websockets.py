"""quartauth speaks plain HTTP only: a WebSocket handshake is refused before the app sees it
(hypercorn answers 403), rather than reaching an app with no WebSocket routes, whose error
page cannot be drawn outside an HTTP request."""
from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger("quartauth.site")
ASGIApp = Any


class RefuseWebSockets:
    """ASGI middleware: closes every WebSocket handshake, and lets everything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        message = await receive()
        if message["type"] == "websocket.connect":
            logger.info("refused a WebSocket handshake for %s: this site has none", scope.get("path", "?"))
            await send({"type": "websocket.close", "code": 1008})
