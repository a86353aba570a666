"""Form fields shared by the rooms, worded as the GOV.UK Design System advises.

WTForms' own parse errors ("Not a valid integer value.", "Not a valid choice.") say what went
wrong, not what to do; each field here takes the GOV.UK message to show instead.
"""
from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import DateField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import StopValidation, ValidationError


class _ParseErrorStops:
    """A value that could not be read gets one message: the range check after it has nothing to check."""

    process_errors: list[Any]

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
        super().pre_validate(form)  # type: ignore[misc]


class RealDateInput(GovDateInput):
    """The GOV.UK date input without ``required`` on its wrapper (it is not a form control)."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        params.get("attributes", {}).pop("required", None)
        return params


class RealDateField(_ParseErrorStops, DateField):
    """A day-month-year date; one that is not a real date gets ``invalid_message``
    (by default "<label> must be a real date", GOV.UK wording)."""

    def __init__(self, *args: Any, invalid_message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", RealDateInput())
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or f"{self.label.text} must be a real date"

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not any(value.strip() for value in valuelist):
            self.data = None  # nothing typed: the "Enter …" message of InputRequired says so
            return
        try:
            super().process_formdata([value.strip() for value in valuelist])
        except ValueError:
            raise ValueError(self.invalid_message) from None

    @property
    def summary_anchor(self) -> str:
        """The error summary links to the day box: focus lands where typing starts."""
        return f"{self.id}-day"


class WholeNumberField(_ParseErrorStops, IntegerField):
    """A whole number; anything else gets ``invalid_message``, like "Enter hours as a whole number, like 6"."""

    def __init__(self, *args: Any, invalid_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None  # nothing typed: the "Enter …" message of InputRequired says so
            return
        try:
            # "1,000" is how people write a thousand (and how the hint shows it)
            super().process_formdata([valuelist[0].strip().replace(",", "")])
        except ValueError:
            raise ValueError(self.invalid_message) from None


class ChoiceField(SelectField):
    """A select whose unknown value gets ``invalid_message`` (a tampered or stale form)."""

    def __init__(self, *args: Any, invalid_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


class ChoicesField(SelectMultipleField):
    """Checkboxes whose unknown values get ``invalid_message``."""

    def __init__(self, *args: Any, invalid_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.invalid_message) from None

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.invalid_message) from None
