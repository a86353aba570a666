"""Forms for a cohort and its settings, and for enrolling trainees one at a time or from a file."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from assessments import sampling, training_status
from assessments.deadlines import EARLIER_MONTHS_MAX, ServicePeriod
from assessments.enrolment_rules import KINDS_HELP, PERIODS_TEXT_MAX, RuleError, parse_periods
from assessments.models import (
    GAP_MAX,
    NAME_MAX_LENGTH,
    SCHOOL_MAX_LENGTH,
)
from assessments.services.cohorts import AGGREGATION_LABELS
from competencies.forms import (
    SelectField,
    SelectMultipleField,
)
from core.forms import RealDateField, TextChecked, WholeNumberField
from core.problems import too_long

RATE_MESSAGE = "Enter the rate as a whole number from 1 to 100"
GAP_MESSAGE = f"Enter the gap as a whole number of levels from 0 to {GAP_MAX}"
PERCENT_MESSAGE = f"Enter the percentage as a whole number from {sampling.PERCENT_MIN} to {sampling.PERCENT_MAX}"


class CohortForm(TextChecked, FlaskForm):
    name = StringField(
        "Cohort name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a name for the cohort"),
            Length(max=NAME_MAX_LENGTH, message=too_long(NAME_MAX_LENGTH, "Cohort name")),
        ],
    )
    programme_version_id = SelectField(
        "Programme version",
        coerce=int,
        widget=GovSelect(),
        invalid="Choose a published programme version",
        validators=[InputRequired(message="Choose a published programme version")],
    )
    submit = SubmitField("Create cohort", widget=GovSubmitInput())


class EnrolmentForm(TextChecked, FlaskForm):
    """A trainee's enrolment: mentors (one or more), school, and the SENCO history the statutory
    tracker needs. On the change page the trainee is fixed and ``lock_version`` catches a second editor."""

    trainee_id = SelectField(
        "Trainee",
        coerce=int,
        widget=GovSelect(),
        invalid="Choose a trainee",
        validators=[InputRequired(message="Choose a trainee")],
    )
    mentor_ids = SelectMultipleField(
        "Mentors",
        coerce=int,
        widget=GovCheckboxesInput(),
        invalid="Choose mentors from the list",
        description="Choose one or more. Each mentor can observe the trainee",
        validators=[InputRequired(message="Choose at least one mentor")],
    )
    school = StringField(
        "School",
        widget=GovTextInput(),
        validators=[Length(max=SCHOOL_MAX_LENGTH, message=too_long(SCHOOL_MAX_LENGTH, "School"))],
    )
    became_senco = RealDateField(
        "Date they became SENCO at this school",
        format="%d %m %Y",
        description="For example, 1 9 2025. Leave blank if not known yet",
        validators=[Optional()],
    )
    head_teacher = BooleanField(
        "The head teacher is the SENCO",
        widget=GovCheckboxInput(),
        validators=[Optional()],
        description="The law lets a head teacher be the SENCO; the qualification duty still applies to them",
    )
    earlier_service = TextAreaField(
        "Earlier SENCO service, here or at other schools (optional)",
        widget=GovTextArea(),
        description=(
            "One period a line: the first day, the last day and the kind of school, for example "
            f"1/9/2019 to 31/8/2020 at mainstream. Kinds: {KINDS_HELP}. Only service at a mainstream "
            "school or a maintained nursery school in England counts towards the 12 months"
        ),
        validators=[Optional(), Length(max=PERIODS_TEXT_MAX, message=too_long(PERIODS_TEXT_MAX, "Earlier service"))],
    )
    earlier_senco_months = WholeNumberField(
        "Other earlier SENCO service at mainstream or maintained nursery schools in England whose dates are not known, in months",
        widget=GovTextInput(),
        default=0,
        message="Enter earlier service as a whole number of months between 0 and 1,200",
        validators=[
            Optional(),
            NumberRange(
                0, EARLIER_MONTHS_MAX, message="Enter earlier service as a whole number of months between 0 and 1,200"
            ),
        ],
    )
    nasenco_started = RealDateField(
        "Date a NASENCO course began (if any)",
        format="%d %m %Y",
        validators=[Optional()],
        description="Only a NASENCO begun before 1 9 2024 can count. Leave blank if none",
    )
    nasenco_completed = RealDateField(
        "Date the NASENCO was completed (if it was)", format="%d %m %Y", validators=[Optional()]
    )
    lock_version = HiddenField()
    submit = SubmitField("Enrol trainee", widget=GovSubmitInput())

    def periods(self) -> tuple[ServicePeriod, ...] | None:
        """The earlier service typed, or None with the field's error set."""
        try:
            return parse_periods(self.earlier_service.data or "")
        except RuleError as error:
            self.earlier_service.errors = [*self.earlier_service.errors, error.message]
            return None


