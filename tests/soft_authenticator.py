"""A software authenticator: makes passkeys (ES256, resident, user verified) and answers
challenges as a browser holding one would, with whatever origin, relying party, counter or
user handle a test chooses, so that the server's checks can be tried one by one."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

USER_PRESENT, USER_VERIFIED, ATTESTED = 0x01, 0x04, 0x40


def encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class SoftPasskey:
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0

    @property
    def id(self) -> str:
        return encode(self.credential_id)

    def cose_public_key(self) -> bytes:
        """The public key as an authenticator hands it over (COSE, EC2 P-256, ES256)."""
        numbers = self.private_key.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})


@dataclass
class SoftAuthenticator:
    """``origin``: where the browser says the page is; ``counts``: whether it keeps a counter."""

    origin: str = "http://localhost"
    counts: bool = True
    passkeys: list[SoftPasskey] = field(default_factory=list)

    def create(
        self, options: str | dict, *, origin: str | None = None, rp_id: str | None = None, verified: bool = True,
        credential_id: bytes | None = None,
    ) -> str:
        """``navigator.credentials.create``'s answer, as JSON, to ``options`` (the server's JSON);
        ``credential_id``: one chosen, as a rogue authenticator could."""
        options = json.loads(options) if isinstance(options, str) else options
        rp_id = rp_id or options["rp"]["id"]
        key = ec.generate_private_key(ec.SECP256R1())
        passkey = SoftPasskey(credential_id or os.urandom(16), key, rp_id, decode(options["user"]["id"]))
        cose_key = passkey.cose_public_key()
        flags = USER_PRESENT | ATTESTED | (USER_VERIFIED if verified else 0)
        authenticator_data = (
            hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", passkey.sign_count)
            + bytes(16) + struct.pack(">H", len(passkey.credential_id)) + passkey.credential_id + cose_key
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": authenticator_data})
        self.passkeys.append(passkey)
        return json.dumps({
            "id": passkey.id,
            "rawId": passkey.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": encode(self._client_data("webauthn.create", options["challenge"], origin)),
                "attestationObject": encode(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })

    def make(self, rp_id: str, user_handle: bytes) -> SoftPasskey:
        """A passkey made outside any page (for a bench's accounts, stored by hand)."""
        passkey = SoftPasskey(os.urandom(16), ec.generate_private_key(ec.SECP256R1()), rp_id, user_handle)
        self.passkeys.append(passkey)
        return passkey

    def get(
        self,
        options: str | dict,
        passkey: SoftPasskey | None = None,
        *,
        origin: str | None = None,
        rp_id: str | None = None,
        sign_count: int | None = None,
        user_handle: bytes | None = None,
        verified: bool = True,
    ) -> str:
        """``navigator.credentials.get``'s answer, as JSON, with ``passkey`` (the last made)."""
        options = json.loads(options) if isinstance(options, str) else options
        passkey = passkey or self.passkeys[-1]
        if sign_count is None:
            passkey.sign_count += 1 if self.counts else 0
            sign_count = passkey.sign_count
        flags = USER_PRESENT | (USER_VERIFIED if verified else 0)
        authenticator_data = hashlib.sha256((rp_id or passkey.rp_id).encode()).digest() + bytes([flags]) + struct.pack(">I", sign_count)
        client_data = self._client_data("webauthn.get", options["challenge"], origin)
        signature = passkey.private_key.sign(authenticator_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return json.dumps({
            "id": passkey.id,
            "rawId": passkey.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": encode(client_data),
                "authenticatorData": encode(authenticator_data),
                "signature": encode(signature),
                "userHandle": encode(user_handle if user_handle is not None else passkey.user_handle),
            },
            "clientExtensionResults": {},
            "authenticatorAttachment": "platform",
        })

    def _client_data(self, kind: str, challenge: str, origin: str | None) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin or self.origin, "crossOrigin": False}).encode()
