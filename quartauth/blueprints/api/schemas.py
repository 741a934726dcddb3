"""What the JSON API takes and gives, as msgspec structs: they check the bodies that come in,
shape the answers that go out, and are the schemas of the OpenAPI document.

msgspec, not pydantic: the same checks and schemas for a fifth of the memory every worker
keeps (a megabyte and a half against eight)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct, field

from ...services.emails import MAX_LENGTH as EMAIL_MAX_LENGTH
from ...services.password_policy import MAX_LENGTH as PASSWORD_MAX_LENGTH
from ...services.password_policy import MIN_LENGTH as PASSWORD_MIN_LENGTH
from ...services.two_step import LONGEST_CODE

# A password is checked once normalized; what is sent may be a little longer than that.
PASSWORD_FIELD_LENGTH = PASSWORD_MAX_LENGTH * 4
TOKEN_LENGTH = 100  # the longest token, binding or pending sign-in this API hands out
ANSWER_LENGTH = 16 * 1024  # a passkey's answer, as JSON

Email = Annotated[str, Meta(max_length=EMAIL_MAX_LENGTH, examples=["person@example.com"])]
Password = Annotated[str, Meta(max_length=PASSWORD_FIELD_LENGTH, examples=["correct horse battery"])]
NewPassword = Annotated[
    str, Meta(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_FIELD_LENGTH, examples=["a brand new secret"])
]
Code = Annotated[str, Meta(max_length=LONGEST_CODE, description="With two-step sign-in on: a code.", examples=["123456"])]
MailedToken = Annotated[
    str, Meta(max_length=TOKEN_LENGTH, description="The token of the mailed link: the last part of its address.")
]
Binding = Annotated[str, Meta(max_length=TOKEN_LENGTH, description="An app's, from the options.")]
Pending = Annotated[str, Meta(max_length=TOKEN_LENGTH, description="An app's pending sign-in, as the login answered it.")]
PasskeyAnswer = Annotated[str, Meta(max_length=ANSWER_LENGTH, description="navigator.credentials.get's answer, as JSON.")]


class Body(Struct, forbid_unknown_fields=True):
    """A request's body: exactly these fields, of exactly these types ("yes" is no boolean)."""


class Answer(Struct):
    """What an operation answers."""


# --- what comes in ---------------------------------------------------------------------------


class LoginBody(Body):
    email: Email
    password: Password
    remember: Annotated[bool, Meta(description="A browser client's longer session, as the login page's Remember me.")] = False


class SecondStepBody(Body):
    code: Annotated[str, Meta(max_length=LONGEST_CODE, description="A code from the authenticator app, or a recovery code.", examples=["123456"])]
    pending: Annotated[
        str, Meta(max_length=TOKEN_LENGTH, description="An app's pending sign-in, as the login answered it; a browser's is in its cookie.")
    ] | None = None


class ConfirmBody(Body):
    password: Password
    code: Code | None = None


class ChangePasswordBody(Body):
    current_password: Password
    new_password: NewPassword
    code: Code | None = None


class ChangeEmailBody(Body):
    new_email: Annotated[str, Meta(max_length=EMAIL_MAX_LENGTH, examples=["new@example.com"])]
    current_password: Password
    code: Code | None = None


class DeleteAccountBody(Body):
    password: Password
    code: Code | None = None


class SignUpBody(Body):
    email: Annotated[str, Meta(max_length=EMAIL_MAX_LENGTH, examples=["new.person@example.com"])]
    password: Annotated[str, Meta(
        min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_FIELD_LENGTH, examples=["a brand new secret"],
        description="Under the sign-up rules: 8 to 128 characters, not easy to guess, not made from the email.",
    )]


class EmailBody(Body):
    email: Email


class TokenBody(Body):
    token: MailedToken


class ResetBody(Body):
    token: MailedToken
    new_password: NewPassword


class UserSearch(Body):
    search: Annotated[str, Meta(max_length=EMAIL_MAX_LENGTH, description="The start of the email addresses to find.")] | None = None
    start: Annotated[str, Meta(max_length=EMAIL_MAX_LENGTH + 40, description="An earlier page's next_start.")] | None = None


class PasskeyLoginBody(Body):
    answer: PasskeyAnswer
    binding: Binding | None = None
    remember: bool = False


