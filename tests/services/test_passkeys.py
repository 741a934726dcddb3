"""Passkeys, the rules, against a software authenticator: adding one (resident, verified, the
account's excluded, a random user handle), and each way an answer is refused (wrong origin,
wrong relying party, a challenge replayed, another browser's or another purpose's challenge,
another account's passkey, an unknown one, a counter gone back, no user verification, junk);
on SQLite and Postgres."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.passkeys import select_passkey
from quartauth.repository.security_log import select_security_events
from quartauth.repository.users import update_user_disabled_at
from quartauth.services import passkeys, users
from quartauth.services.mail import Mailer
from quartauth.services.passkeys import (
    COPIED_MESSAGE,
    EXPIRED_MESSAGE,
    KNOWN_ALREADY_MESSAGE,
    NOT_KNOWN_MESSAGE,
    NOT_THEIRS_MESSAGE,
    NOT_VALID_MESSAGE,
    Passkeys,
    Purpose,
    Refused,
    RelyingParty,
)

from ..helpers import PASSWORD
from ..soft_authenticator import SoftAuthenticator, decode

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PARTY = RelyingParty("localhost", "http://localhost", "quartauth")
BROWSER = "a browser's passkey cookie token, random in life"


@pytest.fixture
def keys(database) -> Passkeys:  # type: ignore[no-untyped-def]
    return Passkeys(database, Mailer("http://localhost"))


@pytest.fixture
async def person(database, hasher):  # type: ignore[no-untyped-def]
    return await users.register(database, hasher, email="person@example.com", password=PASSWORD)


@pytest.fixture
async def other(database, hasher):  # type: ignore[no-untyped-def]
    return await users.register(database, hasher, email="other@example.com", password=PASSWORD)


async def added(keys: Passkeys, person, authenticator: SoftAuthenticator, name: str = "Phone"):  # type: ignore[no-untyped-def]
    options = await keys.options_to_add(person, BROWSER, PARTY, NOW)
    return await keys.add(person, BROWSER, authenticator.create(options), name, PARTY, NOW)


async def refusal(keys: Passkeys, answer_for, *, purpose: Purpose = Purpose.SIGN_IN, user=None, browser: str = BROWSER) -> Refused:  # type: ignore[no-untyped-def]
    """What checking the answer ``answer_for`` gives to fresh options is refused with."""
    options = await keys.options_to_check(purpose, BROWSER, PARTY, NOW, user=user)
    with pytest.raises(Refused) as refused:
        await keys.check(purpose, browser, answer_for(options), PARTY, NOW, user=user)
    return refused.value


# --- adding -------------------------------------------------------------------------------


async def test_the_options_to_add_ask_for_a_verified_resident_key_with_a_random_user_handle(keys, person, database):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)

    options = json.loads(await keys.options_to_add(person, BROWSER, PARTY, NOW))

    selection = options["authenticatorSelection"]
    assert selection["residentKey"] == "required" and selection["userVerification"] == "required"
    assert options["attestation"] == "none" and options["rp"] == {"id": "localhost", "name": "quartauth"}
    handle = decode(options["user"]["id"])
    assert len(handle) == 32 and str(person.id).encode() != handle and b"person@" not in handle
    assert options["excludeCredentials"] == [{"id": authenticator.passkeys[0].id, "type": "public-key"}]


async def test_an_added_passkey_is_kept_with_its_name_and_told_by_mail(keys, person, database):
    before = await count_unsent_outbox_messages(database)

    passkey = await added(keys, person, SoftAuthenticator(), name="  Work   laptop ")

    stored = await select_passkey(database, passkey.credential_id)
    assert stored is not None and stored.user_id == person.id and stored.name == "Work laptop"
    assert await count_unsent_outbox_messages(database) == before + 1


async def test_one_handle_per_account_whatever_the_number_of_passkeys(keys, person):
    first = json.loads(await keys.options_to_add(person, BROWSER, PARTY, NOW))["user"]["id"]
    second = json.loads(await keys.options_to_add(person, BROWSER, PARTY, NOW))["user"]["id"]

    assert first == second


async def test_adding_is_refused_without_user_verification_from_another_origin_or_twice(keys, person):
    authenticator = SoftAuthenticator()

    async def refused_with(**create) -> str:  # type: ignore[no-untyped-def]
        options = await keys.options_to_add(person, BROWSER, PARTY, NOW)
        with pytest.raises(Refused) as refused:
            await keys.add(person, BROWSER, authenticator.create(options, **create), "Phone", PARTY, NOW)
        return refused.value.message

    assert await refused_with(verified=False) == NOT_VALID_MESSAGE
    assert await refused_with(origin="https://evil.example") == NOT_VALID_MESSAGE
    assert await refused_with(rp_id="evil.example") == NOT_VALID_MESSAGE
    assert await keys.of_user(person.id) == []


async def test_a_credential_id_known_already_is_not_added_again_to_any_account(keys, person, other):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)
    known = authenticator.passkeys[0].credential_id

    for account in (person, other):
        options = await keys.options_to_add(account, BROWSER, PARTY, NOW)
        with pytest.raises(Refused) as refused:
            await keys.add(account, BROWSER, SoftAuthenticator().create(options, credential_id=known), "Again", PARTY, NOW)
        assert refused.value.message == KNOWN_ALREADY_MESSAGE

    assert [passkey.user_id for passkey in await keys.of_user(person.id)] == [person.id]
    assert await keys.of_user(other.id) == []


# --- checking -----------------------------------------------------------------------------


async def test_the_sign_in_options_name_no_account(keys, person):
    await added(keys, person, SoftAuthenticator())

    options = json.loads(await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW))

    assert options.get("allowCredentials", []) == [] and options["userVerification"] == "required"
    assert options["rpId"] == "localhost"


async def test_a_right_answer_counts_and_moves_the_counter_on(keys, person, database):
    authenticator = SoftAuthenticator()
    passkey = await added(keys, person, authenticator)
    options = await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)

    checked = await keys.check(Purpose.SIGN_IN, BROWSER, authenticator.get(options), PARTY, NOW + timedelta(seconds=5))

    assert checked.passkey.user_id == person.id
    stored = await select_passkey(database, passkey.credential_id)
    assert stored.sign_count == 1 and stored.last_used_at == NOW + timedelta(seconds=5)


async def test_an_answer_from_another_origin_is_refused(keys, person):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)

    refused = await refusal(keys, lambda options: authenticator.get(options, origin="https://phish.example"))

    assert refused.message == NOT_VALID_MESSAGE and "origin" in refused.reason


async def test_an_answer_for_another_relying_party_is_refused(keys, person):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)

    refused = await refusal(keys, lambda options: authenticator.get(options, rp_id="phish.example"))

    assert refused.message == NOT_VALID_MESSAGE and "RP ID" in refused.reason


async def test_a_challenge_counts_once(keys, person):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)
    options = await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)
    await keys.check(Purpose.SIGN_IN, BROWSER, authenticator.get(options), PARTY, NOW)

    with pytest.raises(Refused) as replayed:
        await keys.check(Purpose.SIGN_IN, BROWSER, authenticator.get(options), PARTY, NOW)

    assert replayed.value.message == EXPIRED_MESSAGE


async def test_a_challenge_lives_five_minutes(keys, person):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)
    options = await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)

    with pytest.raises(Refused) as late:
        await keys.check(Purpose.SIGN_IN, BROWSER, authenticator.get(options), PARTY, NOW + timedelta(minutes=5, seconds=1))

    assert late.value.message == EXPIRED_MESSAGE


async def test_a_challenge_answers_only_in_its_browser_and_for_its_purpose(keys, person):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)

    other_browser = await refusal(keys, authenticator.get, browser="another browser's token")
    options = await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)
    with pytest.raises(Refused) as other_purpose:
        await keys.check(Purpose.CONFIRM, BROWSER, authenticator.get(options), PARTY, NOW, user=person)

    assert other_browser.message == EXPIRED_MESSAGE and other_purpose.value.message == EXPIRED_MESSAGE


async def test_another_accounts_passkey_does_not_answer_for_this_one(keys, person, other):
    """A challenge for one account's Confirm it's you, or its second step, answered with a
    passkey of another account (in one browser, both people's passkeys): refused."""
    mine, theirs = SoftAuthenticator(), SoftAuthenticator()
    await added(keys, person, mine)
    await added(keys, other, theirs)

    for purpose in (Purpose.CONFIRM, Purpose.SECOND_STEP):
        refused = await refusal(keys, theirs.get, purpose=purpose, user=person)
        assert refused.message == NOT_THEIRS_MESSAGE


async def test_an_answer_naming_another_accounts_user_handle_is_refused(keys, person, other):
    mine, theirs = SoftAuthenticator(), SoftAuthenticator()
    await added(keys, person, mine)
    await added(keys, other, theirs)

    refused = await refusal(keys, lambda options: mine.get(options, user_handle=theirs.passkeys[0].user_handle))

    assert refused.message == NOT_KNOWN_MESSAGE


async def test_an_unknown_passkey_is_refused(keys, person):
    stranger = SoftAuthenticator()
    options = await keys.options_to_add(person, BROWSER, PARTY, NOW)
    stranger.create(options)  # made, but never added

    refused = await refusal(keys, stranger.get)

    assert refused.message == NOT_KNOWN_MESSAGE


async def test_an_answer_without_user_verification_is_refused(keys, person):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)

    refused = await refusal(keys, lambda options: authenticator.get(options, verified=False))

    assert refused.message == NOT_VALID_MESSAGE


