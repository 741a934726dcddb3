from __future__ import annotations

import pytest

from quartauth.services.emails import InvalidEmail, normalize_email


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("person@example.com", "person@example.com"),
        ("  Person@Example.COM ", "person@example.com"),
        ("jürgen@münchen.example", "jürgen@münchen.example"),
    ],
)
def test_addresses_are_stored_in_one_form(raw, stored):
    assert normalize_email(raw) == stored


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Email is required."),
        ("plainaddress", "must have an @-sign"),
        ("a@b@example.com", "@-sign"),
        ("person@example.com\x00", "contains"),
        ("x" * 300 + "@example.com", "at most 254 characters"),
        ("person@localhost", "It should have a period"),
    ],
)
def test_bad_addresses_are_refused_with_a_reason(raw, message):
    with pytest.raises(InvalidEmail, match=message):
        normalize_email(raw)
