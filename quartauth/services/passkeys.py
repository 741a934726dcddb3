"""Passkeys (WebAuthn), the rules: adding one to an account, checking the answer of one, and
removing them. py_webauthn checks the signatures and the structures; what is decided here is
whose passkey it is and whether the answer may count.

- **The relying party** is the site: ``PUBLIC_URL``'s host and origin (``RelyingParty``).
- **Challenges** are random, used once, kept on the server for five minutes, and bound to the
  browser that asked (the SHA-256 of a random token in its cookie), to what they are for
  (``Purpose``) and, but when signing in, to the account. A challenge is taken before its
  answer is checked, so a wrong answer uses it up too. The challenge to add a passkey is
  given only once the password is recent (Confirm it's you): it carries that confirmation.
- **Adding**: a discoverable credential (a resident key) with user verification; the
  account's passkeys are excluded; the user handle is random per account; no attestation.
- **Checking**: the options name no account when signing in (``allowCredentials`` empty, so
  they say nothing of which accounts exist). The credential must be known and belong to the
  account the challenge was for. A passkey counts as two factors (user verification is
  required), so it signs in without the password and without a second step.
- **The counter**: when an authenticator keeps one, it must grow; one that goes back is a
  cloned authenticator. The answer is refused, logged, and its owner told by mail.
"""
from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TypeVar
from urllib.parse import urlsplit

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.authentication.verify_authentication_response import VerifiedAuthentication
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticationCredential,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    RegistrationCredential,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..db import Database, Executor
from ..repository.passkeys import (
    Passkey,
    count_passkeys_of_user,
    delete_passkey_challenges_expired_before,
    delete_passkey_of_user,
    delete_passkeys_of_user,
    insert_passkey,
    insert_passkey_challenge,
    keep_user_passkey_handle,
    select_passkey,
    select_passkeys_of_user,
    take_passkey_challenge,
    use_passkey,
)
from ..repository.users import User, select_user_by_id
from . import security_log
from .mail import Letter, Mailer
from .secret_tokens import hash_token

Credential = TypeVar("Credential", RegistrationCredential, AuthenticationCredential)
CHALLENGE_LIFETIME = timedelta(minutes=5)
# What the browser is given to wait for the person: the challenge lives on a little longer.
TIMEOUT_MS = 4 * 60 * 1000
# An answer is a few kilobytes; anything much longer is not one, and is refused unread.
MAX_ANSWER_LENGTH = 16 * 1024
MAX_NAME_LENGTH = 60

EXPIRED_MESSAGE = "That passkey request expired or was used already. Try again."
NOT_VALID_MESSAGE = "Your browser's answer for that passkey could not be checked. Try again."
NOT_KNOWN_MESSAGE = "That passkey cannot sign you in."
NOT_THEIRS_MESSAGE = "That passkey is not one of this account's."
COPIED_MESSAGE = "That passkey was refused: its counter went back, as a copied passkey's would. Its owner was told."
KNOWN_ALREADY_MESSAGE = "That passkey is added already."
NOT_ONE_OF_YOURS_MESSAGE = "That passkey is not one of yours, or it was removed already."
# A public key (COSE, P-256) whose private key nobody kept: an unknown passkey's answer is
# checked against it, so that it takes the time a known one's does.
STAND_IN_KEY = base64url_to_bytes(
    "pQECAyYgASFYINlIVi1krkSIoXd2eFUxt0spN2c8QA85XD2aZBtNfZK5IlggfU5IHkr388A88JrhoWCnTDJxlbvneidALcCI8UU8SBs"
)


# What reading a browser's answer raises when it is not one; RecursionError: JSON nested
# thousands deep, which json.loads gives up on.
NOT_AN_ANSWER = (WebAuthnException, ValueError, KeyError, TypeError, AttributeError, RecursionError)


class Purpose(Enum):
    """What a challenge is for; it answers for nothing else."""

    ADD = "add"
    SIGN_IN = "sign in"
    SECOND_STEP = "second step"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class RelyingParty:
    """The site, as passkeys know it: ``id`` a host name (never an IP address), ``origin``
    where its pages are (scheme, host and port), ``name`` what authenticators show."""

    id: str
    origin: str
    name: str

    @classmethod
    def of(cls, url: str, name: str) -> RelyingParty | None:
        """The relying party of the site at ``url``; None when its host is an IP address,
        which cannot be one."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return cls(host, f"{parts.scheme}://{parts.netloc}", name) if host else None
        return None


class Refused(Exception):
    """A passkey's answer that does not count; ``message`` is for the person, ``reason`` for
    the security log."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(reason)
        self.message = message
        self.reason = reason


@dataclass(frozen=True)
class Checked:
    """A passkey's answer that counts: the passkey, as it was before this use."""

    passkey: Passkey


