"""Email over HTTP, with a real SMTP server receiving the mail: verifying the address, a
forgotten password, changing the email, and the security notices."""
from __future__ import annotations

import asyncio
import re
import statistics
import time

import pytest

from quartauth.repository.sessions import select_sessions_of_user
from quartauth.repository.users import select_user_by_email
from quartauth.services import mail

from ..conftest import AuthActions
from ..helpers import PASSWORD, csrf_token_in, page_text
from ..mailbox import html_of, link_in, path_of, text_of

NEW_PASSWORD = "a brand new secret phrase"
SUBJECTS = mail.SUBJECTS
L = mail.Letter


async def signed_up(app, mailbox, email: str = "person@example.com") -> AuthActions:  # type: ignore[no-untyped-def]
    person = AuthActions(app.test_client())
    await person.register(email)
    await mailbox.wait_for(email, SUBJECTS[L.VERIFY_EMAIL])
    return person


async def forgot(client, email: str):  # type: ignore[no-untyped-def]
    token = AuthActions(client)
    return await client.post("/forgot", form={"csrf_token": await token.csrf_token("/forgot"), "email": email}, follow_redirects=True)


async def open_link(client, link: str):  # type: ignore[no-untyped-def]
    """Open a mailed link and press its page's one button, as a person does."""
    page = await client.get(path_of(link))
    assert page.status_code == 200, await page_text(page)
    return await client.post(path_of(link), form={"csrf_token": csrf_token_in(await page_text(page))}, follow_redirects=True)


async def reset_with(client, path: str, password: str = NEW_PASSWORD):  # type: ignore[no-untyped-def]
    token = await AuthActions(client).csrf_token("/forgot")  # the session's token, from any form
    return await client.post(path, form={"csrf_token": token, "new_password": password, "confirm": password})


# --- verify -----------------------------------------------------------------------------


async def test_signing_up_mails_a_link_that_verifies_the_address(mail_app, mailbox, database):
    person = await signed_up(mail_app, mailbox)
    assert "Please verify your email address" in await page_text(await person.client.get("/"))
    message = mailbox.to("person@example.com", SUBJECTS[L.VERIFY_EMAIL])[0]
    link = link_in(message)
    assert link.startswith("http://localhost/verify/") and link in message.get_body(("html",)).get_content()

    followed = await open_link(person.client, link)

    assert "Your email address is verified." in await page_text(followed)
    assert (await select_user_by_email(database, "person@example.com")).is_verified
    assert "Please verify your email address" not in await page_text(await person.client.get("/"))
    again = await mail_app.test_client().get(path_of(link))  # opened again, signed in or not
    assert again.status_code == 200 and "Your email address is verified." in await page_text(again)
    assert "<form" not in (await page_text(again)).split("<main", 1)[-1]


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("letter", [L.VERIFY_EMAIL, L.CONFIRM_NEW_EMAIL])
async def test_opening_a_link_changes_nothing_until_its_button_is_pressed(mail_app, mailbox, database, method, letter):
    person = await signed_up(mail_app, mailbox)
    await person.post("/account/email", new_email="new@example.com", current_password=PASSWORD)
    recipient = "new@example.com" if letter is L.CONFIRM_NEW_EMAIL else "person@example.com"
    link = link_in(await mailbox.wait_for(recipient, SUBJECTS[letter]))

    opened = await mail_app.test_client().open(path_of(link), method=method)

    assert opened.status_code == 200
    user = await select_user_by_email(database, "person@example.com")
    assert user is not None and not user.is_verified
    assert await select_user_by_email(database, "new@example.com") is None
    assert "Your email address" in await page_text(await open_link(mail_app.test_client(), link))


async def test_a_mail_is_from_the_site_by_name_with_its_link_as_a_button(mail_app, mailbox):
    await signed_up(mail_app, mailbox)
    message = mailbox.to("person@example.com", SUBJECTS[L.VERIFY_EMAIL])[0]
    link = link_in(message)

    html = html_of(message)

    assert message["From"].startswith("quartauth <")
    assert re.search(rf'<a href="{re.escape(link)}" style="[^"]*background[^"]*">Verify email address</a>', html)
    assert link in text_of(message)


async def test_resend_sends_at_most_one_mail_a_minute(mail_app, mailbox, clock):
    person = await signed_up(mail_app, mailbox)
    first = link_in(mailbox.to("person@example.com")[0])

    sent = await person.post("/verify/resend")
    await mailbox.wait_for("person@example.com", SUBJECTS[L.VERIFY_EMAIL], count=2)
    again = await person.post("/verify/resend")
    clock.advance(seconds=61)
    later = await person.post("/verify/resend")
    await mailbox.wait_for("person@example.com", SUBJECTS[L.VERIFY_EMAIL], count=3)

    assert sent.status_code == 302 and later.status_code == 302
    assert again.status_code == 429 and "Try again in 1 minute" in await page_text(again)
    assert (await person.client.get(path_of(first))).status_code == 410  # a newer link replaced it


