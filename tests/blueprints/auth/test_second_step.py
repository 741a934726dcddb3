"""Logging in with two-step sign-in on: no session until a right code; a code counts once,
even posted twenty times at once or to another app process; five wrong codes end the
sign-in; recovery codes; trusted browsers; logging out and password resets."""
from __future__ import annotations

import asyncio
import re

from quartauth import create_app
from quartauth.repository.security_log import select_security_events
from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email

from ...helpers import PASSWORD, app_settings, csrf_token_in, page_text
from ...two_step_people import TwoStepPerson

NOT_RIGHT = "That code is not right."
USED = "That code was already used. Wait for the next one."


async def sessions_of(database, email: str = "person@example.com") -> int:  # type: ignore[no-untyped-def]
    user = await select_user_by_email(database, email)
    return len(await select_sessions_of_user(database, user.id))


async def events(database) -> list[str]:  # type: ignore[no-untyped-def]
    found = await select_security_events(database, before_id=2**63 - 1, email="person@example.com", event="", limit=200)
    return [entry.event for entry in reversed(found)]


async def test_the_right_password_leads_to_the_second_step_with_no_session_yet(two_step_on, database):
    await two_step_on.logout()

    password = await two_step_on.log_in_with_password()
    page = await two_step_on.client.get("/login/two-step")

    assert password.status_code == 302 and password.headers["Location"] == "/login/two-step"
    text = await page_text(page)
    assert "Enter the 6-digit code from your authenticator app, or one of your recovery codes." in text
    assert 'name="code"' in text and "Trust this browser for 30 days" in text
    assert await sessions_of(database) == 0
    assert (await two_step_on.client.get("/account")).headers["Location"].startswith("/login")


async def test_a_right_code_starts_the_session_and_the_login_is_logged(two_step_on, database):
    await two_step_on.logout()

    await two_step_on.log_in_with_password(next="/account")
    done = await two_step_on.second_step(two_step_on.next_code())

    assert done.status_code == 302 and done.headers["Location"] == "/account"
    assert await two_step_on.is_signed_in() and await sessions_of(database) == 1
    assert (await events(database))[-1] == "login"


async def test_a_wrong_code_is_refused_and_counts_as_a_failed_login(two_step_on, database):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    wrong = "123456" if two_step_on.code() != "123456" else "654321"

    answer = await two_step_on.second_step(wrong)

    assert answer.status_code == 200 and NOT_RIGHT in await page_text(answer)
    assert await sessions_of(database) == 0
    assert "second_step_failed" in await events(database)


async def test_a_code_counts_once(two_step_on):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    code = two_step_on.next_code()
    await two_step_on.second_step(code)
    await two_step_on.logout()

    await two_step_on.log_in_with_password()
    replayed = await two_step_on.second_step(code)

    assert USED in await page_text(replayed)
    assert not await two_step_on.is_signed_in()


async def test_the_previous_steps_code_is_taken_for_a_slow_clock_but_not_older(two_step_on):
    await two_step_on.logout()
    two_step_on.clock.advance(seconds=60)
    await two_step_on.log_in_with_password()
    previous = two_step_on.code()
    two_step_on.clock.advance(seconds=30)

    taken = await two_step_on.second_step(previous)
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    older = two_step_on.code()
    two_step_on.clock.advance(seconds=60)
    refused = await two_step_on.second_step(older)

    assert taken.status_code == 302
    assert NOT_RIGHT in await page_text(refused)


async def test_one_code_posted_twenty_times_at_once_makes_exactly_one_session(two_step_on, database):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    code = two_step_on.next_code()
    form = {"csrf_token": await two_step_on.csrf_token("/login"), "code": code}

    answers = await asyncio.gather(*(two_step_on.client.post("/login/two-step", form=form) for _ in range(20)))

    assert sum(answer.status_code == 302 and answer.headers["Location"] == "/" for answer in answers) == 1
    assert await sessions_of(database) == 1
    assert all(answer.status_code < 500 for answer in answers)


async def test_a_code_taken_by_one_app_process_is_refused_by_another(two_step_on, migrated_database_url, clock, database):
    """Two app processes share nothing but the database: what is counted there counts for both."""
    other_worker = create_app(app_settings(migrated_database_url, CLOCK=clock, SECRET_KEY=two_step_on_secret(two_step_on)))
    async with other_worker.test_app():
        await two_step_on.logout()
        await two_step_on.log_in_with_password()
        code = two_step_on.next_code()
        elsewhere = TwoStepPerson(other_worker.test_client(), clock=clock, key=two_step_on.key)
        await elsewhere.log_in_with_password()

        first = await two_step_on.second_step(code)
        replay = await elsewhere.second_step(code)

        assert first.status_code == 302
        assert USED in await page_text(replay)
        assert await sessions_of(database) == 1


def two_step_on_secret(person: TwoStepPerson) -> str:
    return person.client.app.config["SECRET_KEY"]


async def test_five_wrong_codes_end_the_pending_sign_in(two_step_on, database):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    right = two_step_on.next_code()
    wrong = "000000" if right != "000000" else "111111"

    answers = [await two_step_on.second_step(wrong) for _ in range(5)]
    told = await page_text(await two_step_on.client.get("/login"))
    after = await two_step_on.second_step(right)

    texts = [await page_text(answer) for answer in answers[:4]]
    assert all(NOT_RIGHT in text for text in texts)
    assert answers[4].status_code == 302 and answers[4].headers["Location"] == "/login"
    assert "Too many wrong codes. Log in again." in told
    assert after.headers["Location"] == "/login" and await sessions_of(database) == 0