class Passkeys:
    def __init__(self, db: Database, mailer: Mailer) -> None:
        self._db = db
        self._mailer = mailer

    # --- options: what the browser is asked -------------------------------------------------

    async def options_to_add(self, user: User, browser: str, party: RelyingParty, now: datetime) -> str:
        """The options (JSON) for ``navigator.credentials.create`` to add a passkey to ``user``'s
        account: a resident key, verified, not one the account has."""
        handle = await keep_user_passkey_handle(self._db, user.id, bytes_to_base64url(secrets.token_bytes(32)))
        assert handle is not None, "the signed-in account exists"
        challenge = secrets.token_bytes(32)
        options = generate_registration_options(
            rp_id=party.id,
            rp_name=party.name,
            user_id=base64url_to_bytes(handle),
            user_name=user.email,
            user_display_name=user.email,
            challenge=challenge,
            timeout=TIMEOUT_MS,
            attestation=AttestationConveyancePreference.NONE,
            authenticator_selection=AuthenticatorSelectionCriteria(
                resident_key=ResidentKeyRequirement.REQUIRED,
                user_verification=UserVerificationRequirement.REQUIRED,
            ),
            exclude_credentials=await self._descriptors(user.id),
        )
        await self._keep(challenge, browser, Purpose.ADD, user.id, now)
        return options_to_json(options)

    async def options_to_check(self, purpose: Purpose, browser: str, party: RelyingParty, now: datetime, user: User | None = None) -> str:
        """The options (JSON) for ``navigator.credentials.get``: to sign in, naming no account;
        else the passkeys of ``user``, whose account it is."""
        challenge = secrets.token_bytes(32)
        options = generate_authentication_options(
            rp_id=party.id,
            challenge=challenge,
            timeout=TIMEOUT_MS,
            allow_credentials=await self._descriptors(user.id) if user is not None else [],
            user_verification=UserVerificationRequirement.REQUIRED,
        )
        await self._keep(challenge, browser, purpose, user.id if user else None, now)
        return options_to_json(options)

    async def _keep(self, challenge: bytes, browser: str, purpose: Purpose, user_id: int | None, now: datetime) -> None:
        await insert_passkey_challenge(
            self._db, challenge_hash=_digest(challenge), browser_hash=hash_token(browser), purpose=purpose.value,
            user_id=user_id, created_at=now, expires_at=now + CHALLENGE_LIFETIME,
        )

    async def _descriptors(self, user_id: int) -> list[PublicKeyCredentialDescriptor]:
        return [
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(passkey.credential_id))
            for passkey in await select_passkeys_of_user(self._db, user_id)
        ]

    # --- adding one ----------------------------------------------------------------------

    async def add(self, user: User, browser: str, answer: str, name: str, party: RelyingParty, now: datetime) -> Passkey:
        """The passkey of ``answer`` (``navigator.credentials.create``'s, as JSON) added to
        ``user``'s account, named ``name``; its owner is told by mail. Raises ``Refused``."""
        credential = _parsed(parse_registration_credential_json, answer)
        challenge = _challenge_of(credential)
        await self._take_challenge(self._db, challenge, browser, Purpose.ADD, now, user_id=user.id)
        try:
            verified = verify_registration_response(
                credential=credential, expected_challenge=challenge, expected_rp_id=party.id,
                expected_origin=party.origin, require_user_verification=True,
            )
        except NOT_AN_ANSWER as error:
            raise Refused(NOT_VALID_MESSAGE, f"answer not valid: {error}") from None
        passkey = Passkey(
            credential_id=bytes_to_base64url(verified.credential_id), user_id=user.id,
            public_key=bytes_to_base64url(verified.credential_public_key), sign_count=verified.sign_count,
            name=" ".join(name.split())[:MAX_NAME_LENGTH], created_at=now, last_used_at=None,
        )
        async with self._db.transaction() as connection:
            if not await insert_passkey(
                connection, credential_id=passkey.credential_id, user_id=user.id, public_key=passkey.public_key,
                sign_count=passkey.sign_count, name=passkey.name, created_at=now,
            ):
                raise Refused(KNOWN_ALREADY_MESSAGE, "credential known already")
            await self._mailer.send(connection, Letter.PASSKEY_ADDED, user.email, now, name=passkey.name)
        return passkey

    # --- checking one ------------------------------------------------------------------------

    async def check(
        self, purpose: Purpose, browser: str, answer: str, party: RelyingParty, now: datetime,
        *, user: User | None = None, db: Executor | None = None, where: security_log.Where = security_log.Where(),
    ) -> Checked:
        """The passkey whose answer (``navigator.credentials.get``'s, as JSON) is right for a
        challenge this ``browser`` was given for ``purpose`` (and ``user``'s account, but when
        signing in); it is used, in ``db``, the caller's transaction when given (which must
        then commit after ``Refused`` too: the challenge is used up all the same). Raises
        ``Refused``; a counter gone back is also logged, from ``where``, and told to the owner."""
        db = db or self._db
        credential = _parsed(parse_authentication_credential_json, answer)
        challenge = _challenge_of(credential)
        taken = await self._take_challenge(db, challenge, browser, purpose, now, user_id=user.id if user else None)
        passkey = await select_passkey(db, credential.id) if len(credential.id) <= MAX_ANSWER_LENGTH else None
        if passkey is None:
            with suppress(Refused):  # it takes the time a known passkey's answer takes
                _verified(credential, challenge, party, STAND_IN_KEY)
            raise Refused(NOT_KNOWN_MESSAGE, "unknown passkey")
        if taken is not None and passkey.user_id != taken:
            raise Refused(NOT_THEIRS_MESSAGE, "another account's passkey")
        handle = credential.response.user_handle
        if handle is not None and bytes_to_base64url(handle) != passkey.user_handle:
            raise Refused(NOT_KNOWN_MESSAGE, "user handle not the passkey's account's")
        verified = _verified(credential, challenge, party, base64url_to_bytes(passkey.public_key))
        if passkey.owner_disabled:  # refused as an unknown passkey is, in the time that takes
            raise Refused(NOT_KNOWN_MESSAGE, "account disabled")
        counted = verified.new_sign_count
        if (counted or passkey.sign_count) and counted <= passkey.sign_count:
            await self._copied(db, passkey, counted, now, where)
        if not await use_passkey(db, passkey.credential_id, counted, now):
            raise Refused(EXPIRED_MESSAGE, "answer used already")
        return Checked(passkey)

    async def _take_challenge(
        self, db: Executor, challenge: bytes, browser: str, purpose: Purpose, now: datetime, *, user_id: int | None
    ) -> int | None:
        """The account the challenge was for (None when signing in). Raises ``Refused`` when it
        is not this browser's, nor for this, nor for this account, or was used, or expired."""
        taken = await take_passkey_challenge(
            db, challenge_hash=_digest(challenge), browser_hash=hash_token(browser), purpose=purpose.value, now=now
        )
        if taken is None or taken.user_id != user_id:
            raise Refused(EXPIRED_MESSAGE, "challenge unknown, expired or used")
        return taken.user_id

    async def _copied(self, db: Executor, passkey: Passkey, counted: int, now: datetime, where: security_log.Where) -> None:
        """A counter gone back: logged, and told to the owner, then refused."""
        owner = await select_user_by_id(db, passkey.user_id)
        email = owner.email if owner else ""
        await security_log.record(
            db, security_log.Event.PASSKEY_COPIED, now=now, where=where, user_id=passkey.user_id,
            email=email, detail={"passkey": passkey.name, "counter": counted, "known": passkey.sign_count},
        )
        if owner is not None:
            await self._mailer.send(db, Letter.PASSKEY_COPIED, owner.email, now, name=passkey.name)
        raise Refused(COPIED_MESSAGE, "counter went back")

    # --- the account's -------------------------------------------------------------------

    async def of_user(self, user_id: int) -> list[Passkey]:
        return await select_passkeys_of_user(self._db, user_id)

    async def count(self, user_id: int) -> int:
        return await count_passkeys_of_user(self._db, user_id)

    async def remove(self, user: User, credential_id: str, now: datetime) -> str | None:
        """The name of the passkey removed from ``user``'s account (its owner told by mail);
        None when the account has no such passkey."""
        async with self._db.transaction() as connection:
            name = await delete_passkey_of_user(connection, user.id, credential_id)
            if name is not None:
                await self._mailer.send(connection, Letter.PASSKEY_REMOVED, user.email, now, name=name)
        return name

    async def remove_all(self, user: User, now: datetime) -> int:
        """Every passkey of ``user``'s account removed by an admin; the owner is told."""
        async with self._db.transaction() as connection:
            removed = await delete_passkeys_of_user(connection, user.id)
            if removed:
                await self._mailer.send(connection, Letter.PASSKEYS_REMOVED, user.email, now, removed=removed)
        return removed


