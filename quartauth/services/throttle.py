"""Limits on failed logins and on sign-ups, counted in the database, so that every worker on
every host shares them.

Only failures count, each as one row of ``throttle_events`` per bucket it falls in: the
client address, the (account, address) pair and the account. Before any password is
checked, the recent rows of those buckets say whether the attempt is refused, and until
when; a refused attempt costs a few indexed reads and no hashing. Limits grow as failures
go on: an address past its limit waits a minute, then twice as long each time it comes back
and fails again; a pair waits a minute after its fifth failure, doubling with each one more.

Why by hand and not with ``limits``: its strategies count hits in windows, but these rules
count failures only and lock for growing times, which none of them do; and its storages
would need an adapter to the app's own SQL that is longer than these counts. What is left
is a read of timestamps and a little arithmetic (``Rule.refused_until``).

Attempts in flight: an attempt allowed to check its password first holds a place in each of
its buckets (rows with its hold id), and the limits count held places as failures to come.
So a burst cannot spend more than a key's remaining budget before its first failure is
recorded (plus one per worker: each worker checks and holds in one step, ``Gate``, but two
workers can read at the same moment); attempts beyond it wait for those in flight, then are
refused or go on. A failure keeps its places, a success gives them back: correct attempts
are never refused for arriving together, and within the budget they are checked side by side.
"""
from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import math
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ..db import Database
from ..repository.throttle import (
    ThrottleEvent,
    delete_throttle_events_before,
    delete_throttle_hold,
    insert_throttle_events,
    select_recent_throttle_events_of_keys,
    settle_throttle_hold,
)
from .per_key import PerKey
from .sessions import Clock

# How long events are kept: the longest any rule looks back.
MEMORY = timedelta(hours=1)
# A place held longer than this belongs to a check that will never end (its worker stopped).
HOLD_LIFETIME = timedelta(minutes=1)
# How often an attempt waiting for places held in other workers looks again.
HOLD_POLL_SECONDS = 0.1
# Refusals already given, remembered so that a flood is logged once per key and refusal,
# not once per attempt; beyond this many, the oldest are forgotten (and maybe logged again).
REMEMBERED_REFUSALS = 10_000
REFUSAL_MESSAGE = "Too many failed attempts. Try again in {minutes} minute{s}."
SIGN_UP_REFUSAL_MESSAGE = "Too many sign-ups from your network. Try again in {minutes} minute{s}."
MAIL_REFUSAL_MESSAGE = "Too many emails asked for. Try again in {minutes} minute{s}."
LOGINS_REFUSAL_MESSAGE = "Too many logins. Try again in {minutes} minute{s}."


@dataclass(frozen=True)
class Rule:
    """``limit`` events of one key within ``window`` refuse the key.

    ``burst``: until the window has room again, and for twice as long each time the key
    reaches its limit again within ``MEMORY``. Otherwise (``delay``): a minute after the
    latest event, doubled for each event past the limit, at most ``window``. ``message``:
    what a refusal says.
    """

    bucket: str
    limit: int
    window: timedelta
    burst: bool = True
    message: str = REFUSAL_MESSAGE

    def refused_until(self, events: Sequence[datetime]) -> datetime | None:
        """When the key may try again, given its events newest first; None: it may now."""
        if len(events) < self.limit:
            return None
        if self.burst:
            oldest_of_burst = events[self.limit - 1]
            if events[0] - oldest_of_burst > self.window:
                return None  # the latest events are spread out, not a burst
            doublings = len(events) // self.limit - 1
            return oldest_of_burst + min(self.window * 2**doublings, MEMORY)
        recent = [moment for moment in events if moment > events[0] - self.window]
        if len(recent) < self.limit:
            return None
        past_limit = min(len(recent) - self.limit, 16)  # the window caps it long before 2**16 minutes
        return events[0] + min(timedelta(minutes=2**past_limit), self.window)


