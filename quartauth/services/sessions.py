"""Signed-in sessions the server can see and end.

The browser's cookie (signed by quart-auth) carries a random token; the database keeps only
its SHA-256, so a leaked database cannot be replayed as cookies, and deleting the row ends
the session everywhere at once.

A session ends at the latest at ``expires_at`` (a day, or 30 days remembered), and earlier
when it goes unused for its idle time (``Lifetimes``): ``idle_expires_at`` moves forward as
the session is used, at most once a tenth of its idle time (and at least every
``LAST_SEEN_RESOLUTION``), so page views stay reads.
What matters most (ending other sessions, deleting the account, admin actions) also needs
the password to have been entered in the session lately (``Lifetimes.reauthentication``).
Time comes from a ``Clock``, so tests can move it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import Enum

from ..db import Connection, Database
from ..db.batching import BatchLoader
from ..repository.sessions import (
    BROWSER,
    Session,
    delete_expired_sessions,
    delete_expired_sessions_of_user,
    delete_other_sessions_of_user,
    delete_session_by_token_hash,
    delete_session_of_user,
    insert_session,
    select_live_sessions_of_user,
    select_live_sessions_with_users,
    update_session_last_seen,
    update_session_reauthenticated,
    update_session_token,
)
from ..repository.users import User, update_user_last_sign_in
from . import tokens
from .secret_tokens import hash_token, new_token

# Recording every page view would turn each read into a write; minutes are precise enough
# (an idle timeout is then right to within this much). A short idle time needs a finer
# step: a tenth of it, so that someone active is never taken for idle.
LAST_SEEN_RESOLUTION = timedelta(minutes=5)
LAST_SEEN_SHARE_OF_IDLE = 10

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Lifetimes:
    """How long sessions last: at most, and without a request; longer when remembered."""

    session: timedelta = timedelta(days=1)
    session_idle: timedelta = timedelta(minutes=60)
    remembered: timedelta = timedelta(days=30)
    remembered_idle: timedelta = timedelta(days=7)
    # How long an entered password vouches for the person at the keyboard.
    reauthentication: timedelta = timedelta(minutes=10)

    def idle(self, *, remembered: bool) -> timedelta:
        return self.remembered_idle if remembered else self.session_idle

    def longest(self, *, remembered: bool) -> timedelta:
        return self.remembered if remembered else self.session

    def last_seen_resolution(self, *, remembered: bool) -> timedelta:
        """How often a session in use moves its ``last_seen_at`` forward."""
        return min(LAST_SEEN_RESOLUTION, self.idle(remembered=remembered) / LAST_SEEN_SHARE_OF_IDLE)


@dataclass(frozen=True)
class SignedIn:
    """A request's sign-in: whose it is, its session, and the token the cookie carries."""

    user: User
    session: Session
    token: str

    def reauthenticated_since(self, moment: datetime) -> bool:
        """Whether the password was entered in this session at ``moment`` or later."""
        entered = self.session.reauthenticated_at
        return entered is not None and entered >= moment


async def start_session(
    db: Database | Connection,
    user: User,
    *,
    lifetimes: Lifetimes,
    remembered: bool,
    now: datetime,
    client_address: str | None = None,
    browser: str | None = None,
    kind: str = BROWSER,
) -> SignedIn:
    """A new session for ``user``, noting where it began and the sign-in before it; its
    token is for the cookie only (``kind`` BROWSER) or for an app's bearer header only (APP).
    In a transaction of its own, or in the caller's when ``db`` is a connection in one (a
    sign-in that finishes with other changes).

    Sweeps the user's own ended sessions on the way, so they never pile up.
    """
    if isinstance(db, Database):
        async with db.transaction() as connection:
            return await start_session(
                connection, user, lifetimes=lifetimes, remembered=remembered, now=now, client_address=client_address,
                browser=browser, kind=kind,
            )
    connection = db
    token = new_token()
    # The session copies the user's last sign-in as its previous one; this becomes the last.
    session = await insert_session(
        connection,
        token_hash=hash_token(token),
        user_id=user.id,
        created_at=now,
        expires_at=now + lifetimes.longest(remembered=remembered),
        idle_expires_at=now + lifetimes.idle(remembered=remembered),
        remembered=remembered,
        client_address=client_address,
        browser=browser,
        kind=kind,
    )
    await update_user_last_sign_in(connection, user.id, signed_in_at=now, browser=browser, client_address=client_address)
    await delete_expired_sessions_of_user(connection, user.id, now)
    return SignedIn(user=user, session=session, token=token)


