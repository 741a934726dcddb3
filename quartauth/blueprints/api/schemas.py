"""What the JSON API takes and gives, as pydantic models: they check the bodies that come in,
shape the answers that go out, and are the schemas of the OpenAPI document."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ...services.emails import MAX_LENGTH as EMAIL_MAX_LENGTH
from ...services.password_policy import MAX_LENGTH as PASSWORD_MAX_LENGTH
from ...services.password_policy import MIN_LENGTH as PASSWORD_MIN_LENGTH
from ...services.two_step import LONGEST_CODE

# A password is checked once normalized; what is sent may be a little longer than that.
PASSWORD_FIELD_LENGTH = PASSWORD_MAX_LENGTH * 4


class Body(BaseModel):
    """A request's body: exactly these fields, of exactly these types ("yes" is no boolean)."""

    model_config = ConfigDict(extra="forbid", strict=True)


# --- what comes in ---------------------------------------------------------------------------


class LoginBody(Body):
    email: str = Field(max_length=EMAIL_MAX_LENGTH, examples=["person@example.com"])
    password: str = Field(max_length=PASSWORD_FIELD_LENGTH, examples=["correct horse battery"])
    remember: bool = Field(False, description="A browser client's longer session, as the login page's Remember me.")


class SecondStepBody(Body):
    code: str = Field(max_length=LONGEST_CODE, description="A code from the authenticator app, or a recovery code.", examples=["123456"])
    pending: str | None = Field(
        None, max_length=100,
        description="An app's pending sign-in, as the login answered it; a browser's is in its cookie.",
    )


class ConfirmBody(Body):
    password: str = Field(max_length=PASSWORD_FIELD_LENGTH, examples=["correct horse battery"])
    code: str | None = Field(None, max_length=LONGEST_CODE, description="With two-step sign-in on: a code.")


# --- what goes out ---------------------------------------------------------------------------


class UserOut(BaseModel):
    id: int = Field(examples=[1])
    email: str = Field(examples=["person@example.com"])
    is_admin: bool
    email_verified: bool
    two_step: bool = Field(description="Whether two-step sign-in is on.")


class SessionOut(BaseModel):
    id: int = Field(examples=[7])
    kind: Literal["browser", "app"]
    browser: str | None = Field(examples=["Firefox on Linux"])
    client_address: str | None = Field(examples=["203.0.113.7"])
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime = Field(description="The latest it ends; it ends sooner when left idle.")
    current: bool = Field(description="Whether it is the session of this request.")


class WhoAmI(BaseModel):
    user: UserOut
    session: SessionOut
    csrf_token: str | None = Field(
        description="For a browser client: the X-CSRF-Token header of its unsafe requests. None for an app."
    )


class LoggedIn(WhoAmI):
    token: str | None = Field(
        description="An app's bearer token, given this once (only its SHA-256 is stored). None for a browser client, "
        "whose session is in the cookie set with this answer."
    )


class SecondStepDue(BaseModel):
    second_step: Literal["code"] = "code"
    pending: str | None = Field(
        description="An app's pending sign-in, to send with its code within 5 minutes; None for a browser client, "
        "whose pending sign-in is in its cookie."
    )
    message: str = Field(examples=["Enter the 6-digit code from your authenticator app, or one of your recovery codes."])


class Sessions(BaseModel):
    sessions: list[SessionOut]


class Ended(BaseModel):
    ended: int = Field(description="How many sessions ended.", examples=[1])


class ErrorDetail(BaseModel):
    code: str = Field(examples=["invalid"])
    message: str = Field(examples=["Invalid email and/or password."])
    fields: dict[str, list[str]] = Field(default_factory=dict, examples=[{"email": ["Email is required."]}])


class ErrorBody(BaseModel):
    error: ErrorDetail


class ChangePasswordBody(Body):
    current_password: str = Field(max_length=PASSWORD_FIELD_LENGTH, examples=["correct horse battery"])
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_FIELD_LENGTH, examples=["a brand new secret"])
    code: str | None = Field(None, max_length=LONGEST_CODE, description="With two-step sign-in on: a code.")