@dataclass(frozen=True)
class Rules:
    address: Rule = Rule("address", 10, timedelta(minutes=1))
    pair: Rule = Rule("pair", 5, timedelta(minutes=15), burst=False)
    account: Rule = Rule("account", 20, timedelta(minutes=15))
    # A browser that logged in to the account before: spared the limits above, held to its own.
    device: Rule = Rule("device", 10, timedelta(minutes=15))
    # Successful logins count too, far above what anyone logging in meets: otherwise accounts
    # of one's own, logged in to again and again, take the hash threads from everyone else.
    login_address: Rule = Rule("login_address", 60, timedelta(minutes=15), message=LOGINS_REFUSAL_MESSAGE)
    login_account: Rule = Rule("login_account", 20, timedelta(minutes=15), message=LOGINS_REFUSAL_MESSAGE)
    login_device: Rule = Rule("login_device", 20, timedelta(minutes=15), message=LOGINS_REFUSAL_MESSAGE)
    sign_up: Rule = Rule("sign_up", 10, timedelta(hours=1), message=SIGN_UP_REFUSAL_MESSAGE)
    # Mail someone asks for (a reset link, another verify link): per address, per account.
    mail_address: Rule = Rule("mail_address", 10, timedelta(hours=1), message=MAIL_REFUSAL_MESSAGE)
    mail_account: Rule = Rule("mail_account", 1, timedelta(minutes=1), message=MAIL_REFUSAL_MESSAGE)


@dataclass(frozen=True)
class Refusal:
    """Until when a key is refused; ``first``: the first such answer this process gives for
    that key and time, the one worth a line in the security log."""

    until: datetime
    message_template: str = REFUSAL_MESSAGE
    first: bool = True

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the next attempt may be made, at least one."""
        return max(1, math.ceil((self.until - now).total_seconds()))

    def message(self, now: datetime) -> str:
        minutes = max(1, math.ceil(self.retry_after(now) / 60))
        return self.message_template.format(minutes=minutes, s="" if minutes == 1 else "s")


class TooManyAttempts(Exception):
    """A password check refused by the limits, before anything was checked."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.until.isoformat())
        self.refusal = refusal


@dataclass(frozen=True)
class LoginAttempt:
    """Who tries to log in to what: the client address, the (normalized) email (None: a
    passkey, which names no account until it is checked), and the device nonce when the
    browser's device cookie vouches for that account."""

    client_address: str | None
    email: str | None
    device: str | None = None

    def keys(self, rules: Rules) -> list[tuple[Rule, str]]:
        """Where a failure counts."""
        if self.device is not None:
            return [(rules.device, self.device)]
        address = network_of(self.client_address)
        if self.email is None:
            return [(rules.address, address)]
        account = _digest(self.email)
        return [(rules.address, address), (rules.pair, f"{account}|{address}"), (rules.account, account)]

    def success_keys(self, rules: Rules) -> list[tuple[Rule, str]]:
        """Where a success counts."""
        keys = [(rules.login_address, network_of(self.client_address))]
        if self.email is not None:
            keys.append((rules.login_account, _digest(self.email)))
        if self.device is not None:
            keys.append((rules.login_device, self.device))
        return keys


@dataclass
class Turn:
    """A login attempt's turn to check its password: ``refusal``, or places held (``hold``)
    in the buckets where a failure counts; ``successes``: where a success counts."""

    refusal: Refusal | None
    hold: str | None = None
    failed: bool = False
    successes: list[tuple[Rule, str]] = field(default_factory=list)


