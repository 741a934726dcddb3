"""Two-step sign-in on the account pages: setting it up, recovery codes, turning it off,
trusted browsers forgotten, an admin's reset, and who must have it."""
from __future__ import annotations

import re
from urllib.parse import unquote

import pyotp

from quartauth import create_app
from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.repository.security_log import select_security_events
from quartauth.repository.users import select_user_by_email, update_user_is_admin
from quartauth.services.two_step_codes import recovery_code_digest

from ..conftest import AuthActions
from ..helpers import PASSWORD, app_settings, page_text
from ..two_step_people import TwoStepPerson, key_on, recovery_codes_on, two_step_person


async def events(database, email: str = "person@example.com") -> list[str]:  # type: ignore[no-untyped-def]
    found = await select_security_events(database, before_id=2**63 - 1, email=email, event="", limit=200)
    return [entry.event for entry in reversed(found)]


async def test_the_setup_page_shows_the_key_as_a_qr_code_as_text_and_as_a_link(clocked_app, clock, database):
    person = TwoStepPerson(clocked_app.test_client(), clock=clock)
    await person.register()

    page = await page_text(await person.client.get("/account/two-step"))
    again = await page_text(await person.client.get("/account/two-step"))

    key = key_on(page)
    assert "<svg" in page and "<img" not in page and "<script" not in page
    assert re.search(r'<code class="key" id="two-step-key">(\w{4} )+\w{1,4}</code>', page)
    link = unquote(re.search(r'href="(otpauth://totp/[^"]+)"', page).group(1))
    assert f"secret={key}" in link and "issuer=quartauth" in link and "person@example.com" in link
    assert key_on(again) == key  # a phone that read the page once keeps working
    user = await select_user_by_email(database, "person@example.com")
    assert user is not None and not user.has_two_step and key not in (user.two_step_key or "")


async def test_it_turns_on_only_after_a_right_code_and_shows_ten_recovery_codes_once(clocked_app, clock, database):
    person = TwoStepPerson(clocked_app.test_client(), clock=clock)
    await person.register()
    key = key_on(await page_text(await person.client.get("/account/two-step")))

    wrong = await person.post("/account/two-step", code="000000" if pyotp.TOTP(key).at(clock.now) != "000000" else "111111")
    off = await select_user_by_email(database, "person@example.com")
    right = await person.post("/account/two-step", code=pyotp.TOTP(key).at(clock.now))
    on = await select_user_by_email(database, "person@example.com")
    page = await page_text(right)

    assert "That code is not right." in await page_text(wrong) and off is not None and not off.has_two_step
    assert on is not None and on.has_two_step
    assert "Two-step sign-in is on." in page
    codes = recovery_codes_on(page)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(len(code.replace("-", "")) >= 10 and "-" in code for code in codes)
    assert 'download="quartauth-recovery-codes.txt"' in page and unquote(codes[0]) in unquote(page)
    assert right.headers["Cache-Control"] == "no-store"
    assert "two_step_on" in await events(database)
    account = await page_text(await person.client.get("/account"))
    assert "10 recovery codes left" in account and codes[0] not in account


async def test_recovery_codes_are_stored_so_a_copy_of_the_database_does_not_reveal_them(two_step_on, database):
    user = await select_user_by_email(database, "person@example.com")
    assert user is not None
    async with database.connection() as connection:
        rows = await connection.fetch_all("recovery_codes/count_recovery_codes_of_user", user_id=user.id)
    assert rows[0]["left_over"] == 10
    for code in two_step_on.recovery_codes:
        assert await database.fetch_one("recovery_codes/take_recovery_code", user_id=user.id, code_hash=code) is None
    assert recovery_code_digest(two_step_on.recovery_codes[0]) != two_step_on.recovery_codes[0]
    assert two_step_on.key not in (user.two_step_key or "")


async def test_new_recovery_codes_replace_the_old_ones(two_step_on, database):
    old = two_step_on.recovery_codes

    renewed = await two_step_on.post("/account/two-step/recovery-codes")
    new = recovery_codes_on(await page_text(renewed))
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    with_old = await two_step_on.second_step(old[0])
    with_new = await two_step_on.second_step(new[0])

    assert "Your new recovery codes replace the old ones." in await page_text(renewed)
    assert len(new) == 10 and not set(new) & set(old)
    assert "That code is not right." in await page_text(with_old)
    assert with_new.status_code == 302 and await two_step_on.is_signed_in()
    assert "recovery_codes_renewed" in await events(database)


async def test_turning_it_off_asks_confirm_its_you_with_a_code_and_ends_what_came_with_it(two_step_on, clock, database):
    clock.advance(minutes=11)  # the password entered at sign-up no longer vouches

    asked = await two_step_on.post("/account/two-step/off")
    password_only = await two_step_on.post("/account/two-step/off", password=PASSWORD)
    both = await two_step_on.post("/account/two-step/off", password=PASSWORD, code=two_step_on.next_code())

    assert "Confirm it's you" in await page_text(asked) and 'name="code"' in await page_text(asked)
    assert "Enter the 6-digit code from your authenticator app, or one of your recovery codes." in await page_text(password_only)
    assert both.status_code == 302
    assert "Two-step sign-in is off." in await page_text(await two_step_on.client.get("/account"))
    user = await select_user_by_email(database, "person@example.com")
    assert user is not None and not user.has_two_step and user.two_step_key is None
    await two_step_on.logout()
    assert (await two_step_on.log_in_with_password()).headers["Location"] == "/"  # the password alone again
    assert "two_step_off" in await events(database)


