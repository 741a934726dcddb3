"""The account page: the signed-in person's own details."""
from __future__ import annotations

from ..helpers import page_text


async def test_account_requires_login_and_comes_back_after_it(auth, client):
    await auth.register("person@example.com")
    await auth.logout()

    response = await client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"

    after_login = await auth.login(next="/account")
    assert after_login.headers["Location"] == "/account"


async def test_account_shows_the_email_and_this_sign_in(auth, client):
    await auth.register("person@example.com")

    response = await client.get("/account")

    html = await page_text(response)
    assert response.status_code == 200
    assert "Your account" in html and "person@example.com" in html
    assert "Member since" in html and "Signed in on this browser since" in html