class EnrolmentImportForm(FlaskForm):
    document = FileField(
        "CSV file of enrolments",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose a CSV file of enrolments")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class CohortSettingsForm(TextChecked, FlaskForm):
    """How observations add up, and when a scenario is ready for sign-off; the engine's policy
    types check the values (its limits live there)."""

    method = SelectField(
        "How observations add up for each criterion",
        widget=GovSelect(),
        invalid="Choose a method from the list",
        choices=[SelectChoice(m.value, label) for m, label in AGGREGATION_LABELS.items()],
        validators=[InputRequired(message="Choose a method")],
    )
    decay_weight = StringField(
        "Weight of the newest observation (decaying average only)",
        widget=GovTextInput(),
        description="A number above 0 and below 1, for example 0.65",
        validators=[
            InputRequired(message="Enter the weight of the newest observation, for example 0.65"),
            Length(max=20, message="Enter the weight as a number above 0 and below 1"),
        ],
    )
    times = WholeNumberField(
        "Met observations needed (n times only)",
        widget=GovTextInput(),
        message="Enter how many met observations are needed as a whole number",
        validators=[InputRequired(message="Enter how many met observations are needed")],
    )
    min_met = WholeNumberField(
        "Met observations needed for sign-off (K)",
        widget=GovTextInput(),
        message="Enter a whole number",
        validators=[InputRequired(message="Enter a whole number")],
    )
    min_observers = WholeNumberField(
        "Different observers among them (J)",
        widget=GovTextInput(),
        message="Enter a whole number",
        validators=[InputRequired(message="Enter a whole number")],
    )
    min_settings = WholeNumberField(
        "Different settings among them (S)",
        widget=GovTextInput(),
        message="Enter a whole number",
        validators=[InputRequired(message="Enter a whole number")],
    )
    no_dangerous_in_last = WholeNumberField(
        "No dangerous fault in the last M observations (M)",
        widget=GovTextInput(),
        message="Enter a whole number",
        description="0 turns this check off",
        validators=[InputRequired(message="Enter a whole number")],
    )
    lock_version = HiddenField()
    submit = SubmitField("Save settings", widget=GovSubmitInput())


def settings_form(pins: dict[str, tuple[str, list[SelectChoice]]], data: Any = None, **values: Any) -> FlaskForm:
    """The settings form with one rubric-version choice per scenario of the programme."""

    class Form(CohortSettingsForm):
        pass

    for key, (title, choices) in pins.items():
        setattr(
            Form,
            f"pin_{key}",
            SelectField(
                f"Rubric version for ‘{title}’",
                coerce=int,
                widget=GovSelect(),
                choices=choices,
                invalid=f"Choose a published rubric version for ‘{title}’",
                validators=[Optional()],
            ),
        )  # left out: the pin stays
    return Form(formdata=data, **values)


class MoveRubricForm(TextChecked, FlaskForm):
    rubric_version_id = SelectField(
        "New rubric version",
        coerce=int,
        widget=GovRadioInput(),
        invalid="Choose a rubric version",
        validators=[InputRequired(message="Choose the rubric version to move to")],
    )
    lock_version = HiddenField()
    submit = SubmitField("Move to this version", widget=GovSubmitInput())


class TrainingStatusForm(TextChecked, FlaskForm):
    """Withdraw, defer or resume a trainee: the DfE's reason (none to resume), an optional note,
    then a confirmation (``confirmed`` is set by the confirmation page's button)."""

    reason = SelectField(
        "Reason",
        widget=GovRadioInput(),
        invalid="Choose a reason from the list",
        validators=[Optional()],  # the rule says whether this change needs one (assessments.training_status)
    )
    note = TextAreaField(
        "Note (optional)",
        widget=GovTextArea(),
        description="For the provider’s own record. It is not sent to the DfE",
        validators=[
            Length(max=training_status.NOTE_MAX_LENGTH, message=too_long(training_status.NOTE_MAX_LENGTH, "Note"))
        ],
    )
    lock_version = HiddenField()
    confirmed = HiddenField()
    submit = SubmitField("Continue", widget=GovSubmitInput())