class SessionLookup:
    """Finds the live session behind a cookie's token, on every signed-in request.

    Requests that ask at the same moment share one query (see ``BatchLoader``), and the
    session row is read afresh for each batch, so ending a session takes effect at once.
    """

    def __init__(self, db: Database, lifetimes: Lifetimes, clock: Clock = utc_now) -> None:
        self._db = db
        self._lifetimes = lifetimes
        self._clock = clock
        self._batches: BatchLoader[str, tuple[Session, User]] = BatchLoader(self._select)

    async def resolve(self, token: str) -> SignedIn | None:
        """The sign-in behind ``token``, or None when its session ended, expired, went idle
        or never was. A session found ended is deleted."""
        token_hash = hash_token(token)
        found = await self._batches.load(token_hash)
        if found is None:
            await delete_session_by_token_hash(self._db, token_hash)
            return None
        session, user = found
        now = self._clock()
        if now - session.last_seen_at >= self._lifetimes.last_seen_resolution(remembered=session.remembered):
            idle_expires_at = min(now + self._lifetimes.idle(remembered=session.remembered), session.expires_at)
            await update_session_last_seen(self._db, session.id, now, idle_expires_at)
        return SignedIn(user=user, session=session, token=token)

    async def _select(self, token_hashes: Sequence[str]) -> dict[str, tuple[Session, User]]:
        return await select_live_sessions_with_users(self._db, token_hashes, self._clock())


async def end_session(db: Database, token: str) -> None:
    await delete_session_by_token_hash(db, hash_token(token))


async def live_sessions(db: Database, signed_in: SignedIn, now: datetime) -> list[Session]:
    """The signed-in user's sessions still live at ``now``: the one in use first, then the
    others, most recently used first."""
    found = await select_live_sessions_of_user(db, signed_in.user.id, now)
    return sorted(found, key=lambda session: session.id != signed_in.session.id)


class Ending(Enum):
    ENDED = "ended"
    IN_USE = "the session in use: it is ended by logging out"
    NOT_THEIRS = "not one of the user's sessions, or ended already"


async def end_other_session(db: Database, signed_in: SignedIn, session_id: int) -> Ending:
    """End another of the signed-in user's sessions, never the one in use nor anyone else's."""
    if session_id == signed_in.session.id:
        return Ending.IN_USE
    if await delete_session_of_user(db, session_id, signed_in.user.id) == 1:
        return Ending.ENDED
    return Ending.NOT_THEIRS


async def end_other_sessions(db: Database, signed_in: SignedIn) -> int:
    """Log out everywhere else: end every session of the signed-in user but the one in use
    and every link mailed to them (a security change); answer how many sessions ended."""
    async with db.transaction() as connection:
        ended = await delete_other_sessions_of_user(connection, signed_in.user.id, signed_in.session.id)
        await tokens.end_every_link(connection, signed_in.user.id)
    return ended


async def note_reauthentication(db: Database, signed_in: SignedIn, now: datetime) -> SignedIn:
    """The password was just entered again in this session: it vouches from ``now``."""
    await update_session_reauthenticated(db, signed_in.session.id, now)
    return replace(signed_in, session=replace(signed_in.session, reauthenticated_at=now))


async def renew_token(db: Connection | Database, signed_in: SignedIn, now: datetime) -> SignedIn:
    """Give the session in use a new token, the password having just been entered (a
    cookie copied before then stops working); the caller hands it to the browser."""
    token = new_token()
    await update_session_token(db, signed_in.session.id, hash_token(token), now)
    return replace(signed_in, session=replace(signed_in.session, reauthenticated_at=now), token=token)


async def prune(db: Database, now: datetime) -> int:
    """Delete every ended session; answer how many."""
    return await delete_expired_sessions(db, now)
