"""Mail people get: composed from templates (plain text and HTML, the same content), with
links built from ``PUBLIC_URL``, never from a request's Host header, and queued in the
outbox in the same transaction as the change that caused it (see ``delivery``)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from jinja2 import Environment, PackageLoader, select_autoescape

from ..brand import DEFAULT_SITE_NAME
from ..db import Connection, Database
from ..repository.outbox import Message, insert_outbox_message



class Letter(StrEnum):
    """Each kind of mail, named as its templates are: ``mail/<name>.txt`` and ``.html``."""

    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    CONFIRM_NEW_EMAIL = "confirm_new_email"
    EMAIL_CHANGE_ASKED = "email_change_asked"
    EMAIL_TAKEN = "email_taken"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET = "password_reset"
    EMAIL_CHANGED = "email_changed"
    ACCOUNT_DELETED = "account_deleted"
    NEW_BROWSER_LOGIN = "new_browser_login"
    FINISH_SIGN_UP = "finish_sign_up"
    SIGN_UP_TAKEN = "sign_up_taken"
    TWO_STEP_ON = "two_step_on"
    TWO_STEP_OFF = "two_step_off"
    TWO_STEP_RESET = "two_step_reset"
    RECOVERY_CODE_USED = "recovery_code_used"
    NEW_RECOVERY_CODES = "new_recovery_codes"
    PASSKEY_ADDED = "passkey_added"
    PASSKEY_REMOVED = "passkey_removed"
    PASSKEYS_REMOVED = "passkeys_removed"
    PASSKEY_COPIED = "passkey_copied"


SUBJECTS = {
    Letter.VERIFY_EMAIL: "Verify your email address",
    Letter.RESET_PASSWORD: "Reset your password",
    Letter.CONFIRM_NEW_EMAIL: "Verify your new email address",
    Letter.EMAIL_CHANGE_ASKED: "A change of your account's email address was asked for",
    Letter.EMAIL_TAKEN: "Someone tried to use your email address",
    Letter.PASSWORD_CHANGED: "Your password was changed",
    Letter.PASSWORD_RESET: "Your password was reset",
    Letter.EMAIL_CHANGED: "Your account's email address was changed",
    Letter.ACCOUNT_DELETED: "Your account was deleted",
    Letter.NEW_BROWSER_LOGIN: "New sign-in to your account",
    Letter.FINISH_SIGN_UP: "Finish signing up",
    Letter.SIGN_UP_TAKEN: "Someone tried to sign up with your email address",
    Letter.TWO_STEP_ON: "Two-step sign-in is on",
    Letter.TWO_STEP_OFF: "Two-step sign-in is off",
    Letter.TWO_STEP_RESET: "Your two-step sign-in was reset",
    Letter.RECOVERY_CODE_USED: "A recovery code was used",
    Letter.NEW_RECOVERY_CODES: "You have new recovery codes",
    Letter.PASSKEY_ADDED: "A passkey was added to your account",
    Letter.PASSKEY_REMOVED: "A passkey was removed from your account",
    Letter.PASSKEYS_REMOVED: "Your passkeys were removed",
    Letter.PASSKEY_COPIED: "One of your passkeys may have been copied",
}
# Security notices, each with the setting that turns it off. The other letters are part of a
# flow, or tell of a change to two-step sign-in or passkeys, which nobody should miss.
NOTICE_SETTINGS = {
    Letter.PASSWORD_CHANGED: "NOTIFY_PASSWORD_CHANGED",
    Letter.PASSWORD_RESET: "NOTIFY_PASSWORD_RESET",
    Letter.EMAIL_CHANGED: "NOTIFY_EMAIL_CHANGED",
    Letter.ACCOUNT_DELETED: "NOTIFY_ACCOUNT_DELETED",
    Letter.NEW_BROWSER_LOGIN: "NOTIFY_NEW_SIGN_IN",
}
NOTICES = frozenset(NOTICE_SETTINGS)


def notices_on(config: Mapping[str, object]) -> frozenset[Letter]:
    """The security notices ``config`` leaves on."""
    return frozenset(letter for letter, setting in NOTICE_SETTINGS.items() if config[setting])


@dataclass
class Mailer:
    """Composes and queues mail. ``public_url``: the site's address, as people reach it;
    ``notices``: the security notices that are on; ``queued``: told when mail waits."""

    public_url: str
    notices: frozenset[Letter] = NOTICES
    site_name: str = DEFAULT_SITE_NAME
    queued: Callable[[], None] = lambda: None
    _templates: Environment = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.public_url = self.public_url.rstrip("/")
        self._templates = Environment(
            loader=PackageLoader("quartauth", "templates/mail"),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            keep_trailing_newline=True,
        )

    def link(self, path: str) -> str:
        return self.public_url + path

    def compose(self, letter: Letter, recipient: str, **context: object) -> Message:
        context = {"site_name": self.site_name, "site_url": self.public_url, "recipient": recipient, **context}
        return Message(
            recipient=recipient,
            subject=SUBJECTS[letter],
            text_body=self._templates.get_template(f"{letter}.txt").render(context),
            html_body=self._templates.get_template(f"{letter}.html").render(context),
        )

    async def send(
        self, db: Connection | Database, letter: Letter, recipient: str, now: datetime, **context: object
    ) -> bool:
        """Queue ``letter`` to ``recipient`` in ``db``'s transaction; False when it is a
        notice that is turned off."""
        if letter in NOTICES and letter not in self.notices:
            return False
        await insert_outbox_message(db, self.compose(letter, recipient, **context), now)
        self.queued()
        return True