class PendingBody(Body):
    pending: Pending | None = None


class PasskeyStepBody(Body):
    answer: PasskeyAnswer
    binding: Binding | None = None
    pending: Pending | None = None


class NewPasskeyBody(Body):
    answer: Annotated[str, Meta(max_length=ANSWER_LENGTH, description="navigator.credentials.create's answer, as JSON.")]
    binding: Binding | None = None
    name: Annotated[str, Meta(max_length=60, description="Its name in the list; empty: the browser's name.")] = ""


# --- what goes out ---------------------------------------------------------------------------


class UserOut(Answer):
    id: Annotated[int, Meta(examples=[1])]
    email: Annotated[str, Meta(examples=["person@example.com"])]
    is_admin: bool
    email_verified: bool
    two_step: Annotated[bool, Meta(description="Whether two-step sign-in is on.")]


class SessionOut(Answer):
    id: Annotated[int, Meta(examples=[7])]
    kind: Literal["browser", "app"]
    browser: Annotated[str, Meta(examples=["Firefox on Linux"])] | None
    client_address: Annotated[str, Meta(examples=["203.0.113.7"])] | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: Annotated[datetime, Meta(description="The latest it ends; it ends sooner when left idle.")]
    current: Annotated[bool, Meta(description="Whether it is the session of this request.")]


class WhoAmI(Answer):
    user: UserOut
    session: SessionOut
    csrf_token: Annotated[str, Meta(
        description="For a browser client: the X-CSRF-Token header of its unsafe requests. None for an app."
    )] | None


class LoggedIn(WhoAmI):
    token: Annotated[str, Meta(
        description="An app's bearer token, given this once (only its SHA-256 is stored). None for a browser client, "
        "whose session is in the cookie set with this answer."
    )] | None


class SecondStepDue(Answer, kw_only=True):
    second_step: Literal["code"] = "code"
    pending: Annotated[str, Meta(
        description="An app's pending sign-in, to send with its code within 5 minutes; None for a browser client, "
        "whose pending sign-in is in its cookie."
    )] | None
    message: Annotated[str, Meta(examples=["Enter the 6-digit code from your authenticator app, or one of your recovery codes."])]


class Sessions(Answer):
    sessions: list[SessionOut]


class Ended(Answer):
    ended: Annotated[int, Meta(description="How many sessions ended.", examples=[1])]


class ErrorDetail(Answer):
    code: Annotated[str, Meta(examples=["invalid"])]
    message: Annotated[str, Meta(examples=["Invalid email and/or password."])]
    fields: Annotated[dict[str, list[str]], Meta(examples=[{"email": ["Email is required."]}])] = field(default_factory=dict)


class ErrorBody(Answer):
    error: ErrorDetail


class Done(Answer):
    message: Annotated[str, Meta(examples=["Your password was changed."])]


class PasswordChanged(Done):
    token: Annotated[str, Meta(
        description="An app's new bearer token: the old one stops working (its other sessions end). None for a browser "
        "client, whose new session token is in the cookie set with this answer."
    )] | None


class UserSummaryOut(Answer):
    id: Annotated[int, Meta(examples=[1])]
    email: Annotated[str, Meta(examples=["person@example.com"])]
    is_admin: bool
    disabled: bool
    email_verified: bool
    two_step: bool
    created_at: datetime
    last_sign_in_at: datetime | None
    live_sessions: int


class UserPage(Answer):
    users: list[UserSummaryOut]
    next_start: Annotated[str, Meta(
        description="Where the next page starts (send it as start); None: this is the last."
    )] | None


class AdminDone(Answer):
    message: Annotated[str, Meta(examples=["person@example.com was logged out everywhere."])]
    user: UserSummaryOut


class PasskeyOptions(Answer):
    options: Annotated[dict[str, Any], Meta(
        description="For navigator.credentials.get: the challenge, the relying party, no account named."
    )]
    binding: Annotated[str, Meta(
        description="An app's: send it back with the answer (a browser client's challenge is bound to its cookie)."
    )] | None


class PasskeyOut(Answer):
    id: Annotated[str, Meta(description="The credential id, base64url.")]
    name: Annotated[str, Meta(examples=["Chrome on Linux"])]
    created_at: datetime
    last_used_at: datetime | None


class PasskeyList(Answer):
    passkeys: list[PasskeyOut]