async def test_a_verify_link_expires_after_48_hours(mail_app, mailbox, clock):
    person = await signed_up(mail_app, mailbox)
    clock.advance(hours=48, seconds=1)

    answer = await person.client.get(path_of(link_in(mailbox.to("person@example.com")[0])))

    assert answer.status_code == 410 and "expired or was already used" in await page_text(answer)


# --- forgot and reset -------------------------------------------------------------------------


async def test_forgot_answers_the_same_for_any_address_and_mails_only_an_account(mail_app, mailbox):
    await signed_up(mail_app, mailbox)
    client = mail_app.test_client()

    known = await forgot(client, "person@example.com")
    unknown = await forgot(client, "nobody@example.com")

    answer = "If that address has an account, we sent a link to reset its password."
    assert answer in await page_text(known) and answer in await page_text(unknown)
    assert "Check your inbox" in await page_text(known) and "The link works for an hour." in await page_text(known)
    await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])
    assert not mailbox.to("nobody@example.com")


@pytest.mark.slow
async def test_forgot_takes_the_same_time_for_an_account_and_for_nobody(mail_app, mailbox):
    await signed_up(mail_app, mailbox)
    client = mail_app.test_client()
    token = await AuthActions(client).csrf_token("/forgot")
    timings: dict[str, list[float]] = {"person@example.com": [], "nobody@example.com": []}
    for number in range(30):
        for email, times in timings.items():
            # From a new address each time, so that no limit answers instead of the page.
            started = time.perf_counter()
            response = await client.post(
                "/forgot", form={"csrf_token": token, "email": email},
                scope_base={"client": (f"198.51.100.{number}", 40000 + len(times))},
            )
            times.append(time.perf_counter() - started)
            assert response.status_code == 302
            await asyncio.sleep(0.2)  # the mail goes out before the next try is timed

    known, unknown = (statistics.median(times) for times in timings.values())
    assert abs(known - unknown) / min(known, unknown) < 0.25


async def test_a_reset_ends_every_session_and_signs_in_afresh(mail_app, mailbox, database):
    person = await signed_up(mail_app, mailbox)
    other = AuthActions(mail_app.test_client())
    await other.login()
    stranger = mail_app.test_client()
    await forgot(stranger, "person@example.com")
    link = link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD]))

    form = await stranger.get(path_of(link))
    reset = await reset_with(stranger, path_of(link))

    assert form.status_code == 200 and 'name="new_password"' in await page_text(form)
    assert reset.status_code == 302 and reset.headers["Location"] == "/"
    home = await stranger.get("/")
    assert "Your password was reset." in await page_text(home)
    user = await select_user_by_email(database, "person@example.com")
    assert len(await select_sessions_of_user(database, user.id)) == 1  # the new one only
    assert (await person.client.get("/")).status_code == 302 and (await other.client.get("/")).status_code == 302
    assert (await AuthActions(mail_app.test_client()).login(password=NEW_PASSWORD)).status_code == 302
    await mailbox.wait_for("person@example.com", SUBJECTS[L.PASSWORD_RESET])


async def test_a_reset_link_works_once(mail_app, mailbox):
    await signed_up(mail_app, mailbox)
    client = mail_app.test_client()
    await forgot(client, "person@example.com")
    path = path_of(link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])))
    await reset_with(client, path)

    again = await mail_app.test_client().get(path)
    text = await page_text(again)

    assert again.status_code == 410 and "<form" not in text.split("<main", 1)[-1].split("Log out")[0]
    assert "expired or was already used" in text and 'href="/forgot"' in text


async def test_a_reset_link_expires_after_an_hour(mail_app, mailbox, clock):
    await signed_up(mail_app, mailbox)
    client = mail_app.test_client()
    await forgot(client, "person@example.com")
    path = path_of(link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])))
    clock.advance(hours=1, seconds=1)

    assert (await client.get(path)).status_code == 410
    assert (await reset_with(client, path)).status_code == 410


async def test_changing_the_password_kills_the_reset_link(mail_app, mailbox):
    person = await signed_up(mail_app, mailbox)
    await forgot(mail_app.test_client(), "person@example.com")
    path = path_of(link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])))

    await person.post("/account/password", current_password=PASSWORD, new_password=NEW_PASSWORD, confirm=NEW_PASSWORD)

    assert (await mail_app.test_client().get(path)).status_code == 410
    await mailbox.wait_for("person@example.com", SUBJECTS[L.PASSWORD_CHANGED])


