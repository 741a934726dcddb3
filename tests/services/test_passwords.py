"""Password hashing: every character counts, the scheme is recorded, cost can change."""
from __future__ import annotations

import asyncio
import threading

import bcrypt
import pytest

from quartauth.services import passwords
from quartauth.services.passwords import PasswordHasher, password_problem, shape_problem


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


@pytest.mark.parametrize(
    ("password", "acceptable"),
    [
        ("1234567", False), ("12345678", True), ("x" * 128, True), ("x" * 129, False), ("🔑" * 8, True),
        ("e\u0301" * 4, False),  # four characters once normalized, however many code points typed
        ("\ufb01" * 4, True),  # each ligature "fi" is two letters as the hash sees them
    ],
)
def test_password_length_is_counted_in_characters_after_normalization(password, acceptable):
    assert (shape_problem(password) is None) is acceptable


def test_a_password_entered_again_is_refused_only_when_too_long_for_any_account():
    assert shape_problem("short", chosen=False) is None
    assert shape_problem("e\u0301" * 128, chosen=False) is None  # 256 code points, 128 characters
    assert shape_problem("x" * 129, chosen=False) == passwords.LENGTH_MESSAGE


def test_a_password_that_was_not_readable_utf8_is_refused():
    assert shape_problem("correct horse \ufffd battery") == passwords.UNREADABLE_MESSAGE


@pytest.mark.parametrize("password", ["password", "12345678", " " * 8, "qwertyuiop", "aaaaaaaaaaaaaaaa", "iloveyou1"])
def test_common_and_easily_guessed_passwords_are_refused_saying_why(password):
    problem = password_problem(password, email="person@example.com")

    assert problem is not None and problem.startswith("This password is too easy to guess")
    assert problem.endswith(".") and problem.count(". ") == 0  # one sentence


@pytest.mark.parametrize("password", ["alice2024!", "Alice@Example.com", "alicealice", "ALICE12345"])
def test_passwords_built_from_the_email_are_refused(password):
    assert password_problem(password, email="alice@example.com") == passwords.FROM_EMAIL_MESSAGE


@pytest.mark.parametrize("password", ["correct horse battery", "alice in a teapot by the sea", "Tr0ub4dor&3 staple"])
def test_good_passwords_pass(password):
    assert password_problem(password, email="alice@example.com") is None


def test_the_site_name_counts_as_easy_to_guess():
    assert password_problem("quartauth2026", email="person@example.com") is not None


def test_the_estimate_reads_a_long_password_by_its_start():
    assert password_problem("a" * 128, email="person@example.com") is not None
    assert password_problem("correct horse battery " * 5, email="person@example.com") is None


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


async def test_known_browsers_get_the_next_turn_at_the_hash_threads():
    queue = passwords.HashQueue(threads=1)
    order: list[str] = []
    release = asyncio.Event()

    async def check(name: str, trusted: bool) -> None:
        async with queue.turn(trusted=trusted):
            order.append(name)
            if name == "first":
                await release.wait()

    first = asyncio.create_task(check("first", False))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(check(f"stranger {n}", False)) for n in range(3)]
    await asyncio.sleep(0)
    owner = asyncio.create_task(check("owner", True))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(first, owner, *waiting)

    assert order == ["first", "owner", "stranger 0", "stranger 1", "stranger 2"]


async def test_one_check_per_account_goes_first_and_its_others_wait_as_strangers_do(monkeypatch):
    monkeypatch.setattr(passwords, "MAX_HASH_WAIT_SECONDS", 0.1)
    hasher = PasswordHasher(rounds=4, threads=1)
    stored = await hasher.hash("the password")
    await hasher.prepare()
    finish = threading.Event()
    monkeypatch.setattr(passwords, "_matches", lambda password, stored_hash: finish.wait(5))
    owner = asyncio.create_task(hasher.verify("the password", stored, known_to=1))  # the known browsers' thread
    stranger = asyncio.create_task(hasher.verify("a guess", stored))  # the pool's one thread
    await asyncio.sleep(0.05)

    same_account = asyncio.create_task(hasher.verify("the password", stored, known_to=1))
    other_owner = asyncio.create_task(hasher.verify("the password", stored, known_to=2))
    await asyncio.sleep(0.3)

    # The account's second check at once waited as a stranger's and was turned away; another
    # account's owner waits at the front of the line, however long it takes.
    assert same_account.done() and isinstance(same_account.exception(), passwords.HashingBusy)
    assert not other_owner.done()
    finish.set()
    assert all(verification.matches for verification in await asyncio.gather(owner, stranger, other_owner))
    hasher.close()


