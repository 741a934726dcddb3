"""Passkeys on the pages: added behind Confirm it's you, listed and removed on /account,
signing in without a password or a second step, as the second step, and as Confirm it's
you; refused answers counted with failed logins; an admin's removal; all with a software
authenticator, on SQLite and Postgres."""
from __future__ import annotations

import html
import json

import pytest

from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.passkeys import select_passkeys_of_user
from quartauth.repository.security_log import select_security_events
from quartauth.repository.users import select_user_by_email, update_user_disabled_at, update_user_is_admin
from quartauth.services.passkeys import EXPIRED_MESSAGE, NOT_KNOWN_MESSAGE, NOT_VALID_MESSAGE

from ..conftest import AuthActions
from ..helpers import PASSWORD, app_settings, csrf_token_in
from ..helpers import page_text as raw_page_text
from ..passkey_people import PasskeyPerson, options_on
from ..soft_authenticator import SoftAuthenticator
from ..two_step_people import two_step_person


async def page_text(response) -> str:  # type: ignore[no-untyped-def]
    """The page as a person reads it: "it's", not "it&#39;s"."""
    return html.unescape(await raw_page_text(response))


async def events(database, email: str = "person@example.com") -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    found = await select_security_events(database, before_id=2**63 - 1, email=email, event="", limit=200)
    return [(entry.event, json.loads(entry.detail or "{}")) for entry in reversed(found)]


async def flashed(person: PasskeyPerson, response) -> str:  # type: ignore[no-untyped-def]
    """The page a redirect leads to, with what it flashed."""
    assert response.status_code == 302, await page_text(response)
    return await page_text(await person.client.get(response.headers["Location"].partition("#")[0]))


async def with_passkey(person: PasskeyPerson) -> PasskeyPerson:
    assert (await person.add_passkey()).status_code == 302
    await person.logout()
    return person


# --- adding, listing, removing ----------------------------------------------------------------


async def test_a_passkey_is_added_listed_logged_and_mailed(passkey_person, database):
    mail_before = await count_unsent_outbox_messages(database)

    page = await flashed(passkey_person, await passkey_person.add_passkey(name="My phone"))
    account = await page_text(await passkey_person.client.get("/account"))

    assert "Passkey added." in page
    assert "My phone" in account and "not used yet" in account and ">Remove</button>" in account
    assert ("passkey_added", {"passkey": "My phone"}) in await events(database)
    assert await count_unsent_outbox_messages(database) == mail_before + 1


async def test_a_passkey_without_a_name_is_named_after_the_browser(passkey_person, database):
    response = await passkey_person.add_passkey(name="")
    user = await select_user_by_email(database, "person@example.com")

    stored = await select_passkeys_of_user(database, user.id)
    assert response.status_code == 302 and len(stored) == 1 and stored[0].name


async def test_adding_a_passkey_asks_confirm_its_you_first(passkey_person, clock, database):
    clock.advance(minutes=11)

    page = await page_text(await passkey_person.client.get("/account/passkeys/add"))
    made_up = SoftAuthenticator().create({"rp": {"id": "localhost"}, "user": {"id": "AAAA"}, "challenge": "AAAA"})
    posted = await passkey_person.post("/account/passkeys", name="Sneaky", passkey=made_up)

    assert "Confirm it's you" in page and "data-options-json" not in page
    assert EXPIRED_MESSAGE in await flashed(passkey_person, posted)  # no challenge was given for it
    user = await select_user_by_email(database, "person@example.com")
    assert await select_passkeys_of_user(database, user.id) == []


async def test_confirm_its_you_then_add_even_when_every_action_asks_again(passkey_app, migrated_database_url, clock, database):
    """REAUTH_MINUTES=0: the password vouches for nothing after it; the add page's challenge,
    given only once it was entered, carries the confirmation to the answer."""
    from quartauth import create_app

    app = create_app(app_settings(migrated_database_url, CLOCK=clock, PUBLIC_URL="http://localhost", REAUTH_MINUTES=0))
    async with app.test_app():
        person = PasskeyPerson(app.test_client(), clock=clock)
        await person.register()
        clock.advance(seconds=1)
        asked = await page_text(await person.client.get("/account/passkeys/add"))
        confirmed = await raw_page_text(await person.post("/account/passkeys/add", password=PASSWORD))
        answer = person.authenticator.create(options_on(confirmed))
        clock.advance(seconds=1)  # the password vouches for nothing now
        added = await person.client.post("/account/passkeys", form={"csrf_token": csrf_token_in(confirmed), "name": "", "passkey": answer})

    assert "Confirm it's you" in asked and "data-options-json" in confirmed
    assert added.status_code == 302 and added.headers["Location"] == "/account#passkeys"