async def test_a_reset_asked_for_just_after_an_email_change_is_still_mailed(mail_app, mailbox):
    person = await signed_up(mail_app, mailbox)
    await person.post("/verify/resend")  # every kind of link asked for within the minute
    await person.post("/account/email", new_email="new@example.com", current_password=PASSWORD)

    await forgot(mail_app.test_client(), "person@example.com")

    await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])
    await mailbox.wait_for("new@example.com", SUBJECTS[L.CONFIRM_NEW_EMAIL])
    await mailbox.wait_for("person@example.com", SUBJECTS[L.VERIFY_EMAIL], count=2)


async def test_asking_for_a_new_reset_link_kills_the_older_one(mail_app, mailbox, clock):
    await signed_up(mail_app, mailbox)
    client = mail_app.test_client()
    await forgot(client, "person@example.com")
    first = path_of(link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])))
    clock.advance(seconds=61)
    await forgot(client, "person@example.com")
    second = path_of(link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD], count=2)))

    assert (await client.get(first)).status_code == 410 and (await client.get(second)).status_code == 200


@pytest.mark.parametrize("path", ["/reset/x", "/reset/" + "a" * 500, "/verify/%00", "/confirm-email/nonsense"])
async def test_an_unknown_link_is_a_clear_page(mail_app, path):
    answer = await mail_app.test_client().get(path)
    assert answer.status_code == 410 and "Ask for a new link" in await page_text(answer)


# --- change email ---------------------------------------------------------------------------


async def test_changing_the_email_takes_the_link_sent_to_the_new_address(mail_app, mailbox, database):
    person = await signed_up(mail_app, mailbox)

    asked = await person.post("/account/email", new_email="New@Example.com", current_password=PASSWORD)
    confirm = await mailbox.wait_for("new@example.com", SUBJECTS[L.CONFIRM_NEW_EMAIL])
    notice = await mailbox.wait_for("person@example.com", SUBJECTS[L.EMAIL_CHANGE_ASKED])
    unchanged = await select_user_by_email(database, "person@example.com")
    followed = await open_link(person.client, link_in(confirm))

    assert asked.status_code == 302 and unchanged is not None
    assert "reset your password" in text_of(notice)
    assert "Your email address was changed." in await page_text(followed)
    moved = await select_user_by_email(database, "new@example.com")
    assert moved.id == unchanged.id and moved.is_verified
    assert await select_user_by_email(database, "person@example.com") is None
    told = await mailbox.wait_for("person@example.com", SUBJECTS[L.EMAIL_CHANGED])
    assert "new@example.com" in text_of(told)


async def test_a_pending_email_change_is_shown_and_can_be_cancelled(mail_app, mailbox, database):
    person = await signed_up(mail_app, mailbox)
    await person.post("/account/email", new_email="new@example.com", current_password=PASSWORD)
    link = link_in(await mailbox.wait_for("new@example.com", SUBJECTS[L.CONFIRM_NEW_EMAIL]))

    shown = await page_text(await person.client.get("/account"))
    cancelled = await person.post("/account/email/cancel")

    assert "You asked to change your email address to <strong>new@example.com</strong>" in shown
    assert ">Cancel the change</button>" in shown
    assert cancelled.status_code == 302
    assert "new@example.com" not in await page_text(await person.client.get("/account"))
    assert (await mail_app.test_client().get(path_of(link))).status_code == 410
    assert await select_user_by_email(database, "person@example.com") is not None
    again = await person.post("/account/email/cancel")
    assert "No change of your email address was waiting" in await page_text(await person.client.get(again.headers["Location"]))


async def test_a_taken_address_gets_the_same_answer_and_its_owner_is_told(mail_app, mailbox, database):
    await signed_up(mail_app, mailbox, "taken@example.com")
    person = await signed_up(mail_app, mailbox)

    asked = await person.post("/account/email", new_email="taken@example.com", current_password=PASSWORD)
    page = await person.client.get("/account")

    assert asked.status_code == 302 and "We sent a link to taken@example.com" in await page_text(page)
    await mailbox.wait_for("taken@example.com", SUBJECTS[L.EMAIL_TAKEN])
    assert not mailbox.to("taken@example.com", SUBJECTS[L.CONFIRM_NEW_EMAIL])
    assert (await select_user_by_email(database, "person@example.com")) is not None


async def test_a_wrong_password_changes_no_email(mail_app, mailbox):
    person = await signed_up(mail_app, mailbox)

    answer = await person.post("/account/email", new_email="new@example.com", current_password="not my password")

    assert answer.status_code == 200 and "That is not your current password." in await page_text(answer)
    assert not mailbox.to("new@example.com")