async def test_confirm_its_you_needs_the_password_and_a_right_code(two_step_on, clock):
    clock.advance(minutes=11)

    wrong_code = await two_step_on.client.post(
        "/confirm", form={"csrf_token": await two_step_on.csrf_token("/logout"), "password": PASSWORD, "code": "12345x"}
    )
    wrong_password = await two_step_on.client.post(
        "/confirm", form={"csrf_token": await two_step_on.csrf_token("/logout"), "password": "not it", "code": two_step_on.code()}
    )
    both = await two_step_on.client.post(
        "/confirm", form={"csrf_token": await two_step_on.csrf_token("/logout"), "password": PASSWORD, "code": two_step_on.next_code()}
    )

    assert "That code is not right." in await page_text(wrong_code)
    assert "That is not your password." in await page_text(wrong_password)
    assert both.status_code == 302


async def test_changing_the_password_needs_a_code_with_two_step_on(two_step_on):
    change = {"current_password": PASSWORD, "new_password": "a brand new secret", "confirm": "a brand new secret"}

    without = await two_step_on.post("/account/password", **change)
    with_code = await two_step_on.post("/account/password", **change, code=two_step_on.next_code())

    assert "Enter the 6-digit code from your authenticator app" in await page_text(without)
    assert with_code.status_code == 302


async def test_forget_trusted_browsers_makes_each_ask_for_a_code_again(two_step_on, database):
    await two_step_on.logout()
    await two_step_on.log_in(trust=True)
    await two_step_on.logout()
    skipped = await two_step_on.log_in_with_password()

    forgot = await two_step_on.post("/account/two-step/trusted-browsers/forget")
    told = await two_step_on.client.get("/account")
    await two_step_on.logout()
    asked = await two_step_on.log_in_with_password()

    assert skipped.headers["Location"] == "/"
    assert forgot.headers["Location"] == "/account#two-step"
    assert "Your trusted browsers were forgotten" in await page_text(told)
    assert asked.headers["Location"] == "/login/two-step"
    assert "trusted_browsers_forgotten" in await events(database)


async def test_an_admin_resets_a_users_two_step_and_the_user_is_told(clocked_app, clock, database):
    person = await two_step_person(clocked_app, clock)
    boss = AuthActions(clocked_app.test_client())
    await boss.register("boss@example.com")
    await update_user_is_admin(database, (await select_user_by_email(database, "boss@example.com")).id, True)
    user = await select_user_by_email(database, "person@example.com")
    listed = await page_text(await boss.client.get("/admin"))
    mail_before = await count_unsent_outbox_messages(database)

    reset = await boss.post(f"/admin/users/{user.id}/reset-two-step")

    assert '<td data-label="Two-step">on</td>' in listed
    assert reset.status_code == 302
    after = await select_user_by_email(database, "person@example.com")
    assert after is not None and not after.has_two_step
    assert await count_unsent_outbox_messages(database) == mail_before + 1
    assert "two_step_reset" in await events(database)
    await person.logout()
    assert (await person.log_in_with_password()).headers["Location"] == "/"


async def test_two_step_required_for_admins_sends_them_to_set_it_up_first(migrated_database_url, database):
    app = create_app(app_settings(migrated_database_url, TWO_STEP_REQUIRED="admins"))
    async with app.test_app():
        boss, person = AuthActions(app.test_client()), AuthActions(app.test_client())
        await boss.register("boss@example.com")
        await person.register("person@example.com")
        await update_user_is_admin(database, (await select_user_by_email(database, "boss@example.com")).id, True)

        sent = await boss.client.get("/account")
        setup = await boss.client.get(sent.headers["Location"])

        assert sent.status_code == 302 and sent.headers["Location"] == "/account/two-step"
        assert "Set up two-step sign-in to continue." in await page_text(setup) and 'id="two-step-key"' in await page_text(setup)
        assert (await person.client.get("/account")).status_code == 200
        assert (await boss.logout()).status_code == 302


async def test_two_step_required_for_everyone_cannot_be_turned_off(migrated_database_url, clock, database):
    app = create_app(app_settings(migrated_database_url, TWO_STEP_REQUIRED="everyone", CLOCK=clock))
    async with app.test_app():
        person = TwoStepPerson(app.test_client(), clock=clock)
        await person.register()
        assert (await person.client.get("/")).headers["Location"] == "/account/two-step"

        await person.turn_on()
        refused = await person.post("/account/two-step/off")

        assert "Your account must have two-step sign-in: it stays on." in await page_text(await person.client.get("/account"))
        assert refused.status_code == 302 and (await person.client.get("/")).status_code == 200
        assert (await select_user_by_email(database, "person@example.com")).has_two_step
