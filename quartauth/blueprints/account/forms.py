from __future__ import annotations

from wtforms import PasswordField

from ...forms import Form, current_password_field, guessing_problem, new_password_field, repeat_password_field


class ChangePasswordForm(Form):
    """``email``: the account's, which the new password must not be built from."""

    current_password = current_password_field("Current password")
    new_password = new_password_field("New password")
    confirm = repeat_password_field(of="new_password")
    email = ""

    async def async_validators_new_password(self, field: PasswordField) -> None:
        await guessing_problem(field, email=self.email)


class DeleteAccountForm(Form):
    password = current_password_field()