async def test_an_email_change_asked_before_a_reset_cannot_take_the_account_back(mail_app, mailbox, database):
    attacker = await signed_up(mail_app, mailbox)  # knows the password, for now
    await attacker.post("/account/email", new_email="attacker@example.net", current_password=PASSWORD)
    stolen = path_of(link_in(await mailbox.wait_for("attacker@example.net", SUBJECTS[L.CONFIRM_NEW_EMAIL])))
    owner = mail_app.test_client()
    await forgot(owner, "person@example.com")
    await reset_with(owner, path_of(link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD]))))

    shown = await attacker.client.get(stolen)
    pressed = await attacker.client.post(stolen, form={"csrf_token": await attacker.csrf_token("/forgot")})

    assert shown.status_code == 410 and pressed.status_code == 410
    assert await select_user_by_email(database, "person@example.com") is not None


async def test_a_reset_link_mailed_to_the_old_address_dies_with_the_email_change(mail_app, mailbox):
    person = await signed_up(mail_app, mailbox)
    await forgot(mail_app.test_client(), "person@example.com")
    old_reset = path_of(link_in(await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])))
    await person.post("/account/email", new_email="new@example.com", current_password=PASSWORD)
    await open_link(person.client, link_in(await mailbox.wait_for("new@example.com", SUBJECTS[L.CONFIRM_NEW_EMAIL])))

    assert (await mail_app.test_client().get(old_reset)).status_code == 410


# --- notices --------------------------------------------------------------------------------


async def test_a_sign_in_from_a_new_browser_is_told_and_a_known_one_is_not(mail_app, mailbox):
    person = await signed_up(mail_app, mailbox)  # this browser has a device cookie now
    await person.logout()
    await person.login()
    stranger = AuthActions(mail_app.test_client())
    await stranger.client.get("/login", headers={"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0.0.0 Safari/537.36"})
    await stranger.login()

    notice = await mailbox.wait_for("person@example.com", SUBJECTS[L.NEW_BROWSER_LOGIN])
    assert "New sign-in from" in text_of(notice) and "reset your password" in text_of(notice)
    assert "If this was you, there is nothing to do." in text_of(notice)
    assert re.search(r"\d\d [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", text_of(notice))
    assert len(mailbox.to("person@example.com", SUBJECTS[L.NEW_BROWSER_LOGIN])) == 1


async def test_deleting_the_account_is_told(mail_app, mailbox):
    person = await signed_up(mail_app, mailbox)

    await person.client.post("/account/delete", form={"csrf_token": await person.csrf_token("/account/delete"), "password": PASSWORD})

    await mailbox.wait_for("person@example.com", SUBJECTS[L.ACCOUNT_DELETED])


async def test_a_notice_turned_off_is_not_sent(migrated_database_url, mailbox):
    from quartauth import create_app

    from ..helpers import app_settings

    app = create_app(app_settings(migrated_database_url, SMTP_URL=mailbox.url, NOTIFY_PASSWORD_CHANGED="false"))
    async with app.test_app():
        person = await signed_up(app, mailbox)
        await person.post("/account/password", current_password=PASSWORD, new_password=NEW_PASSWORD, confirm=NEW_PASSWORD)
        await person.post("/account/email", new_email="new@example.com", current_password=NEW_PASSWORD)
        await mailbox.wait_for("new@example.com", SUBJECTS[L.CONFIRM_NEW_EMAIL])

    assert not mailbox.to("person@example.com", SUBJECTS[L.PASSWORD_CHANGED])


# --- links and the outside world ------------------------------------------------------------


async def test_a_forged_host_header_does_not_change_a_link(migrated_database_url, mailbox):
    from quartauth import create_app

    from ..helpers import app_settings

    app = create_app(app_settings(migrated_database_url, SMTP_URL=mailbox.url))  # no PUBLIC_URL: any Host answered
    async with app.test_app():
        client = app.test_client()
        await AuthActions(client).register()
        await mailbox.wait_for("person@example.com")
        token = await AuthActions(client).csrf_token("/forgot")
        await client.post("/forgot", form={"csrf_token": token, "email": "person@example.com"}, headers={"Host": "evil.example.net"})
        message = await mailbox.wait_for("person@example.com", SUBJECTS[L.RESET_PASSWORD])

    assert link_in(message).startswith("http://127.0.0.1:5000/reset/") and "evil" not in text_of(message)


async def test_require_verified_email_keeps_unverified_people_out_until_they_verify(migrated_database_url, mailbox):
    from quartauth import create_app

    from ..helpers import app_settings

    app = create_app(app_settings(migrated_database_url, SMTP_URL=mailbox.url, REQUIRE_VERIFIED_EMAIL="true"))
    async with app.test_app():
        person = await signed_up(app, mailbox)
        kept_out = await person.client.get("/account")
        link = link_in(mailbox.to("person@example.com")[0])
        await open_link(person.client, link)
        let_in = await person.client.get("/account")

    assert kept_out.status_code == 403 and "verify your email address" in await page_text(kept_out)
    assert let_in.status_code == 200