class Throttle:
    """The limits, with the events in ``db`` and time from ``clock``."""

    def __init__(self, db: Database, clock: Clock, rules: Rules = Rules()) -> None:
        self._db = db
        self._clock = clock
        self.rules = rules
        self._gate = Gate()
        self._given_back = asyncio.Event()
        self._refusals_given: dict[str, datetime] = {}

    @asynccontextmanager
    async def login(self, attempt: LoginAttempt) -> AsyncIterator[Turn]:
        """The attempt's turn: refused, or holding its places while its password is checked
        (record a failure with ``failed``, or a success with ``succeeded``, before the block
        ends; otherwise nothing counts)."""
        keys, successes = attempt.keys(self.rules), attempt.success_keys(self.rules)
        every_key = keys + successes
        refusal = self._standing_refusal(every_key) or self._refusal(every_key, await self._events(every_key))
        if refusal is not None:  # refused already: answer at once, not behind checks in flight
            yield Turn(refusal)
            return
        async with self._gate.holding(_names(keys)):
            turn = await self._take_places(keys, successes)
        if turn.hold is None:
            yield turn
            return
        try:
            yield turn
        finally:
            if not turn.failed:
                # Shielded: a client that hangs up mid-check must not leave its places held.
                await asyncio.shield(delete_throttle_hold(self._db, turn.hold))
            self._places_given_back()

    async def failed(self, turn: Turn) -> None:
        """The password ``turn`` checked was wrong: its held places count as failures."""
        assert turn.hold is not None, "only a turn that was not refused can fail"
        await settle_throttle_hold(self._db, turn.hold, self._clock())
        turn.failed = True

    async def succeeded(self, turn: Turn) -> None:
        """The password ``turn`` checked was right: count the success (its places go back)."""
        await insert_throttle_events(self._db, [(rule.bucket, key) for rule, key in turn.successes], self._clock())

    async def refusal(self, attempt: LoginAttempt) -> Refusal | None:
        """The refusal of ``attempt`` by the failures counted so far, holding no places: for a
        check that costs no hash and whose tries are bounded elsewhere (a pending sign-in's
        code); ``count_failure`` counts it when it fails."""
        keys = attempt.keys(self.rules)
        return self._standing_refusal(keys) or self._refusal(keys, await self._events(keys))

    async def count_failure(self, attempt: LoginAttempt) -> None:
        await insert_throttle_events(self._db, [(rule.bucket, key) for rule, key in attempt.keys(self.rules)], self._clock())

    async def _take_places(self, keys: list[tuple[Rule, str]], successes: list[tuple[Rule, str]]) -> Turn:
        """Refused, or places held: after waiting, while the places held by checks in flight
        fill what is left of a key's budget, for them to end."""
        while True:
            given_back = self._given_back
            events = await self._events(keys + successes)
            refusal = self._refusal(keys + successes, events)
            if refusal is not None:
                return Turn(refusal)
            now = self._clock()
            if not any(_no_room(rule, key_events, now) for (rule, _), key_events in zip(keys, events)):
                hold = secrets.token_urlsafe(12)
                await insert_throttle_events(self._db, [(rule.bucket, key) for rule, key in keys], now, hold=hold)
                return Turn(None, hold, successes=successes)
            # Places held in this worker wake it when given back; other workers', by looking again.
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(given_back.wait(), HOLD_POLL_SECONDS)

    def _places_given_back(self) -> None:
        self._given_back.set()
        self._given_back = asyncio.Event()

    async def sign_up(self, client_address: str | None) -> Refusal | None:
        """The refusal of a sign-up from ``client_address``, or None; a sign-up not refused
        counts at once, before its password is hashed."""
        return await self._admit([(self.rules.sign_up, network_of(client_address))])

    async def mail(self, client_address: str | None, email: str | None, kind: str = "") -> Refusal | None:
        """The refusal of mail asked for from ``client_address`` (None: not counted by
        address) to ``email``'s account (None: not counted by account), or None; mail not
        refused counts at once. An account's limit is kept per ``kind`` of mail (a link's
        purpose), so asking for one kind never holds back another."""
        keys = []
        if client_address is not None:
            keys.append((self.rules.mail_address, network_of(client_address)))
        if email is not None:
            keys.append((self.rules.mail_account, _digest(f"{kind}:{email}")))
        return await self._admit(keys)

    async def _admit(self, keys: list[tuple[Rule, str]]) -> Refusal | None:
        async with self._gate.holding(_names(keys)):
            refusal = self._refusal(keys, await self._events(keys))
            if refusal is None:
                await insert_throttle_events(self._db, [(rule.bucket, key) for rule, key in keys], self._clock())
        return refusal

    async def _events(self, keys: list[tuple[Rule, str]]) -> list[list[ThrottleEvent]]:
        now = self._clock()
        return await select_recent_throttle_events_of_keys(
            self._db, [(rule.bucket, key, rule.limit * 8) for rule, key in keys], now - MEMORY, now - HOLD_LIFETIME
        )

    def _refusal(self, keys: list[tuple[Rule, str]], events: list[list[ThrottleEvent]]) -> Refusal | None:
        """The latest refusal the keys' recorded events (not their held places) give."""
        now = self._clock()
        latest, refusing = None, None
        for (rule, key), key_events in zip(keys, events):
            until = rule.refused_until([event.at for event in key_events if not event.held])
            if until is not None and until > now and (latest is None or until > latest):
                latest, refusing = until, (rule, key)
        if latest is None or refusing is None:
            return None
        rule, key = refusing
        return Refusal(latest, rule.message, first=self._note_refusal(_name(rule, key), latest))

    def _standing_refusal(self, keys: list[tuple[Rule, str]]) -> Refusal | None:
        """A refusal this process gave one of ``keys`` that still holds, without reading the
        counts: a refusal can only grow, since while a key is refused no attempt on it is
        checked, and so none can fail and add to it (only checks already in flight can)."""
        now = self._clock()
        standing = [
            (until, rule) for rule, key in keys if (until := self._refusals_given.get(_name(rule, key))) and until > now
        ]
        if not standing:
            return None
        until, rule = max(standing, key=lambda refused: refused[0])
        return Refusal(until, rule.message, first=False)

    def _note_refusal(self, key: str, until: datetime) -> bool:
        """Whether this is the first refusal of ``key`` until ``until`` this process gives."""
        if self._refusals_given.get(key) == until:
            return False
        self._refusals_given.pop(key, None)  # re-inserted last: the dict keeps the order of use
        self._refusals_given[key] = until
        while len(self._refusals_given) > REMEMBERED_REFUSALS:
            del self._refusals_given[next(iter(self._refusals_given))]
        return True