def _parsed(parse: Callable[[str], Credential], answer: str) -> Credential:
    """The credential of a browser's answer, by ``parse``; ``Refused`` when it is not one."""
    if not answer or len(answer) > MAX_ANSWER_LENGTH:
        raise Refused(NOT_VALID_MESSAGE, "answer missing or too long")
    try:
        return parse(answer)
    except NOT_AN_ANSWER as error:
        raise Refused(NOT_VALID_MESSAGE, f"answer not valid: {error}") from None


def _challenge_of(credential: RegistrationCredential | AuthenticationCredential) -> bytes:
    try:
        return parse_client_data_json(credential.response.client_data_json).challenge
    except NOT_AN_ANSWER as error:
        raise Refused(NOT_VALID_MESSAGE, f"client data not valid: {error}") from None


def _verified(
    credential: AuthenticationCredential, challenge: bytes, party: RelyingParty, public_key: bytes
) -> VerifiedAuthentication:
    """The answer checked against ``public_key``: its signature, challenge, origin, relying
    party and user verification; ``Refused`` when any is wrong. The counter is judged by the
    caller, once the signature proves it is the authenticator's."""
    try:
        return verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=party.id, expected_origin=party.origin,
            credential_public_key=public_key, credential_current_sign_count=0, require_user_verification=True,
        )
    except NOT_AN_ANSWER as error:
        raise Refused(NOT_VALID_MESSAGE, f"answer not valid: {error}") from None


def _digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


async def prune(db: Database, now: datetime) -> int:
    """Delete the challenges that expired unanswered; answer how many."""
    return await delete_passkey_challenges_expired_before(db, now)
