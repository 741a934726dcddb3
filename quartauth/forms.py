"""The base of every form: WTForms with CSRF, filled from the posted form body only."""
from __future__ import annotations

from typing import Any

from quart import request
from quart_wtf import QuartForm
from wtforms import Field, ValidationError

from .services.emails import InvalidEmail, normalize_email


class Form(QuartForm):
    @classmethod
    async def create_form(cls, **kwargs: Any) -> "Form":  # type: ignore[override]
        # quart-wtforms would also read a JSON body, which breaks on any JSON that is not an
        # object; these forms are posted by browsers, so only the form body counts.
        formdata = await request.form if request.method == "POST" else None
        return cls(formdata=formdata, **kwargs)

    @property
    def focus(self) -> str | None:
        """The field the cursor belongs in: the first with an error, else the first shown."""
        shown = [field.name for field in self if field.type not in ("HiddenField", "CSRFTokenField")]
        with_errors = [name for name in shown if self[name].errors]
        return (with_errors or shown or [None])[0]


class NormalizedEmail:
    """Checks an email field and leaves the stored form of the address in ``field.data``."""

    def __call__(self, form: Form, field: Field) -> None:
        try:
            field.data = normalize_email(field.data or "")
        except InvalidEmail as error:
            raise ValidationError(str(error)) from None