async def prune(db: Database, now: datetime) -> int:
    """Delete the events no rule looks at any more; answer how many."""
    return await delete_throttle_events_before(db, now - MEMORY)


class Gate:
    """One holder per key at a time, in this process: an attempt reads its keys' events and
    holds its places (or records its event) in one step, so no two attempts of one worker
    read the same count."""

    def __init__(self) -> None:
        self._keys = PerKey(1)

    @asynccontextmanager
    async def holding(self, keys: list[str]) -> AsyncIterator[None]:
        ordered = sorted(set(keys))  # one order for everyone: no two attempts wait on each other
        async with AsyncExitStack() as stack:
            for key in ordered:
                await self._keys.acquire(key)
                stack.callback(self._keys.release, key)
            yield


def _no_room(rule: Rule, events: list[ThrottleEvent], now: datetime) -> bool:
    """Whether a key has no room for another check: ``rule`` refuses it if its held places all fail."""
    until = rule.refused_until([event.at for event in events])
    return until is not None and until > now


def _names(keys: list[tuple[Rule, str]]) -> list[str]:
    """Each key as "bucket:key", unique across buckets."""
    return [_name(rule, key) for rule, key in keys]


def _name(rule: Rule, key: str) -> str:
    return f"{rule.bucket}:{key}"


def network_of(client_address: str | None) -> str:
    """The key of a client address: IPv6 clients by their /64, as one host may hold it all;
    an IPv4 client seen through a dual-stack listener (``::ffff:a.b.c.d``) by its IPv4 address."""
    if not client_address:
        return "unknown"
    try:
        address = ipaddress.ip_address(client_address)
    except ValueError:
        return client_address
    if address.version == 6 and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _digest(email: str) -> str:
    return hashlib.sha256(email.encode("utf-8", "surrogatepass")).hexdigest()
