from __future__ import annotations

from wtforms import PasswordField

from ...forms import Form, email_field, new_password_problem, new_password_field, repeat_password_field


class ForgotForm(Form):
    email = email_field()


class ResetForm(Form):
    """``email``: the account's, which the new password must not be built from."""

    new_password = new_password_field("New password")
    confirm = repeat_password_field(of="new_password")
    email = ""

    async def async_validators_new_password(self, field: PasswordField) -> None:
        await new_password_problem(field, email=self.email)
