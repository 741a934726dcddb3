from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length, StopValidation

from ...forms import Form, NormalizedEmail
from ...services import passwords
from ...services.emails import MAX_LENGTH as EMAIL_MAX_LENGTH


class NewPassword:
    def __call__(self, form: Form, field: PasswordField) -> None:
        problem = passwords.password_problem(field.data or "")
        if problem:
            raise StopValidation(problem)


def _email_field() -> EmailField:
    return EmailField(
        "Email",
        validators=[InputRequired("Email is required."), NormalizedEmail()],
        render_kw={"autocomplete": "email", "maxlength": EMAIL_MAX_LENGTH},
    )


class RegisterForm(Form):
    email = _email_field()
    password = PasswordField(
        "Password",
        validators=[InputRequired("Password is required."), NewPassword()],
        description=passwords.RULE,
        render_kw={
            "autocomplete": "new-password",
            "minlength": passwords.MIN_LENGTH,
            "maxlength": passwords.MAX_LENGTH,
        },
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[EqualTo("password", message=passwords.MISMATCH_MESSAGE)],
        render_kw={"autocomplete": "new-password"},
    )


class LoginForm(Form):
    email = _email_field()
    password = PasswordField(
        "Password",
        validators=[
            InputRequired("Password is required."),
            # Longer than any password we accept: refuse it before it costs a hash.
            Length(max=passwords.MAX_LENGTH, message=passwords.LENGTH_MESSAGE),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Remember me")
    next = HiddenField()


class LogoutForm(Form):
    """Only the CSRF token: logging out is a POST no other site can make for you."""
