"""The codes of two-step sign-in, with no HTTP and no database in them: the key an
authenticator app is given, the six-digit codes it shows (TOTP, RFC 6238: 30-second steps),
the recovery codes, and the key kept encrypted.

A code counts once: ``check_code`` is told the last time step accepted for the account and
accepts only a later one, the current step or the one before (a phone's clock may be a
little behind), so neither a replay nor a second worker takes the same code twice once the
step is stored. The key is stored sealed with AES-GCM under a key derived from
``SECRET_KEY`` and bound to the account's id, so a copy of the database alone gives no
second factor. Recovery codes are stored as their SHA-256: they carry 79 random bits, too
many to try, so one costs a single hash to check and a copy of the database reveals none.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import pyotp
import segno
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RECOVERY_CODES = 10
# 16 characters of an alphabet without look-alikes (no 0/o, 1/l/i): 31**16, about 2**79.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_CODE_LENGTH = 16
RECOVERY_GROUP = 4
_NONCE_BYTES = 12


class Check(Enum):
    ACCEPTED = "accepted"
    USED = "used"  # right, but its step was accepted already
    WRONG = "wrong"


@dataclass(frozen=True)
class CodeCheck:
    result: Check
    step: int | None = None  # the time step to store, when accepted


def new_key() -> str:
    """A new authenticator key: 160 random bits, in base32 as apps take it."""
    return pyotp.random_base32()


def check_code(key: str, code: str, now: datetime, last_step: int | None) -> CodeCheck:
    """Whether ``code`` is the current or the previous step's, and no later than a step
    accepted already (``last_step``)."""
    totp = pyotp.TOTP(key)
    current = totp.timecode(now)
    typed = "".join(code.split())
    for step in (current, current - 1):
        if hmac.compare_digest(totp.generate_otp(step), typed):
            if last_step is not None and step <= last_step:
                return CodeCheck(Check.USED)
            return CodeCheck(Check.ACCEPTED, step)
    return CodeCheck(Check.WRONG)


def key_in_groups(key: str) -> str:
    """The key as people type it: groups of four."""
    return " ".join(key[start : start + 4] for start in range(0, len(key), 4))


def setup_link(key: str, email: str, issuer: str) -> str:
    """The ``otpauth://totp/...`` link an authenticator app reads (from the QR code, or
    opened on the phone the page is on)."""
    return pyotp.TOTP(key).provisioning_uri(name=email, issuer_name=issuer)


def qr_code_svg(link: str) -> str:
    """``link`` as a QR code in inline SVG: no image request, no script."""
    return segno.make(link, error="m").svg_inline(scale=4, title="QR code of the authenticator key")


def new_recovery_codes() -> list[str]:
    """Ten new recovery codes, each in groups of four for reading."""
    return [_grouped("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))) for _ in range(RECOVERY_CODES)]


def recovery_code_digest(code: str) -> str:
    """What is stored of a recovery code, however it is typed (spaces, dashes, case)."""
    bare = "".join(character for character in code if character.isalnum()).lower()
    return hashlib.sha256(bare.encode("ascii", "replace")).hexdigest()


class KeyBox:
    """Seals authenticator keys for the database, under a key derived from ``secret_key``."""

    def __init__(self, secret_key: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"quartauth two-step key")
        self._aead = AESGCM(derived.derive(secret_key.encode("utf-8")))

    def seal(self, key: str, user_id: int) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, key.encode("ascii"), _bound_to(user_id))
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, user_id: int) -> str | None:
        """The key, or None when ``sealed`` was not sealed for ``user_id`` with this key."""
        try:
            raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], _bound_to(user_id)).decode("ascii")
        except (InvalidTag, ValueError):
            return None


def _bound_to(user_id: int) -> bytes:
    return f"user:{user_id}".encode("ascii")


def _grouped(code: str) -> str:
    return "-".join(code[start : start + RECOVERY_GROUP] for start in range(0, len(code), RECOVERY_GROUP))
