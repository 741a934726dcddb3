"""The password policy: lengths as the hash counts them, nothing easy to guess or made from
the email, the same rule wherever a password is chosen."""
from __future__ import annotations

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from quartauth.services import password_policy
from quartauth.services.password_policy import guessing_problem, new_password_problem, shape_problem


def problem_of(password: str, *, email: str) -> str | None:
    return asyncio.run(new_password_problem(password, email=email, breaches=None))


@pytest.mark.parametrize(
    ("password", "acceptable"),
    [
        ("1234567", False), ("12345678", True), ("x" * 128, True), ("x" * 129, False), ("🔑" * 8, True),
        ("e\u0301" * 4, False),  # four characters once normalized, however many code points typed
        ("\ufb01" * 4, True),  # each ligature "fi" is two letters as the hash sees them
    ],
)
def test_password_length_is_counted_in_characters_after_normalization(password, acceptable):
    assert (shape_problem(password) is None) is acceptable


def test_a_password_entered_again_is_refused_only_when_too_long_for_any_account():
    assert shape_problem("short", chosen=False) is None
    assert shape_problem("e\u0301" * 128, chosen=False) is None  # 256 code points, 128 characters
    assert shape_problem("x" * 129, chosen=False) == password_policy.LENGTH_MESSAGE


def test_a_password_that_was_not_readable_utf8_is_refused():
    assert shape_problem("correct horse \ufffd battery") == password_policy.UNREADABLE_MESSAGE


@pytest.mark.parametrize("password", ["password", "12345678", " " * 8, "qwertyuiop", "aaaaaaaaaaaaaaaa", "iloveyou1"])
def test_common_and_easily_guessed_passwords_are_refused_saying_why(password):
    problem = problem_of(password, email="person@example.com")

    assert problem is not None and problem.startswith("This password is too easy to guess")
    assert problem.endswith(".") and problem.count(". ") == 0  # one sentence


@pytest.mark.parametrize("password", ["alice2024!", "Alice@Example.com", "alicealice", "ALICE12345"])
def test_passwords_built_from_the_email_are_refused(password):
    assert problem_of(password, email="alice@example.com") == password_policy.FROM_EMAIL_MESSAGE


@pytest.mark.parametrize("password", ["correct horse battery", "alice in a teapot by the sea", "Tr0ub4dor&3 staple"])
def test_good_passwords_pass(password):
    assert problem_of(password, email="alice@example.com") is None


def test_the_site_name_counts_as_easy_to_guess():
    assert problem_of("quartauth2026", email="person@example.com") is not None


def test_the_estimate_reads_a_long_password_by_its_start():
    assert problem_of("a" * 128, email="person@example.com") is not None
    assert problem_of("correct horse battery " * 5, email="person@example.com") is None


class Breaches:
    """A breached-password check that knows one password."""

    def __init__(self, breached: str) -> None:
        self.breached, self.asked = breached, []

    async def problem(self, password: str) -> str | None:
        self.asked.append(password)
        return "This password has appeared in a data breach." if password == self.breached else None


async def test_a_breached_password_is_refused_and_only_a_good_one_is_looked_up():
    breaches = Breaches("correct horse battery")

    refused = await new_password_problem("correct horse battery", email="alice@example.com", breaches=breaches)  # type: ignore[arg-type]
    weak = await new_password_problem("password", email="alice@example.com", breaches=breaches)  # type: ignore[arg-type]

    assert refused == "This password has appeared in a data breach."
    assert weak is not None and breaches.asked == ["correct horse battery"]  # the weak one never left the server


def test_checks_running_at_once_each_judge_by_their_own_email():
    # Checks run in a thread pool. One leaning on its own email is refused; the same password
    # for another email is not. Switching threads as often as possible, neither may see the
    # other's email.
    built_on_email, other = ("zorbulonquixotic", "zorbulon@example.com"), ("zorbulonquixotic", "bob@example.com")
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(8) as pool:
            judged = [(case, pool.submit(guessing_problem, case[0], email=case[1])) for case in [built_on_email, other] * 50]
            verdicts = [(case, future.result()) for case, future in judged]
    finally:
        sys.setswitchinterval(interval)

    assert {problem for case, problem in verdicts if case == built_on_email} == {password_policy.GUESSABLE_MESSAGE}
    assert {problem for case, problem in verdicts if case == other} == {None}
