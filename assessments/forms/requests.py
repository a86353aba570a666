"""Forms for a trainee's reflections, next steps and requests to be observed, and a mentor's answers."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from assessments.models import (
    NEXT_STEP_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
)
from competencies.forms import (
    SelectField,
)
from core.forms import NamesChecked, RealDateField, TextChecked
from core.problems import too_long


class ReflectionForm(NamesChecked, TextChecked, FlaskForm):
    reflection = TextAreaField(
        "Your reflection",
        widget=GovTextArea(),
        description="What went well, what you would do differently, and what you will try next. "
        "Only you and your mentors can read it",
        validators=[
            InputRequired(message="Enter your reflection"),
            Length(max=REFLECTION_MAX_LENGTH, message=too_long(REFLECTION_MAX_LENGTH, "Reflection")),
        ],
    )
    save_reflection = SubmitField("Save reflection", widget=GovSubmitInput())


class NextStepForm(NamesChecked, TextChecked, FlaskForm):
    criterion_key = SelectField(
        "Criterion it works on",
        widget=GovSelect(),
        invalid="Choose a criterion from the list",
        validators=[InputRequired(message="Choose a criterion from the list")],
    )
    text = TextAreaField(
        "Next step",
        widget=GovTextArea(),
        description="One thing to work on before the next observation of this scenario",
        validators=[
            InputRequired(message="Enter the next step"),
            Length(max=NEXT_STEP_MAX_LENGTH, message=too_long(NEXT_STEP_MAX_LENGTH, "Next step")),
        ],
    )
    save_next_step = SubmitField("Set next step", widget=GovSubmitInput())


class RequestForm(NamesChecked, TextChecked, FlaskForm):
    mentor_id = SelectField(
        "Mentor",
        coerce=int,
        widget=GovSelect(),
        invalid="Choose one of your mentors",
        validators=[InputRequired(message="Choose one of your mentors")],
    )
    scenario_key = SelectField(
        "Scenario",
        widget=GovSelect(),
        invalid="Choose a scenario of your programme",
        validators=[InputRequired(message="Choose a scenario of your programme")],
    )
    note = TextAreaField(
        "Note to your mentor (optional)",
        widget=GovTextArea(),
        description="For example, when the meeting is. Never include children’s names",
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH, message=too_long(NOTE_MAX_LENGTH, "Note"))],
    )
    submit = SubmitField("Send request", widget=GovSubmitInput())


class AcceptRequestForm(FlaskForm):
    planned_on = RealDateField(
        "Date you plan to observe",
        widget=GovDateInput(),
        format="%d %m %Y",
        description="For example, 3 3 2026",
        validators=[InputRequired(message="Enter the date you plan to observe")],
    )
    accept = SubmitField("Accept", widget=GovSubmitInput())


class DeclineRequestForm(TextChecked, FlaskForm):
    reason = TextAreaField(
        "Why are you declining?",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why you are declining, so your trainee knows what to do next"),
            Length(max=REASON_MAX_LENGTH, message=too_long(REASON_MAX_LENGTH, "Reason")),
        ],
    )
    decline = SubmitField("Decline", widget=GovSubmitInput())


class ReviewNextStepForm(FlaskForm):
    done = SubmitField("Done", widget=GovSubmitInput())
    not_yet = SubmitField("Not yet", widget=GovSubmitInput())
