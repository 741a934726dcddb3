"""What the service tests share: a hasher at the cheapest cost."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from quartauth.services.passwords import PasswordHasher


@pytest.fixture
def hasher() -> Iterator[PasswordHasher]:
    hasher = PasswordHasher(rounds=4, threads=1)
    yield hasher
    hasher.close()
