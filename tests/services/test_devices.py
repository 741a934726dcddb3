"""Device cookies: valid by their signature alone, vouching only for their own account, and
saying nothing a reader could use."""
from __future__ import annotations

import pytest

from quartauth.services.devices import DeviceCookies

KEY = "a test key, long enough to be a key for the device cookies"


def test_a_cookie_is_valid_and_vouches_only_for_the_account_it_was_issued_for():
    cookies = DeviceCookies(KEY)

    cookie = cookies.read(cookies.issue(7))

    assert cookie is not None
    assert cookies.vouches_for(cookie, 7) and not cookies.vouches_for(cookie, 8)


def test_two_cookies_for_one_account_name_two_browsers_and_neither_names_the_account_in_clear():
    cookies = DeviceCookies(KEY)
    first, second = cookies.issue(7), cookies.issue(7)

    first_cookie, second_cookie = cookies.read(first), cookies.read(second)

    assert first_cookie and second_cookie and first_cookie.browser != second_cookie.browser
    assert first_cookie.account_tag == second_cookie.account_tag != "7"


@pytest.mark.parametrize(
    "value",
    [None, "", "made-up", "x" * 22 + "." + "0" * 16 + "." + "f" * 32, "a.b.c", "ü" * 30],
)
def test_a_made_up_or_malformed_cookie_is_not_valid(value):
    assert DeviceCookies(KEY).read(value) is None


def test_a_cookie_changed_by_hand_or_signed_with_another_key_is_not_valid():
    cookies = DeviceCookies(KEY)
    nonce, tag, signature = cookies.issue(7).split(".")
    other_tag = cookies.issue(8).split(".")[1]

    assert cookies.read(f"{nonce}.{other_tag}.{signature}") is None  # moved to another account
    assert cookies.read(DeviceCookies("another key, as long as the first one is").issue(7)) is None
