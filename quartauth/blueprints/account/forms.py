from __future__ import annotations

from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired

from ...forms import Form, NormalizedEmail, code_field, current_password_field, new_password_problem, new_password_field, repeat_password_field
from ...services.emails import MAX_LENGTH as EMAIL_MAX_LENGTH


class ChangePasswordForm(Form):
    """``email``: the account's, which the new password must not be built from."""

    current_password = current_password_field("Current password")
    new_password = new_password_field("New password")
    confirm = repeat_password_field(of="new_password")
    code = code_field(required=False)  # asked for with two-step sign-in on, as are the others'
    email = ""

    async def async_validators_new_password(self, field: PasswordField) -> None:
        await new_password_problem(field, email=self.email)


class TwoStepSetupForm(Form):
    """The first code from the authenticator app, which turns two-step sign-in on."""

    code = code_field(missing="Enter the 6-digit code your authenticator app shows.")


class DeleteAccountForm(Form):
    password = current_password_field()
    code = code_field(required=False)


class ChangeEmailForm(Form):
    new_email = EmailField(
        "New email",
        validators=[InputRequired("New email is required."), NormalizedEmail()],
        render_kw={"autocomplete": "email", "maxlength": EMAIL_MAX_LENGTH},
    )
    # The account page has two forms that ask for it: this one's label and id are its own.
    current_password = current_password_field("Your password", id="change_email_current_password")
    code = code_field(required=False, id="change_email_code")
