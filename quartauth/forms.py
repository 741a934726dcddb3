"""The base of every form (WTForms with CSRF, filled from the posted form body only), and
the fields more than one form asks for."""
from __future__ import annotations

from typing import Any

from quart import current_app, request
from quart_wtf import QuartForm
from wtforms import EmailField, Field, HiddenField, PasswordField, StringField, ValidationError
from wtforms.validators import EqualTo, InputRequired, Length, StopValidation

from .app_objects import app_objects
from .fastpaths.csrf_tokens import FormCsrf
from .services import password_policy
from .services.emails import MAX_LENGTH as EMAIL_MAX_LENGTH
from .services.emails import InvalidEmail, normalize_email
from .services.passkeys import MAX_ANSWER_LENGTH, NOT_VALID_MESSAGE
from .services.two_step import CODE_MISSING_MESSAGE, LONGEST_CODE


class Form(QuartForm):
    class Meta:
        csrf_class = FormCsrf  # the kept token, as templates show it (fastpaths/csrf_tokens.py)

    @classmethod
    async def create_form(cls, **kwargs: Any) -> "Form":  # type: ignore[override]
        # quart-wtforms would also read a JSON body, which breaks on any JSON that is not an
        # object; these forms are posted by browsers, so only the form body counts.
        formdata = await request.form if request.method == "POST" else None
        return cls(formdata=formdata, **kwargs)

    # The field the cursor belongs in when no field has an error (a view sets it: after a
    # wrong password, the password field).
    preferred_focus: str | None = None

    @property
    def focus(self) -> str | None:
        """The field the cursor belongs in: the first with an error, else the preferred one,
        else the first shown."""
        shown = [field.name for field in self if field.type not in ("HiddenField", "CSRFTokenField")]
        with_errors = [name for name in shown if self[name].errors]
        preferred = [self.preferred_focus] if self.preferred_focus in shown else []
        return (with_errors or preferred or shown or [None])[0]


class ButtonForm(Form):
    """Only the CSRF token: a button (resend a link, or do what a mailed link is for)."""


class NormalizedEmail:
    """Checks an email field and leaves the stored form of the address in ``field.data``."""

    def __call__(self, form: Form, field: Field) -> None:
        try:
            field.data = normalize_email(field.data or "")
        except InvalidEmail as error:
            raise ValidationError(str(error)) from None


class PasswordShape:
    """A password must be readable, and of a length that can be a password (``chosen``: a
    new one, which must also be long enough). A password too long for any account is refused
    before it costs a hash."""

    def __init__(self, *, chosen: bool = True) -> None:
        self.chosen = chosen

    def __call__(self, form: Form, field: PasswordField) -> None:
        problem = password_policy.shape_problem(field.data or "", chosen=self.chosen)
        if problem:
            raise StopValidation(problem)


async def new_password_problem(field: PasswordField, *, email: str) -> None:
    """The whole policy for a password being chosen for ``email``'s account (an
    ``async_validators_`` method calls it); a field already in error is not estimated."""
    if field.errors or not field.data:
        return
    problem = await password_policy.new_password_problem(
        field.data, email=email, breaches=app_objects().breached_passwords, site_name=current_app.config["SITE_NAME"]
    )
    if problem:
        raise ValidationError(problem)


def email_field() -> EmailField:
    return EmailField(
        "Email",
        validators=[InputRequired("Email is required."), NormalizedEmail()],
        render_kw={"autocomplete": "email", "maxlength": EMAIL_MAX_LENGTH},
    )


def current_password_field(label: str = "Password", *, id: str | None = None) -> PasswordField:
    """The password someone has now, to prove it is them (``id``: when a page has another)."""
    return PasswordField(
        label,
        id=id,
        validators=[
            InputRequired(f"{label} is required."),
            PasswordShape(chosen=False),
        ],
        render_kw={"autocomplete": "current-password"},
    )


def new_password_field(label: str = "Password") -> PasswordField:
    """A password being chosen, with the rule shown beside it."""
    return PasswordField(
        label,
        validators=[InputRequired(f"{label} is required."), PasswordShape()],
        description=password_policy.RULE,
        render_kw={
            "autocomplete": "new-password",
            # No maxlength: a browser counts UTF-16 units before normalization, the server
            # the normalized characters, and only the server's count is the rule.
            "minlength": password_policy.MIN_LENGTH,
        },
    )


def repeat_password_field(of: str) -> PasswordField:
    """The password chosen in the field ``of``, typed again."""
    return PasswordField(
        "Repeat password",
        validators=[EqualTo(of, message=password_policy.MISMATCH_MESSAGE)],
        render_kw={"autocomplete": "new-password"},
    )


def passkey_field() -> HiddenField:
    """A passkey's answer (JSON), put there by the page's script once the browser gives it."""
    return HiddenField(validators=[Length(max=MAX_ANSWER_LENGTH, message=NOT_VALID_MESSAGE)])


def code_field(*, required: bool = True, id: str | None = None, missing: str = CODE_MISSING_MESSAGE) -> StringField:
    """A second step: a code from the authenticator app, or a recovery code (``required``:
    not where only an account with two-step sign-in on is asked for one)."""
    validators = [InputRequired(missing)] if required else []
    return StringField(
        "Code",
        id=id,
        validators=[*validators, Length(max=LONGEST_CODE, message="That code is not right.")],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false", "maxlength": LONGEST_CODE},
    )


class ConfirmPasswordForm(Form):
    """Confirm it's you: the password again, and a code with two-step sign-in on, before
    something that matters (any blueprint's guarded action may answer with it); or, in
    their place, a passkey's answer, which the page's script puts in ``passkey``."""

    password = current_password_field()
    code = code_field(required=False)
    passkey = passkey_field()
    next = HiddenField()