async def checked_or_busy(queue: passwords.HashQueue, hold: asyncio.Event, *, trusted: bool = False) -> str:
    """A check that takes its turn and lasts until ``hold`` is set: "checked", or "busy"
    when it was turned away."""
    try:
        async with queue.turn(trusted=trusted):
            await hold.wait()
            return "checked"
    except passwords.HashingBusy:
        return "busy"


async def test_strangers_who_waited_their_longest_are_turned_away_but_owners_wait(monkeypatch):
    monkeypatch.setattr(passwords, "MAX_HASH_WAIT_SECONDS", 0.05)
    queue = passwords.HashQueue(threads=2)
    hold = asyncio.Event()

    tasks = [asyncio.create_task(checked_or_busy(queue, hold)) for _ in range(2 + 5)]
    owner = asyncio.create_task(checked_or_busy(queue, hold, trusted=True))  # never turned away
    await asyncio.sleep(0.2)
    hold.set()
    outcomes = await asyncio.gather(*tasks)

    assert outcomes.count("checked") == 2 and outcomes.count("busy") == 5
    assert await owner == "checked"


async def test_during_a_flood_strangers_hash_one_at_a_time_and_owners_use_the_rest(monkeypatch):
    monkeypatch.setattr(passwords, "MAX_HASH_WAIT_SECONDS", 0.05)
    queue = passwords.HashQueue(threads=2)
    hold = asyncio.Event()
    running: list[str] = []
    most_at_once = {"stranger": 0}

    async def check(who: str) -> str:
        try:
            async with queue.turn(trusted=who == "owner"):
                running.append(who)
                most_at_once["stranger"] = max(most_at_once["stranger"], running.count("stranger"))
                await hold.wait()
                running.remove(who)
                return "checked"
        except passwords.HashingBusy:
            return "busy"

    queue.crowded()  # more strangers came than the login line lets in
    assert queue.flooded

    strangers = [asyncio.create_task(check("stranger")) for _ in range(2)]
    await asyncio.sleep(0)
    owner = asyncio.create_task(check("owner"))
    await asyncio.sleep(0.01)
    assert running == ["stranger", "owner"]  # the second stranger waits; the owner does not
    hold.set()
    await asyncio.gather(*strangers)

    assert await owner == "checked" and most_at_once["stranger"] == 1


async def test_strangers_turned_away_because_checks_are_slow_are_no_flood(monkeypatch):
    # Under page load checks are slow, and some strangers wait their longest: checking them
    # one at a time would then turn every later stranger away, and keep it so.
    monkeypatch.setattr(passwords, "MAX_HASH_WAIT_SECONDS", 0.05)
    queue = passwords.HashQueue(threads=1)
    hold = asyncio.Event()

    tasks = [asyncio.create_task(checked_or_busy(queue, hold)) for _ in range(3)]
    await asyncio.sleep(0.1)
    hold.set()

    assert sorted(await asyncio.gather(*tasks)) == ["busy", "busy", "checked"]
    assert not queue.flooded


async def test_a_check_given_up_while_waiting_leaves_the_line_in_order():
    queue = passwords.HashQueue(threads=1)
    hold = asyncio.Event()
    done: list[int] = []

    async def check(number: int) -> None:
        async with queue.turn(trusted=False):
            await hold.wait()
            done.append(number)

    tasks = [asyncio.create_task(check(number)) for number in range(3)]
    await asyncio.sleep(0)
    tasks[1].cancel()
    hold.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    assert done == [0, 2]
