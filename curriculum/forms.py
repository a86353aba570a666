"""Forms for composing programmes (GOV.UK widgets)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from core.forms import (
    ChoiceField,
    ChoicesField,
    HiddenIdsUnique,
    RealDateField,
    TextChecked,
    WholeNumberField,
    sent_lock_version,
)
from curriculum import rules
from curriculum.rules import HOURS_MESSAGE, NAME_MAX_LENGTH, TITLE_MAX_LENGTH

HOURS_NOT_A_NUMBER = "Enter hours as a whole number, like 6"


class LockedForm(TextChecked, HiddenIdsUnique, FlaskForm):
    """Every change to a draft carries the lock version the person saw (optimistic locking). A page
    may show it many times (a button a row): its hidden fields get an id of their own each time."""

    lock_version = HiddenField()

    def seen_lock_version(self) -> int:
        """The version the page was opened on; a form that left it out is refused as a stale one."""
        return sent_lock_version(self.lock_version)


class ProgrammeForm(LockedForm):
    name = StringField(
        "Programme name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a programme name"),
            Length(max=NAME_MAX_LENGTH, message=rules.too_long(NAME_MAX_LENGTH, "Programme name")),
        ],
    )
    provider = StringField(
        "Provider",
        widget=GovTextInput(),
        description="The organisation that runs the programme.",
        validators=[
            InputRequired(message="Enter the provider’s name"),
            Length(max=NAME_MAX_LENGTH, message=rules.too_long(NAME_MAX_LENGTH, "Provider")),
        ],
    )
    cohort_start = RealDateField(
        "Cohort start date",
        format="%d %m %Y",
        description="For example, 1 9 2025",
        invalid_message="Enter the cohort start date as a real date",
        validators=[InputRequired(message="Enter the cohort start date")],
    )
    length_weeks = WholeNumberField(
        "Length in weeks",
        widget=GovTextInput(),
        description="The NPQ for SENCOs runs for about 18 months, or 78 weeks.",
        invalid_message="Enter the length in weeks as a whole number, like 78",
        validators=[
            InputRequired(message="Enter the length in weeks as a whole number"),
            NumberRange(rules.LENGTH_WEEKS_MIN, rules.LENGTH_WEEKS_MAX, message=rules.LENGTH_WEEKS_MESSAGE),
        ],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class ModuleForm(LockedForm):
    hours = WholeNumberField(
        "Hours",
        widget=GovTextInput(),
        invalid_message=HOURS_NOT_A_NUMBER,
        validators=[
            InputRequired(message=HOURS_MESSAGE),
            NumberRange(rules.HOURS_PER_MODULE_MIN, rules.HOURS_PER_MODULE_MAX, message=HOURS_MESSAGE),
        ],
    )
    block = StringField(
        "Term or block (optional)",
        widget=GovTextInput(),
        description="For example, Autumn term or Block 2.",
        validators=[Optional(), Length(max=NAME_MAX_LENGTH, message=rules.too_long(NAME_MAX_LENGTH, "Term or block"))],
    )
    prerequisite_keys = ChoicesField(
        "Prerequisites (optional)",
        widget=GovCheckboxesInput(),
        choices=[],
        invalid_message="Select prerequisites from the modules of this programme",
        description="Modules a trainee should complete before this one.",
    )
    submit = SubmitField("Save module", widget=GovSubmitInput())


class OwnModuleForm(LockedForm):
    title = StringField(
        "Module title",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a title for the module"),
            Length(max=TITLE_MAX_LENGTH, message=rules.too_long(TITLE_MAX_LENGTH, "Title")),
        ],
    )
    summary = TextAreaField(
        "Summary (optional)",
        widget=GovTextArea(),
        validators=[
            Optional(),
            Length(max=rules.SUMMARY_MAX_LENGTH, message=rules.too_long(rules.SUMMARY_MAX_LENGTH, "Summary")),
        ],
    )
    hours = WholeNumberField(
        "Hours",
        widget=GovTextInput(),
        invalid_message=HOURS_NOT_A_NUMBER,
        validators=[
            InputRequired(message=HOURS_MESSAGE),
            NumberRange(rules.HOURS_PER_MODULE_MIN, rules.HOURS_PER_MODULE_MAX, message=HOURS_MESSAGE),
        ],
    )
    block = StringField(
        "Term or block (optional)",
        widget=GovTextInput(),
        validators=[Optional(), Length(max=NAME_MAX_LENGTH, message=rules.too_long(NAME_MAX_LENGTH, "Term or block"))],
    )
    area_key = ChoiceField(
        "Curriculum area",
        widget=GovSelect(),
        choices=[],
        validators=[Optional()],
        invalid_message="Select a curriculum area from the list",
        description="Counts the module towards that area’s coverage.",
    )
    outcomes = TextAreaField(
        "Learning outcomes (optional)",
        widget=GovTextArea(),
        description="One per line, each starting “Learn that…” (knowledge) or “Learn how to…” (practice).",
    )
    sources = TextAreaField(
        "Sources (optional)",
        widget=GovTextArea(),
        description="One per line: the research, guidance or law the outcomes draw on.",
    )
    submit = SubmitField("Add module", widget=GovSubmitInput())

    def parsed_outcomes(self) -> tuple[tuple[str, str], ...]:
        found = []
        for line in (self.outcomes.data or "").splitlines():
            line = line.strip()
            kind = rules.outcome_kind(line)
            if line and kind:
                found.append((kind, line))
        return tuple(found)

    def parsed_sources(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in (self.sources.data or "").splitlines() if line.strip())

    def validate_outcomes(self, field: TextAreaField) -> None:
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            line = line.strip()
            if line and rules.outcome_kind(line) is None:
                raise ValidationError(f"Start line {number} with “Learn that” or “Learn how to”")
            if len(line) > rules.OUTCOME_TEXT_MAX_LENGTH:
                raise ValidationError(f"Line {number}: {rules.too_long(rules.OUTCOME_TEXT_MAX_LENGTH, 'Outcome')}")

    def validate_sources(self, field: TextAreaField) -> None:
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            if len(line.strip()) > rules.SOURCE_MAX_LENGTH:
                raise ValidationError(f"Line {number}: {rules.too_long(rules.SOURCE_MAX_LENGTH, 'Source')}")


class AddModulesForm(LockedForm):
    """Catalogue modules to add to the draft, several at once (choices: those not in it yet)."""

    catalogue_key = ChoicesField(
        "Modules to add",
        choices=[],
        validate_choice=False,  # the service names an unknown key
        invalid_message="Select modules from the catalogue",
        validators=[InputRequired(message="Select at least one module to add")],
    )


class ImportForm(FlaskForm):
    document = FileField(
        "Programme file (JSON)",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose a programme file exported from this app")],
    )
    submit = SubmitField("Import programme", widget=GovSubmitInput())
