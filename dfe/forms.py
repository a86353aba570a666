"""Forms of the DfE pages (GOV.UK widgets; each error says what to do)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovRadioInput, GovSelect, GovSubmitInput, GovTextInput
from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError

from assessments.models import Cohort
from dfe.connection import COHORT_YEARS, base_url_problem, token_problem
from dfe.contract import SCHEDULES, Environment, cohort_year_of
from dfe.participants import CHOOSE_SCHEDULE

CHOOSE_ENVIRONMENT = "Choose which DfE environment to use"
SCHEDULE_LABELS = {
    "npq-specialist-autumn": "Specialist, autumn start",
    "npq-specialist-spring": "Specialist, spring start",
}


def _year(field_value: str | None, message: str) -> int | None:
    text = (field_value or "").strip()
    if not text:
        return None
    year = cohort_year_of(text)
    if year not in COHORT_YEARS:
        raise ValidationError(message)
    return year


class ConnectionForm(FlaskForm):
    environment = RadioField(
        "Which DfE environment should the app use?",
        choices=[SelectChoice(e.value, e.label) for e in Environment],
        widget=GovRadioInput(),
        validators=[InputRequired(CHOOSE_ENVIRONMENT)],
        description="Use the sandbox to try the connection with test data; production sends real declarations.",
    )
    cohort_year = StringField(
        "Cohort year",
        widget=GovTextInput(),
        validators=[Optional()],
        description="The DfE’s cohort (call-off contract) to read applications for, for example 2025. "
        "Leave it blank to read every cohort.",
    )
    sandbox_base_url = StringField(
        "Sandbox address", widget=GovTextInput(), validators=[InputRequired("Enter the sandbox address")]
    )
    sandbox_token = PasswordField(
        "Sandbox API token",
        widget=GovPasswordInput(),
        description="Leave blank to keep the token you entered before.",
    )
    production_base_url = StringField(
        "Production address", widget=GovTextInput(), validators=[InputRequired("Enter the production address")]
    )
    production_token = PasswordField(
        "Production API token",
        widget=GovPasswordInput(),
        description="Leave blank to keep the token you entered before.",
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def validate_environment(self, field: Any) -> None:
        if field.data not in {e.value for e in Environment}:
            raise ValidationError(CHOOSE_ENVIRONMENT)

    def validate_cohort_year(self, field: Any) -> None:
        self.year()

    def year(self) -> int | None:
        return _year(
            self.cohort_year.data, f"Enter a cohort year from {COHORT_YEARS[0]} to {COHORT_YEARS[-1]}, like 2025"
        )

    # The rules are the service's (dfe.connection): checked here too so every field's error shows at once.
    def validate_sandbox_base_url(self, field: Any) -> None:
        _check(base_url_problem(field.data.strip()))

    def validate_production_base_url(self, field: Any) -> None:
        _check(base_url_problem(field.data.strip()))

    def validate_sandbox_token(self, field: Any) -> None:
        _check(token_problem(field.data.strip()) if field.data else None)

    def validate_production_token(self, field: Any) -> None:
        _check(token_problem(field.data.strip()) if field.data else None)


def _check(problem: str | None) -> None:
    if problem:
        raise ValidationError(problem)


class TestConnectionForm(FlaskForm):
    submit = SubmitField("Test the connection", widget=GovSubmitInput())  # shown as a secondary button


def schedules_form(cohorts: list[Cohort], current: dict[int, tuple[int, str]]) -> FlaskForm:
    """One year and one schedule field a cohort, named ``cohort_<id>_year`` and ``cohort_<id>_schedule``."""

    class SchedulesForm(FlaskForm):
        submit = SubmitField("Save cohorts and schedules", widget=GovSubmitInput())

    for cohort in cohorts:
        year, schedule = current.get(cohort.id, (None, ""))
        setattr(
            SchedulesForm,
            f"cohort_{cohort.id}_year",
            StringField(
                f"DfE cohort year for {cohort.name}",
                widget=GovTextInput(),
                default=str(year) if year else "",
                validators=[Optional()],
            ),
        )
        setattr(
            SchedulesForm,
            f"cohort_{cohort.id}_schedule",
            SelectField(
                f"DfE schedule for {cohort.name}",
                choices=[SelectChoice("", "Not linked to the DfE")]
                + [SelectChoice(s, SCHEDULE_LABELS[s]) for s in SCHEDULES],
                widget=GovSelect(),
                default=schedule,
                validate_choice=False,  # an unknown value gets the service's own message
            ),
        )
    return SchedulesForm()


class SubmitDeclarationsForm(FlaskForm):
    """The proposals ticked to submit (their keys), or all of them; the service checks each key."""

    declarations = SelectMultipleField("Declarations to submit", validate_choice=False)
    submit_all = BooleanField(default=False)


class VoidDeclarationForm(FlaskForm):
    """Why a declaration is voided; the length rule is the service's (dfe.declarations.void)."""

    reason = TextAreaField("Why are you voiding this declaration?")


class ChangeScheduleForm(FlaskForm):
    """Move a participant to another DfE schedule (and, until their ``started`` declaration, cohort)."""

    schedule_identifier = RadioField(
        "Which schedule should the participant move to?",
        choices=[SelectChoice(s, SCHEDULE_LABELS[s]) for s in SCHEDULES],
        widget=GovRadioInput(),
        validators=[InputRequired(CHOOSE_SCHEDULE)],
        validate_choice=False,  # an unknown value gets the same message as a missing one
    )
    cohort = StringField(
        "New cohort year (optional)",
        widget=GovTextInput(),
        validators=[Optional()],
        description="Only until the participant's started declaration is submitted, for example 2025. "
        "Leave it blank to keep their cohort.",
    )
    submit = SubmitField("Change schedule", widget=GovSubmitInput())

    def validate_schedule_identifier(self, field: Any) -> None:
        if field.data not in SCHEDULES:
            raise ValidationError(CHOOSE_SCHEDULE)

    def validate_cohort(self, field: Any) -> None:
        self.year()

    def year(self) -> int | None:
        return _year(
            self.cohort.data, f"Enter a cohort year from {COHORT_YEARS[0]} to {COHORT_YEARS[-1]}, or leave it empty"
        )


class SendAgainForm(FlaskForm):
    submit = SubmitField("Send again", widget=GovSubmitInput())