async def test_the_pending_sign_in_lasts_five_minutes(two_step_on, clock):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    clock.advance(minutes=5, seconds=1)

    late = await two_step_on.second_step(two_step_on.code())

    assert late.headers["Location"] == "/login"
    assert "That sign-in has ended. Log in again." in await page_text(await two_step_on.client.get("/login"))


async def test_logging_out_ends_the_pending_sign_in(two_step_on, database):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    stolen_cookie = two_step_on.client.cookie_jar  # what the browser held before logging out
    token = next(cookie.value for cookie in stolen_cookie if cookie.name == "quartauth_second_step")

    page = await page_text(await two_step_on.client.get("/login/two-step"))
    logged_out = await two_step_on.client.post("/logout", form={"csrf_token": csrf_token_in(page)})  # its "Cancel and log out"
    two_step_on.client.set_cookie("localhost", "quartauth_second_step", token)
    after = await two_step_on.second_step(two_step_on.next_code())

    assert logged_out.status_code == 302
    assert after.headers["Location"] == "/login" and await sessions_of(database) == 0


async def test_the_pending_sign_in_is_bound_to_its_browser(two_step_on, clocked_app, database):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    other = TwoStepPerson(clocked_app.test_client(), clock=two_step_on.clock, key=two_step_on.key)

    elsewhere = await other.second_step(two_step_on.next_code())

    assert elsewhere.headers["Location"] == "/login" and await sessions_of(database) == 0


async def test_a_recovery_code_works_once_and_says_how_many_are_left(two_step_on, database):
    code = two_step_on.recovery_codes[0]
    await two_step_on.logout()
    await two_step_on.log_in_with_password()

    used = await two_step_on.second_step(code.upper().replace("-", " "))  # however it is typed
    home = await page_text(await two_step_on.client.get("/"))
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    again = await two_step_on.second_step(code)

    assert used.status_code == 302 and "You used a recovery code: 9 left." in home
    assert NOT_RIGHT in await page_text(again)
    assert "recovery_code_used" in await events(database)


async def test_the_home_page_says_when_two_or_fewer_recovery_codes_are_left(two_step_on):
    for code in two_step_on.recovery_codes[:8]:
        await two_step_on.logout()
        await two_step_on.log_in_with_password()
        await two_step_on.second_step(code)

    home = await page_text(await two_step_on.client.get("/"))

    assert "Only 2 recovery codes left." in home and "Make new recovery codes" in home


async def test_a_trusted_browser_skips_the_step_until_the_password_changes(two_step_on):
    await two_step_on.logout()
    await two_step_on.log_in(trust=True)
    await two_step_on.logout()
    skipped = await two_step_on.log_in_with_password()
    two_step_on.clock.advance(minutes=1)
    await two_step_on.post(
        "/account/password", current_password=PASSWORD, new_password="a brand new secret",
        confirm="a brand new secret", code=two_step_on.next_code(),
    )
    await two_step_on.logout()

    after_change = await two_step_on.log_in_with_password("a brand new secret")

    assert skipped.headers["Location"] == "/"
    assert after_change.headers["Location"] == "/login/two-step"


async def test_trust_ends_after_thirty_days(two_step_on, clock):
    await two_step_on.logout()
    await two_step_on.log_in(trust=True)
    await two_step_on.logout()
    clock.advance(days=30, seconds=1)

    assert (await two_step_on.log_in_with_password()).headers["Location"] == "/login/two-step"


async def test_a_password_reset_by_mail_does_not_skip_the_second_step(two_step_on, database):
    from quartauth.services import email_flows, tokens

    user = await select_user_by_email(database, "person@example.com")
    await two_step_on.logout()
    await two_step_on.log_in(trust=True)  # even a trusted browser: the reset ends trust
    await two_step_on.logout()
    token = await tokens.issue(database, user.id, tokens.Purpose.RESET, two_step_on.clock.now)
    form = {"csrf_token": await two_step_on.csrf_token(f"/reset/{token}"), "new_password": "a brand new secret", "confirm": "a brand new secret"}

    reset = await two_step_on.client.post(f"/reset/{token}", form=form)
    signed_in_before_code = await two_step_on.is_signed_in()
    done = await two_step_on.second_step(two_step_on.next_code())

    assert reset.status_code == 302 and reset.headers["Location"] == "/login/two-step"
    assert not signed_in_before_code
    assert done.headers["Location"] == "/" and await two_step_on.is_signed_in()
    assert email_flows  # the module whose reset is under test


async def test_a_code_in_digits_of_another_script_is_not_right_and_breaks_nothing(two_step_on):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    code = two_step_on.next_code()
    fullwidth = "".join(chr(ord(digit) + 0xFEE0) for digit in code)

    answer = await two_step_on.second_step(fullwidth)

    assert answer.status_code == 200 and NOT_RIGHT in await page_text(answer)


async def test_the_second_step_page_without_a_pending_sign_in_sends_to_log_in(client):
    answer = await client.get("/login/two-step")

    assert answer.status_code == 302 and answer.headers["Location"] == "/login"
    assert re.search("Log in again", await page_text(await client.get("/login")))


async def test_twenty_wrong_codes_at_once_are_checked_five_times_at_most(two_step_on, database):
    await two_step_on.logout()
    await two_step_on.log_in_with_password()
    right = two_step_on.next_code()
    form = {"csrf_token": await two_step_on.csrf_token("/login"), "code": "000000" if right != "000000" else "111111"}

    answers = await asyncio.gather(*(two_step_on.client.post("/login/two-step", form=form) for _ in range(20)))
    late = await two_step_on.second_step(right)

    assert all(answer.status_code < 500 for answer in answers)
    assert (await events(database)).count("second_step_failed") <= 5
    assert late.headers["Location"] == "/login" and await sessions_of(database) == 0
