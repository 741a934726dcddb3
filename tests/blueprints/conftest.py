"""Fixtures of the page tests: someone with two-step sign-in on, and someone where passkeys
work (the app of the root conftest.py)."""
from __future__ import annotations

import pytest
from quart import Quart

from ..helpers import Clock
from ..passkey_people import PasskeyPerson
from ..two_step_people import TwoStepPerson, two_step_person


@pytest.fixture
async def two_step_on(clocked_app: Quart, clock: Clock) -> TwoStepPerson:
    """Signed up and signed in, with two-step sign-in on."""
    return await two_step_person(clocked_app, clock)


@pytest.fixture
async def passkey_person(passkey_app: Quart, clock: Clock) -> PasskeyPerson:
    """Signed up and signed in, with no passkey yet."""
    person = PasskeyPerson(passkey_app.test_client(), clock=clock)
    assert (await person.register()).status_code == 302
    return person