async def test_the_add_page_offers_the_button_once_confirmed(passkey_person):
    page = await page_text(await passkey_person.client.get("/account/passkeys/add"))

    assert 'data-passkey="create"' in page and "data-options-json" in page
    assert "/static/passkeys.js" in page and "<script>" not in page


async def test_an_answer_the_server_cannot_check_adds_nothing_and_says_why(passkey_person, database):
    page = await flashed(passkey_person, await passkey_person.add_passkey(origin="https://phish.example"))
    user = await select_user_by_email(database, "person@example.com")

    assert NOT_VALID_MESSAGE in page and await select_passkeys_of_user(database, user.id) == []


async def test_a_passkey_is_removed_logged_and_mailed(passkey_person, database):
    await passkey_person.add_passkey(name="Old phone")
    user = await select_user_by_email(database, "person@example.com")
    [passkey] = await select_passkeys_of_user(database, user.id)
    mail_before = await count_unsent_outbox_messages(database)

    page = await flashed(passkey_person, await passkey_person.post(f"/account/passkeys/{passkey.credential_id}/remove"))
    again = await flashed(passkey_person, await passkey_person.post(f"/account/passkeys/{passkey.credential_id}/remove"))

    assert "Passkey removed." in page and "You have no passkey." in page
    assert "not one of yours, or it was removed already" in again
    assert ("passkey_removed", {"passkey": "Old phone"}) in await events(database)
    assert await count_unsent_outbox_messages(database) == mail_before + 1


async def test_nobody_removes_another_persons_passkey(passkey_app, passkey_person, database, clock):
    await passkey_person.add_passkey()
    user = await select_user_by_email(database, "person@example.com")
    [passkey] = await select_passkeys_of_user(database, user.id)
    other = PasskeyPerson(passkey_app.test_client(), clock=clock, email="other@example.com")
    await other.register("other@example.com")

    page = await flashed(other, await other.post(f"/account/passkeys/{passkey.credential_id}/remove"))

    assert "not one of yours" in page and len(await select_passkeys_of_user(database, user.id)) == 1


# --- signing in -----------------------------------------------------------------------------


async def test_the_login_page_offers_passkeys_and_autofill(passkey_app):
    page = await page_text(await passkey_app.test_client().get("/login"))

    assert 'autocomplete="username webauthn"' in page and "Sign in with a passkey" in page
    assert 'data-passkey="get"' in page and "data-autofill" in page and "/static/passkeys.js" in page


async def test_a_passkey_signs_in_without_a_password(passkey_person, database):
    await with_passkey(passkey_person)

    signed_in = await passkey_person.sign_in_with_passkey(next_path="/account")

    assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/account"
    assert await passkey_person.is_signed_in()
    assert ("login", {"known_device": True, "with": "passkey"}) in await events(database)
    account = await page_text(await passkey_person.client.get("/account"))
    assert "last used" in account


async def test_the_session_of_a_passkey_is_like_any_other(passkey_person, database):
    await with_passkey(passkey_person)
    await passkey_person.sign_in_with_passkey()

    await passkey_person.logout()

    assert not await passkey_person.is_signed_in()


async def test_a_passkey_sign_in_goes_only_to_this_sites_pages(passkey_person):
    await with_passkey(passkey_person)

    signed_in = await passkey_person.sign_in_with_passkey(next_path="//evil.example/")

    assert signed_in.headers["Location"] == "/"


async def test_a_passkey_skips_the_second_step(passkey_app, clock, database):
    person = await two_step_person(passkey_app, clock)
    passkey_person = PasskeyPerson(person.client, clock=clock)
    await with_passkey(passkey_person)

    signed_in = await passkey_person.sign_in_with_passkey()

    assert signed_in.headers["Location"] == "/" and await passkey_person.is_signed_in()


