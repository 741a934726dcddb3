from __future__ import annotations

from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from ...forms import (
    Form,
    NormalizedEmail,
    code_field,
    current_password_field,
    new_password_problem,
    new_password_field,
    passkey_field,
    repeat_password_field,
)
from ...services.emails import MAX_LENGTH as EMAIL_MAX_LENGTH
from ...services.passkeys import MAX_NAME_LENGTH


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


class AddPasskeyForm(Form):
    """A new passkey: its name (the browser's, when left empty) and the browser's answer,
    which the page's script puts in ``passkey``."""

    name = StringField(
        "Name",
        validators=[Length(max=MAX_NAME_LENGTH, message=f"A name is at most {MAX_NAME_LENGTH} characters.")],
        render_kw={"maxlength": MAX_NAME_LENGTH, "autocomplete": "off"},
    )
    passkey = passkey_field()