class ChangeEmailBody(Body):
    new_email: str = Field(max_length=EMAIL_MAX_LENGTH, examples=["new@example.com"])
    current_password: str = Field(max_length=PASSWORD_FIELD_LENGTH, examples=["correct horse battery"])
    code: str | None = Field(None, max_length=LONGEST_CODE, description="With two-step sign-in on: a code.")


class DeleteAccountBody(Body):
    password: str = Field(max_length=PASSWORD_FIELD_LENGTH, examples=["correct horse battery"])
    code: str | None = Field(None, max_length=LONGEST_CODE, description="With two-step sign-in on: a code.")


class Done(BaseModel):
    message: str = Field(examples=["Your password was changed."])


class PasswordChanged(Done):
    token: str | None = Field(
        description="An app's new bearer token: the old one stops working (its other sessions end). None for a browser "
        "client, whose new session token is in the cookie set with this answer."
    )


class SignUpBody(Body):
    email: str = Field(max_length=EMAIL_MAX_LENGTH, examples=["new.person@example.com"])
    password: str = Field(
        min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_FIELD_LENGTH, examples=["a brand new secret"],
        description="Under the sign-up rules: 8 to 128 characters, not easy to guess, not made from the email.",
    )


class EmailBody(Body):
    email: str = Field(max_length=EMAIL_MAX_LENGTH, examples=["person@example.com"])


class TokenBody(Body):
    token: str = Field(max_length=100, description="The token of the mailed link: the last part of its address.")


class ResetBody(Body):
    token: str = Field(max_length=100, description="The token of the mailed link: the last part of its address.")
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_FIELD_LENGTH, examples=["a brand new secret"])


class UserSearch(BaseModel):
    search: str | None = Field(None, max_length=EMAIL_MAX_LENGTH, description="The start of the email addresses to find.")
    start: str | None = Field(None, max_length=EMAIL_MAX_LENGTH + 40, description="An earlier page's next_start.")


class UserSummaryOut(BaseModel):
    id: int = Field(examples=[1])
    email: str = Field(examples=["person@example.com"])
    is_admin: bool
    disabled: bool
    email_verified: bool
    two_step: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    live_sessions: int


class UserPage(BaseModel):
    users: list[UserSummaryOut]
    next_start: str | None = Field(description="Where the next page starts (send it as start); None: this is the last.")


class AdminDone(BaseModel):
    message: str = Field(examples=["person@example.com was logged out everywhere."])
    user: UserSummaryOut


class PasskeyOptions(BaseModel):
    options: dict[str, Any] = Field(description="For navigator.credentials.get: the challenge, the relying party, no account named.")
    binding: str | None = Field(
        description="An app's: send it back with the answer (a browser client's challenge is bound to its cookie)."
    )


class PasskeyLoginBody(Body):
    answer: str = Field(max_length=16 * 1024, description="navigator.credentials.get's answer, as JSON.")
    binding: str | None = Field(None, max_length=100, description="An app's, from the options.")
    remember: bool = False


class PendingBody(Body):
    pending: str | None = Field(None, max_length=100, description="An app's pending sign-in, as the login answered it.")


class PasskeyStepBody(Body):
    answer: str = Field(max_length=16 * 1024, description="navigator.credentials.get's answer, as JSON.")
    binding: str | None = Field(None, max_length=100, description="An app's, from the options.")
    pending: str | None = Field(None, max_length=100, description="An app's pending sign-in, as the login answered it.")


class NewPasskeyBody(Body):
    answer: str = Field(max_length=16 * 1024, description="navigator.credentials.create's answer, as JSON.")
    binding: str | None = Field(None, max_length=100, description="An app's, from the options.")
    name: str = Field("", max_length=60, description="Its name in the list; empty: the browser's name.")


class PasskeyOut(BaseModel):
    id: str = Field(description="The credential id, base64url.")
    name: str = Field(examples=["Chrome on Linux"])
    created_at: datetime
    last_used_at: datetime | None


class PasskeyList(BaseModel):
    passkeys: list[PasskeyOut]