async def test_a_disabled_accounts_passkey_is_refused_as_an_unknown_one(passkey_person, database):
    await with_passkey(passkey_person)
    user = await select_user_by_email(database, "person@example.com")
    await update_user_disabled_at(database, user.id, passkey_person.clock.now)

    page = await flashed(passkey_person, await passkey_person.sign_in_with_passkey())

    assert NOT_KNOWN_MESSAGE in page and not await passkey_person.is_signed_in()


async def test_a_replayed_answer_is_refused(passkey_person):
    await with_passkey(passkey_person)
    status, options = await passkey_person.options("/login/passkey/options")
    answer = passkey_person.authenticator.get(options)
    await passkey_person.post_passkey("/login/passkey", answer)
    await passkey_person.logout()

    page = await flashed(passkey_person, await passkey_person.post_passkey("/login/passkey", answer))

    assert EXPIRED_MESSAGE in page and not await passkey_person.is_signed_in()


async def test_a_challenge_given_to_another_browser_does_not_answer_here(passkey_app, passkey_person, clock):
    await with_passkey(passkey_person)
    thief = PasskeyPerson(passkey_app.test_client(), clock=clock)
    _, options = await thief.options("/login/passkey/options")  # bound to the thief's browser

    page = await flashed(passkey_person, await passkey_person.post_passkey("/login/passkey", passkey_person.authenticator.get(options)))

    assert EXPIRED_MESSAGE in page and not await passkey_person.is_signed_in()


@pytest.mark.parametrize(
    "answer",
    ["{", "[1, 2]", '{"id": 5}', '{"id": "@@", "rawId": "@@", "type": "public-key", "response": {"clientDataJSON": "@@"}}', "z" * 40_000],
    ids=["broken-json", "a-list", "wrong-types", "bad-base64url", "huge"],
)
async def test_junk_in_place_of_an_answer_is_a_clear_message_and_no_session(passkey_app, answer):
    person = PasskeyPerson(passkey_app.test_client())

    response = await person.post_passkey("/login/passkey", answer)
    page = await flashed(person, response)

    assert NOT_VALID_MESSAGE in page and not await person.is_signed_in()


async def test_failed_passkey_sign_ins_count_with_failed_logins_from_the_address(passkey_app, passkey_person, clock):
    await with_passkey(passkey_person)
    guesser, stranger = PasskeyPerson(passkey_app.test_client(), clock=clock), AuthActions(passkey_app.test_client())
    for _ in range(10):
        await guesser.post_passkey("/login/passkey", "{}")

    passkey = await guesser.post_passkey("/login/passkey", "{}")
    password = await stranger.login(passkey_person.email, PASSWORD)
    owner = await passkey_person.login(passkey_person.email, PASSWORD)  # a browser the account knows

    assert passkey.status_code == 429 and password.status_code == 429
    assert owner.status_code == 302 and owner.headers["Location"] == "/"


async def test_failed_logins_from_the_address_count_for_passkey_sign_ins(passkey_app, passkey_person):
    await with_passkey(passkey_person)
    stranger = AuthActions(passkey_app.test_client())
    for number in range(10):  # other accounts each time: one account's own limit comes sooner
        await stranger.login(f"guess{number}@example.com", "not the password at all")

    refused = await passkey_person.sign_in_with_passkey()

    assert refused.status_code == 429 and not await passkey_person.is_signed_in()


async def test_options_need_the_csrf_token(passkey_app):
    response = await passkey_app.test_client().post("/login/passkey/options")

    assert response.status_code == 400


async def test_passkeys_are_not_offered_where_they_cannot_work(passkey_app):
    client = passkey_app.test_client()
    page = await page_text(await client.get("/login", headers={"Host": "127.0.0.1"}))

    assert "Sign in with a passkey" not in page and "webauthn" not in page


# --- the second step, and Confirm it's you ---------------------------------------------------


async def test_a_passkey_can_be_the_second_step(passkey_app, clock, database):
    person = await two_step_person(passkey_app, clock)
    passkey_person = PasskeyPerson(person.client, clock=clock)
    await with_passkey(passkey_person)

    after_password = await person.log_in_with_password()
    page = await page_text(await person.client.get("/login/two-step"))
    status, options = await passkey_person.options("/login/two-step/passkey/options", page="/login/two-step")
    signed_in = await passkey_person.post_passkey(
        "/login/two-step/passkey", passkey_person.authenticator.get(options), page="/login/two-step", trust=""
    )

    assert after_password.headers["Location"] == "/login/two-step" and "Use a passkey instead" in page
    assert status == 200 and [item["id"] for item in options["allowCredentials"]] == [passkey_person.authenticator.passkeys[0].id]
    assert signed_in.headers["Location"] == "/" and await person.is_signed_in()
    assert ("login", {"known_device": True, "second_step": "passkey"}) in await events(database)


