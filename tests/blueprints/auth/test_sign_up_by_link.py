"""SIGN_UP_REVEALS_ACCOUNTS=false: every sign-up is answered alike, the account starts when
the link mailed to the address is opened, and a taken address's owner is told instead."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from quart import Quart

from quartauth import create_app
from quartauth.repository.users import count_users, select_user_by_email
from quartauth.services import mail

from ...conftest import AuthActions
from ...helpers import app_settings, csrf_token_in, page_text
from ...mailbox import link_in, path_of, text_of

L = mail.Letter
SUBJECTS = mail.SUBJECTS


@pytest.fixture
async def quiet_app(migrated_database_url, mailbox, clock) -> AsyncIterator[Quart]:  # type: ignore[no-untyped-def]
    settings = app_settings(
        migrated_database_url, CLOCK=clock, SMTP_URL=mailbox.url, PUBLIC_URL="http://localhost", SIGN_UP_REVEALS_ACCOUNTS="false"
    )
    app = create_app(settings)
    async with app.test_app():
        yield app


async def open_link(client, link: str):  # type: ignore[no-untyped-def]
    page = await client.get(path_of(link))
    assert page.status_code == 200, await page_text(page)
    return await client.post(path_of(link), form={"csrf_token": csrf_token_in(await page_text(page))})


async def test_a_free_address_gets_a_link_that_starts_the_account(quiet_app, mailbox, database):
    person = AuthActions(quiet_app.test_client())

    answer = await person.register("new@example.com")

    assert answer.status_code == 200 and "We sent a link to new@example.com" in await page_text(answer)
    assert await select_user_by_email(database, "new@example.com") is None  # not before the link
    link = link_in(await mailbox.wait_for("new@example.com", SUBJECTS[L.FINISH_SIGN_UP]))
    started = await open_link(person.client, link)
    assert started.status_code == 302 and started.headers["Location"] == "/"
    home = await page_text(await person.client.get("/"))
    assert "You registered and are now logged in. Welcome!" in home and "Welcome new@example.com!" in home
    user = await select_user_by_email(database, "new@example.com")
    assert user is not None and user.is_verified
    assert (await person.client.get(path_of(link))).status_code == 410  # once only
    assert (await AuthActions(quiet_app.test_client()).login("new@example.com")).status_code == 302


async def test_a_taken_address_gets_the_same_answer_and_its_owner_a_mail(quiet_app, mailbox, database, clock):
    owner = AuthActions(quiet_app.test_client())
    await owner.register("owner@example.com")
    await open_link(owner.client, link_in(await mailbox.wait_for("owner@example.com", SUBJECTS[L.FINISH_SIGN_UP])))
    clock.advance(minutes=2)  # past the one mail a minute an address gets about signing up
    stranger = AuthActions(quiet_app.test_client())

    taken = await stranger.register("owner@example.com", "another long secret phrase")
    free = await stranger.register("free@example.com", "another long secret phrase")

    assert taken.status_code == free.status_code == 200
    assert (await page_text(taken)).replace("owner@", "X@") == (await page_text(free)).replace("free@", "X@")
    told = await mailbox.wait_for("owner@example.com", SUBJECTS[L.SIGN_UP_TAKEN])
    assert "already has an account" in text_of(told) and "/forgot" in text_of(told)
    assert not mailbox.to("owner@example.com", SUBJECTS[L.FINISH_SIGN_UP])[1:]
    assert await count_users(database) == 1
    assert "Email already registered" not in await page_text(taken)


async def test_the_default_still_says_an_address_is_registered(auth):
    await auth.register()
    await auth.logout()

    answer = await auth.register()

    assert answer.status_code == 200 and "Email already registered" in await page_text(answer)


async def test_a_link_opened_after_the_address_signed_up_another_way_starts_nothing(quiet_app, mailbox, database):
    first, second = AuthActions(quiet_app.test_client()), AuthActions(quiet_app.test_client())
    await first.register("new@example.com")
    link = link_in(await mailbox.wait_for("new@example.com", SUBJECTS[L.FINISH_SIGN_UP]))
    await second.register("new@example.com", "another long secret phrase")
    mailbox.messages.clear()
    # the second sign-up comes within the minute: the first link answers for both
    await open_link(second.client, link)

    assert await count_users(database) == 1
    assert (await second.client.get(path_of(link))).status_code == 410


async def test_a_made_up_link_is_a_clear_page(quiet_app):
    answer = await quiet_app.test_client().get("/register/not-a-token")

    assert answer.status_code == 410 and "finish signing up has expired" in await page_text(answer)
