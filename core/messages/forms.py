"""The form of "How we email you" (GOV.UK radios, a message in plain words for anything else sent)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from core.messages.preferences import Frequency

REMINDERS_ON, REMINDERS_OFF = "on", "off"
CHOOSE_FREQUENCY = "Choose how often we email you"
CHOOSE_REMINDERS = "Choose whether we send you reminders"


class _Radios(RadioField):
    """Radios whose unknown value gets the field's own message, not "Not a valid choice"."""

    def __init__(self, *args: Any, message: str, **kwargs: Any) -> None:
        self.message = message
        super().__init__(*args, widget=GovRadioInput(), validators=[InputRequired(message=message)], **kwargs)

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)
        except (ValueError, ValidationError):
            raise ValidationError(self.message) from None


class EmailChoicesForm(FlaskForm):
    frequency = _Radios(
        "How often should we email you?",
        choices=[SelectChoice(f.value, f.label) for f in Frequency],
        message=CHOOSE_FREQUENCY,
    )
    reminders = _Radios(
        "Should we send you reminders?",
        choices=[
            SelectChoice(REMINDERS_ON, "Yes, remind me when something is due"),
            SelectChoice(REMINDERS_OFF, "No, no reminders"),
        ],
        description="Reminders tell you about deadlines and requests waiting for an answer.",
        message=CHOOSE_REMINDERS,
    )
    submit = SubmitField("Save your choices", widget=GovSubmitInput())