async def test_a_signature_of_another_key_is_refused(keys, person):
    authenticator, forger = SoftAuthenticator(), SoftAuthenticator()
    await added(keys, person, authenticator)
    forger.create(await keys.options_to_add(person, BROWSER, PARTY, NOW))
    forger.passkeys[0].credential_id = authenticator.passkeys[0].credential_id  # the id is public; the key is not

    refused = await refusal(keys, forger.get)

    assert refused.message == NOT_VALID_MESSAGE and "signature" in refused.reason


async def test_a_counter_gone_back_is_refused_logged_and_told_to_the_owner(keys, person, database):
    authenticator = SoftAuthenticator()
    passkey = await added(keys, person, authenticator)
    for _ in range(3):
        options = await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)
        await keys.check(Purpose.SIGN_IN, BROWSER, authenticator.get(options), PARTY, NOW)
    mail_before = await count_unsent_outbox_messages(database)

    refused = await refusal(keys, lambda options: authenticator.get(options, sign_count=2))

    assert refused.message == COPIED_MESSAGE
    assert (await select_passkey(database, passkey.credential_id)).sign_count == 3
    logged = await select_security_events(database, before_id=2**63 - 1, email="person@example.com", event="passkey_copied", limit=5)
    assert len(logged) == 1 and logged[0].user_id == person.id
    assert await count_unsent_outbox_messages(database) == mail_before + 1


