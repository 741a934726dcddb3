"""Email addresses as accounts know them: checked for syntax and stored in one form."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254
UNREADABLE = "\ufffd"


class InvalidEmail(ValueError):
    """The address cannot be an account's email; the message says why, for the person."""


def normalize_email(raw: str) -> str:
    """The stored form of ``raw``: syntax checked, Unicode normalized, lower case.

    Lower case makes the unique index case-insensitive in every dialect alike; mail
    servers that treat the local part case-sensitively are vanishingly rare.
    """
    candidate = raw.strip()
    if not candidate:
        raise InvalidEmail("Email is required.")
    if UNREADABLE in candidate:
        # What a browser sent was not valid UTF-8; the decoder left a replacement mark.
        raise InvalidEmail("The email address contains characters that could not be read.")
    if len(candidate) > MAX_LENGTH:
        raise InvalidEmail(f"Email must be at most {MAX_LENGTH} characters.")
    try:
        checked = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    return checked.normalized.lower()
