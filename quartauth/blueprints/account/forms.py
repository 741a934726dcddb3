from __future__ import annotations

from ...forms import Form, current_password_field, new_password_field, repeat_password_field


class ChangePasswordForm(Form):
    current_password = current_password_field("Current password")
    new_password = new_password_field("New password")
    confirm = repeat_password_field(of="new_password")


class DeleteAccountForm(Form):
    password = current_password_field()