async def test_a_counter_that_stays_the_same_is_refused_as_gone_back(keys, person):
    authenticator = SoftAuthenticator()
    await added(keys, person, authenticator)
    options = await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)
    await keys.check(Purpose.SIGN_IN, BROWSER, authenticator.get(options), PARTY, NOW)

    refused = await refusal(keys, lambda options: authenticator.get(options, sign_count=1))

    assert refused.message == COPIED_MESSAGE


async def test_an_authenticator_without_a_counter_is_accepted_each_time(keys, person):
    authenticator = SoftAuthenticator(counts=False)
    await added(keys, person, authenticator)

    for _ in range(3):
        options = await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)
        checked = await keys.check(Purpose.SIGN_IN, BROWSER, authenticator.get(options), PARTY, NOW)
        assert checked.passkey.user_id == person.id


@pytest.mark.parametrize(
    "answer",
    [
        "",
        "not json",
        "[]",
        "{}",
        '{"id": "x", "rawId": "x", "type": "public-key", "response": {}}',
        '{"id": "%%%", "rawId": "%%%", "type": "public-key", "response": {"clientDataJSON": "%%%", "authenticatorData": "!", "signature": "?"}}',
        "x" * 20_000,
    ],
    ids=["empty", "not-json", "a-list", "no-fields", "no-response", "bad-base64url", "huge"],
)
async def test_junk_is_refused_as_not_valid(keys, person, answer):
    await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)

    with pytest.raises(Refused) as refused:
        await keys.check(Purpose.SIGN_IN, BROWSER, answer, PARTY, NOW)

    assert refused.value.message == NOT_VALID_MESSAGE


# --- the account's ---------------------------------------------------------------------


async def test_a_passkey_is_removed_only_from_its_own_account(keys, person, other, database):
    passkey = await added(keys, person, SoftAuthenticator())

    assert await keys.remove(other, passkey.credential_id, NOW) is None
    assert await keys.remove(person, passkey.credential_id, NOW) == "Phone"
    assert await keys.of_user(person.id) == []


async def test_the_passkeys_end_with_the_account(keys, person, database):
    passkey = await added(keys, person, SoftAuthenticator())

    await database.execute("users/delete_user", id=person.id)

    assert await select_passkey(database, passkey.credential_id) is None


async def test_prune_deletes_the_challenges_that_expired(keys, person, database):
    await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW)
    await keys.options_to_check(Purpose.SIGN_IN, BROWSER, PARTY, NOW + timedelta(minutes=4))

    assert await passkeys.prune(database, NOW + timedelta(minutes=6)) == 1


def test_a_relying_party_is_a_host_name_never_an_ip_address():
    assert RelyingParty.of("https://auth.example.com", "x") == RelyingParty("auth.example.com", "https://auth.example.com", "x")
    assert RelyingParty.of("http://localhost:5000", "x") == RelyingParty("localhost", "http://localhost:5000", "x")
    assert RelyingParty.of("http://127.0.0.1:5000", "x") is None
    assert RelyingParty.of("http://[::1]:5000", "x") is None


async def test_a_refused_answer_to_add_uses_its_challenge_up(keys, person):
    authenticator = SoftAuthenticator()
    options = await keys.options_to_add(person, BROWSER, PARTY, NOW)
    with pytest.raises(Refused):
        await keys.add(person, BROWSER, authenticator.create(options, origin="https://phish.example"), "Phone", PARTY, NOW)

    with pytest.raises(Refused) as again:
        await keys.add(person, BROWSER, authenticator.create(options), "Phone", PARTY, NOW)

    assert again.value.message == EXPIRED_MESSAGE and await keys.of_user(person.id) == []


async def test_a_disabled_accounts_passkey_is_refused_as_an_unknown_one_after_its_signature(keys, person, database):
    authenticator = SoftAuthenticator()
    passkey = await added(keys, person, authenticator)
    await update_user_disabled_at(database, person.id, NOW)

    refused = await refusal(keys, authenticator.get)

    assert refused.message == NOT_KNOWN_MESSAGE and refused.reason == "account disabled"
    assert (await select_passkey(database, passkey.credential_id)).last_used_at is None