async def test_another_accounts_passkey_is_not_a_second_step(passkey_app, clock, database):
    person = await two_step_person(passkey_app, clock)
    stranger = PasskeyPerson(passkey_app.test_client(), clock=clock, email="other@example.com")
    await stranger.register("other@example.com")
    await stranger.add_passkey()
    await person.logout()
    await person.log_in_with_password()
    _, options = await PasskeyPerson(person.client, clock=clock).options("/login/two-step/passkey/options", page="/login/two-step")

    # The stranger's passkey, its answer made for the person's challenge, in the person's browser.
    refused = await PasskeyPerson(person.client, clock=clock).post_passkey(
        "/login/two-step/passkey", stranger.authenticator.get(options), page="/login/two-step"
    )

    assert refused.headers["Location"] == "/login/two-step" and not await person.is_signed_in()


async def test_without_a_pending_sign_in_there_are_no_second_step_options(passkey_app):
    status, answer = await PasskeyPerson(passkey_app.test_client()).options("/login/two-step/passkey/options")

    assert status == 401 and "Log in again." in answer["error"]


async def test_a_passkey_answers_confirm_its_you_and_the_action_carries_on(passkey_person, clock):
    await passkey_person.add_passkey()
    clock.advance(minutes=11)

    asked = await page_text(await passkey_person.post("/account/sessions/end-others"))
    status, options = await passkey_person.options("/confirm/passkey/options", page="/account")
    done = await passkey_person.post("/account/sessions/end-others", passkey=passkey_person.authenticator.get(options))

    assert "Confirm with a passkey" in asked
    assert status == 200
    assert "You were logged out everywhere else." in await flashed(passkey_person, done)


async def test_a_wrong_passkey_does_not_confirm_its_you(passkey_person, clock):
    await passkey_person.add_passkey()
    clock.advance(minutes=11)

    page = await page_text(await passkey_person.post("/account/sessions/end-others", passkey="{}"))

    assert NOT_VALID_MESSAGE in page and "Confirm it" in page


# --- what ends them -----------------------------------------------------------------------


async def test_a_password_reset_by_mail_keeps_the_passkeys(passkey_person, database):
    from quartauth.services import tokens

    await with_passkey(passkey_person)
    user = await select_user_by_email(database, "person@example.com")
    token = await tokens.issue(database, user.id, tokens.Purpose.RESET, passkey_person.clock.now)
    form = {"csrf_token": await passkey_person.csrf_token(f"/reset/{token}"), "new_password": "a brand new secret", "confirm": "a brand new secret"}
    await passkey_person.client.post(f"/reset/{token}", form=form)
    await passkey_person.logout()

    assert len(await select_passkeys_of_user(database, user.id)) == 1
    assert (await passkey_person.sign_in_with_passkey()).headers["Location"] == "/"


async def test_an_admin_removes_a_users_passkeys(passkey_app, passkey_person, database, clock):
    await with_passkey(passkey_person)
    user = await select_user_by_email(database, "person@example.com")
    admin = PasskeyPerson(passkey_app.test_client(), clock=clock, email="admin@example.com")
    await admin.register("admin@example.com")
    await update_user_is_admin(database, (await select_user_by_email(database, "admin@example.com")).id, True)

    shown = await page_text(await admin.client.get(f"/admin/users/{user.id}"))
    removed = await flashed(admin, await admin.post(f"/admin/users/{user.id}/remove-passkeys"))
    again = await flashed(admin, await admin.post(f"/admin/users/{user.id}/remove-passkeys"))

    assert "Remove passkeys" in shown
    assert "passkeys were removed" in removed and "has no passkey" in again
    assert await select_passkeys_of_user(database, user.id) == []
    assert any(event == "passkeys_removed" for event, _ in await events(database))
    assert (await passkey_person.login(passkey_person.email, PASSWORD)).status_code == 302
