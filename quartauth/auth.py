"""Who is asking: quart-auth's signed cookie, checked against the server's sessions table."""
from __future__ import annotations

from quart import Quart, request
from quart_auth import Action, AuthUser, QuartAuth, current_user

from . import extensions, signing
from .repository.sessions import LiveSession
from .repository.users import User


class Visitor(AuthUser):
    """The person behind a request: anonymous, or signed in through a live session.

    quart-auth only proves the cookie was signed by us; the session row says whether it is
    still good, so a cookie kept from before a logout signs nobody in.
    """

    def __init__(self, auth_id: str | None, action: Action = Action.PASS) -> None:
        super().__init__(auth_id, action)
        self.live: LiveSession | None = None
        self._resolved = auth_id is None

    @classmethod
    def signed_in(cls, token: str, live: LiveSession) -> Visitor:
        visitor = cls(token)
        visitor.live = live
        visitor._resolved = True
        return visitor

    async def resolve(self) -> None:
        if self._resolved:
            return
        self._resolved = True
        assert self.auth_id is not None
        self.live = await extensions.session_lookup().resolve(self.auth_id)
        if self.live is None:
            self.action = Action.DELETE  # drop the dead cookie from the browser

    @property
    async def is_authenticated(self) -> bool:
        await self.resolve()
        return self.live is not None

    @property
    def user(self) -> User | None:
        return self.live.user if self.live else None

    @property
    def token(self) -> str | None:
        return self.auth_id if self.live else None


def current_visitor() -> Visitor:
    return current_user._get_current_object()  # type: ignore[attr-defined,no-any-return]


def init_app(app: Quart) -> None:
    QuartAuth(app, user_class=Visitor, serializer_class=signing.auth_serializer)  # type: ignore[arg-type]

    @app.before_request
    async def resolve_visitor() -> None:
        # Templates and error pages read the visitor synchronously, so it is looked up first.
        if request.endpoint != "static":
            await current_visitor().resolve()

    @app.context_processor
    async def viewer() -> dict[str, User | None]:
        """The signed-in user for templates, or None (cheaper than current_user's proxy)."""
        return {"viewer": current_visitor().user}
