"""Fixtures of the page tests: someone with two-step sign-in on."""
from __future__ import annotations

import pytest
from quart import Quart

from ..helpers import Clock
from ..two_step_people import TwoStepPerson, two_step_person


@pytest.fixture
async def two_step_on(clocked_app: Quart, clock: Clock) -> TwoStepPerson:
    """Signed up and signed in, with two-step sign-in on."""
    return await two_step_person(clocked_app, clock)
