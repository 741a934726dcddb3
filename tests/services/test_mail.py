"""Mail: every letter in text and HTML, links from PUBLIC_URL, security notices that can be
turned off, each by its own setting."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quartauth.config import load_config
from quartauth.repository.outbox import count_unsent_outbox_messages
from quartauth.services.mail import NOTICE_SETTINGS, NOTICES, SUBJECTS, Letter, Mailer, notices_on

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("letter", list(Letter))
def test_every_letter_has_a_subject_and_both_bodies_naming_the_site(letter):
    message = Mailer("https://auth.example.com/").compose(
        letter, "person@example.com", link="https://auth.example.com/verify/token", browser="Firefox on Linux",
        client_address="198.51.100.7", when="30 Nov 2026, 05:20 UTC", new_email="new@example.com", old_email="old@example.com",
    )

    assert message.subject == SUBJECTS[letter]
    assert message.text_body.strip() and "<html" in message.html_body.lower()
    assert "quartauth" in message.text_body


def test_links_are_built_from_the_public_url_never_a_request():
    assert Mailer("https://auth.example.com/").link("/reset/abc") == "https://auth.example.com/reset/abc"


def test_each_notice_has_its_setting_and_every_setting_is_read():
    config = load_config({"QUARTAUTH_ENV": "testing", "NOTIFY_NEW_SIGN_IN": "false"})

    assert set(NOTICE_SETTINGS) == NOTICES
    assert notices_on(config) == NOTICES - {Letter.NEW_BROWSER_LOGIN}


async def test_a_notice_turned_off_is_not_queued_and_a_letter_of_a_flow_always_is(database):
    mailer = Mailer("https://auth.example.com", notices=frozenset())

    notice = await mailer.send(database, Letter.PASSWORD_CHANGED, "person@example.com", now=NOW)
    link = await mailer.send(database, Letter.RESET_PASSWORD, "person@example.com", now=NOW, link="https://x/reset/t")

    assert (notice, link) == (False, True)
    assert await count_unsent_outbox_messages(database) == 1


def test_the_site_name_setting_signs_the_mail():
    message = Mailer("https://auth.example.com/", site_name="Example Auth").compose(Letter.PASSWORD_CHANGED, "person@example.com")

    assert "Example Auth" in message.text_body and "Example Auth" in message.html_body
