from __future__ import annotations

from wtforms import BooleanField, HiddenField, PasswordField

from ...forms import (
    Form,
    code_field,
    current_password_field,
    email_field,
    new_password_problem,
    new_password_field,
    passkey_field,
    repeat_password_field,
)


class RegisterForm(Form):
    email = email_field()
    password = new_password_field()
    confirm = repeat_password_field(of="password")

    async def async_validators_password(self, field: PasswordField) -> None:
        await new_password_problem(field, email=self.email.data or "")


class LoginForm(Form):
    email = email_field()
    password = current_password_field()
    remember = BooleanField("Remember me")
    next = HiddenField()


class SecondStepForm(Form):
    code = code_field()
    trust = BooleanField("Trust this browser for 30 days")


class PasskeyLoginForm(Form):
    """Signing in with a passkey: its answer, put there by the login page's script."""

    passkey = passkey_field()
    remember = BooleanField("Remember me", id="passkey_remember")
    next = HiddenField(id="passkey_next")


class PasskeySecondStepForm(Form):
    """A passkey as the second step: its answer, put there by the page's script."""

    passkey = passkey_field()
    trust = BooleanField("Trust this browser for 30 days", id="passkey_trust")


class LogoutForm(Form):
    """Only the CSRF token: logging out is a POST no other site can make for you."""
