"""Password hashing: every character counts, the scheme is recorded, cost can change."""
from __future__ import annotations

import bcrypt
import pytest

from quartauth.services.passwords import PasswordHasher


@pytest.fixture
async def hasher():
    hasher = PasswordHasher(rounds=4, threads=2)
    yield hasher
    hasher.close()


async def test_a_hash_names_its_scheme_and_checks_only_its_password(hasher):
    stored = await hasher.hash("correct horse battery")

    assert stored.startswith("bcrypt_sha256$$2b$04$")
    assert (await hasher.verify("correct horse battery", stored)).matches
    assert not (await hasher.verify("correct horse batterx", stored)).matches


async def test_the_same_password_hashes_differently_each_time(hasher):
    assert await hasher.hash("correct horse battery") != await hasher.hash("correct horse battery")


async def test_characters_past_bcrypts_72_bytes_still_count(hasher):
    stored = await hasher.hash("é" * 100 + "1")
    assert not (await hasher.verify("é" * 100 + "2", stored)).matches


async def test_the_same_password_in_another_unicode_form_matches(hasher):
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    stored = await hasher.hash(composed)
    assert (await hasher.verify(decomposed, stored)).matches


@pytest.mark.parametrize("stored", ["", "plain", "md5$abc", "bcrypt_sha256$not-a-bcrypt-hash"])
async def test_unknown_or_broken_stored_hashes_match_nothing(hasher, stored):
    assert not (await hasher.verify("anything at all", stored)).matches


async def test_a_hash_made_at_another_cost_asks_to_be_redone(hasher):
    cheaper = PasswordHasher(rounds=5, threads=1)
    stored = await cheaper.hash("correct horse battery")
    cheaper.close()

    verification = await hasher.verify("correct horse battery", stored)

    assert verification.matches and verification.needs_rehash
    assert not (await hasher.verify("correct horse battery", await hasher.hash("correct horse battery"))).needs_rehash


async def test_the_dummy_hash_is_made_before_the_first_unknown_email(hasher):
    await hasher.prepare()
    made = hasher._dummy_hash

    await hasher.verify_against_dummy("whatever password")

    assert made is not None and made.startswith("bcrypt_sha256$")
    assert hasher._dummy_hash == made  # not remade on first use


class Work:
    """bcrypt's work, counted as it is done: each hash or check at cost c is 2**c units."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.units = 0
        real_hashpw, real_checkpw = bcrypt.hashpw, bcrypt.checkpw

        def hashpw(password: bytes, salt: bytes) -> bytes:
            self.units += 2 ** int(salt.split(b"$")[2])
            return real_hashpw(password, salt)

        def checkpw(password: bytes, hashed: bytes) -> bool:
            self.units += 2 ** int(hashed.split(b"$")[2])
            return real_checkpw(password, hashed)

        monkeypatch.setattr(bcrypt, "hashpw", hashpw)
        monkeypatch.setattr(bcrypt, "checkpw", checkpw)

    def reset(self) -> int:
        done, self.units = self.units, 0
        return done


async def test_every_no_costs_the_work_of_a_check_at_the_current_cost(monkeypatch):
    current = PasswordHasher(rounds=7, threads=1)
    older = PasswordHasher(rounds=4, threads=1)
    await current.prepare()
    stored_now = await current.hash("correct horse battery")
    stored_before = await older.hash("correct horse battery")
    older.close()
    work = Work(monkeypatch)

    await current.verify_against_dummy("a guess")  # an unknown email
    unknown = work.reset()
    await current.verify("a guess", stored_now)
    wrong_now = work.reset()
    await current.verify("a guess", stored_before)
    wrong_older = work.reset()
    await current.verify("a guess", "bcrypt_sha256$$2b$04$broken")
    broken = work.reset()
    current.close()

    assert unknown == wrong_now == wrong_older == broken == 2**7
