"""Forms of the assessments room: a cohort, an enrolment, and an observation against a rubric."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from assessments import sampling
from assessments.models import GAP_MAX, NAME_MAX_LENGTH, REASON_MAX_LENGTH, SCHOOL_MAX_LENGTH, SETTING_MAX_LENGTH
from competencies import engine
from competencies.engine.evidence import COMMENT_MAX
from competencies.forms import FAULT_COUNT_MAX, NOT_APPLICABLE_CHOICE, IntegerField, SelectField, SelectMultipleField
from core.forms import RealDateField, TextChecked, WholeNumberField
from core.problems import too_long

RATE_MESSAGE = "Enter the rate as a whole number from 1 to 100"
GAP_MESSAGE = f"Enter the gap as a whole number of levels from 0 to {GAP_MAX}"
PERCENT_MESSAGE = f"Enter the percentage as a whole number from {sampling.PERCENT_MIN} to {sampling.PERCENT_MAX}"


class CohortForm(TextChecked, FlaskForm):
    name = StringField("Cohort name", widget=GovTextInput(), validators=[
        InputRequired(message="Enter a name for the cohort"),
        Length(max=NAME_MAX_LENGTH, message=too_long(NAME_MAX_LENGTH, "Cohort name"))])
    programme_version_id = SelectField("Programme version", coerce=int, widget=GovSelect(),
                                       invalid="Choose a published programme version",
                                       validators=[InputRequired(message="Choose a published programme version")])
    submit = SubmitField("Create cohort", widget=GovSubmitInput())


class EnrolmentForm(TextChecked, FlaskForm):
    trainee_id = SelectField("Trainee", coerce=int, widget=GovSelect(), invalid="Choose a trainee",
                             validators=[InputRequired(message="Choose a trainee")])
    mentor_id = SelectField("Mentor", coerce=int, widget=GovSelect(), invalid="Choose a mentor",
                            validators=[InputRequired(message="Choose a mentor")])
    school = StringField("School", widget=GovTextInput(), validators=[
        Length(max=SCHOOL_MAX_LENGTH, message=too_long(SCHOOL_MAX_LENGTH, "School"))])
    became_senco = RealDateField("Date they became SENCO at this school", widget=GovDateInput(), format="%d %m %Y",
                                 description="For example, 1 9 2025. Leave blank if not known yet",
                                 validators=[Optional()])
    earlier_senco_months = WholeNumberField(
        "Earlier SENCO service, in months", widget=GovTextInput(), default=0,
        message="Enter earlier service as a whole number of months between 0 and 1,200",
        validators=[Optional(), NumberRange(0, 1_200, message="Enter earlier service as a whole number of months between 0 and 1,200")])
    submit = SubmitField("Enrol trainee", widget=GovSubmitInput())


def observation_form(rubric: engine.Rubric, present_choices: list[str], data: Any = None, **values: Any) -> FlaskForm:
    """When, where and who was present, then a level and a comment per criterion, and the named
    faults of the rubric as counts. Two buttons: save a draft, or submit (which locks it)."""

    class ObservationForm(TextChecked, FlaskForm):
        observed_on = RealDateField("Date of the observation", widget=GovDateInput(), format="%d %m %Y",
                                    description="For example, 3 3 2026",
                                    validators=[InputRequired(message="Enter the date of the observation")])
        setting = StringField("Setting", widget=GovTextInput(), description="Where it happened, for example ‘Year 4 classroom’",
                              validators=[InputRequired(message="Enter the setting, for example ‘Year 4 classroom’"),
                                          Length(max=SETTING_MAX_LENGTH, message=too_long(SETTING_MAX_LENGTH, "Setting"))])
        present = SelectMultipleField("Who was present", widget=GovCheckboxesInput(),
                                      choices=[SelectChoice(p, p) for p in present_choices], invalid="Choose who was present from the list",
                                      description="Roles only. Never record children’s names", validators=[Optional()])
        idempotency_key = HiddenField()
        lock_version = HiddenField()
        save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
        submit_observation = SubmitField("Submit observation", widget=GovSubmitInput())

    _add_marks(ObservationForm, rubric)
    return ObservationForm(formdata=data, **values)


def _add_marks(form: type[FlaskForm], rubric: engine.Rubric) -> None:
    """A level and a comment per criterion, and the rubric's named faults as counts."""
    if rubric.model is not engine.RubricModel.FAULTS:
        for i, criterion in enumerate(rubric.criteria):
            choices = [SelectChoice("", "Not observed")]
            if criterion.critical_level is None:
                choices.append(SelectChoice(NOT_APPLICABLE_CHOICE, "Not applicable in this observation"))
            choices += [SelectChoice(str(lv.value), f"{lv.value}: {lv.label}") for lv in criterion.levels]
            setattr(form, f"c{i}", SelectField(
                criterion.title, choices=choices, widget=GovSelect(), validators=[Optional()],
                invalid=f"Choose a level for ‘{criterion.title}’ from the list",
                description=f"Must reach level {criterion.critical_level}" if criterion.critical_level is not None else ""))
    for i, criterion in enumerate(rubric.criteria):
        setattr(form, f"m{i}", TextAreaField(
            f"Comment on ‘{criterion.title}’ (optional)", widget=GovTextArea(), validators=[
                Optional(), Length(max=COMMENT_MAX, message=too_long(COMMENT_MAX, "Comment"))]))
    for i, kind in enumerate(rubric.fault_types):
        setattr(form, f"f{i}", IntegerField(
            f"{kind.title} ({kind.severity.value}{', fails on its own' if kind.fails_alone else ''})",
            widget=GovTextInput(), default=0, invalid=f"Enter a whole number from 0 to {FAULT_COUNT_MAX}",
            validators=[Optional(), NumberRange(0, FAULT_COUNT_MAX, message=f"Enter a whole number from 0 to {FAULT_COUNT_MAX}")]))


def marks_form(rubric: engine.Rubric, data: Any = None, reason: bool = False, final: bool = False, **values: Any) -> FlaskForm:
    """Marks alone, without the observation's when and where: a moderator's blind second marking,
    or (``reason``) the judgement mentor and moderator agreed (``final``: a third marker decided), with why."""
    button = ("Record the final judgement" if final else "Record the agreed judgement") if reason else "Submit my marks"

    class MarksForm(TextChecked, FlaskForm):
        lock_version = HiddenField()
        submit = SubmitField(button, widget=GovSubmitInput())

    _add_marks(MarksForm, rubric)
    if reason:
        MarksForm.reason = TextAreaField(  # type: ignore[attr-defined]
            "Reason for the agreed judgement", widget=GovTextArea(),
            description="What you discussed and why you settled on these marks. The trainee’s progress will use them",
            validators=[InputRequired(message="Enter the reason for the agreed judgement"),
                        Length(max=REASON_MAX_LENGTH, message=too_long(REASON_MAX_LENGTH, "Reason"))])
    return MarksForm(formdata=data, **values)


def evidence_of(form: FlaskForm, rubric: engine.Rubric) -> dict[str, Any]:
    """The form's answers in the engine's evidence format."""
    judgements: list[dict[str, Any]] = []
    for i, criterion in enumerate(rubric.criteria):
        comment = (getattr(form, f"m{i}").data or "").strip()
        if rubric.model is engine.RubricModel.FAULTS:
            judgements.append({"criterion": criterion.key, "comment": comment})
            continue
        # Optional() lets blank or whitespace-only answers through unchecked: all of them are "not observed"
        answer = str(getattr(form, f"c{i}").data or "").strip()
        if answer == NOT_APPLICABLE_CHOICE:
            judgements.append({"criterion": criterion.key, "not_applicable": True, "comment": comment})
        elif answer:
            judgements.append({"criterion": criterion.key, "level": int(answer), "comment": comment})
    faults = [{"fault": kind.key} for i, kind in enumerate(rubric.fault_types) for _ in range(getattr(form, f"f{i}").data or 0)]
    return {"judgements": judgements, "faults": faults}


def answers_of(evidence: dict[str, Any], rubric: engine.Rubric) -> dict[str, Any]:
    """The form's starting values from stored evidence, to change a draft."""
    by_key = {j["criterion"]: j for j in evidence.get("judgements", [])}
    values: dict[str, Any] = {}
    for i, criterion in enumerate(rubric.criteria):
        j = by_key.get(criterion.key, {})
        values[f"m{i}"] = j.get("comment", "")
        if rubric.model is not engine.RubricModel.FAULTS:
            values[f"c{i}"] = NOT_APPLICABLE_CHOICE if j.get("not_applicable") else str(j["level"]) if j.get("level") is not None else ""
    for i, kind in enumerate(rubric.fault_types):
        values[f"f{i}"] = sum(1 for f in evidence.get("faults", []) if f["fault"] == kind.key)
    return values


class RandomSampleForm(TextChecked, FlaskForm):
    """A random share of a cohort's submitted observations, stratified by mentor and scenario."""

    percent = WholeNumberField(
        "Percentage of submitted observations to sample", widget=GovTextInput(),
        description=f"A whole number from {sampling.PERCENT_MIN} to {sampling.PERCENT_MAX}, for example 20",
        message=PERCENT_MESSAGE,
        validators=[InputRequired(message=PERCENT_MESSAGE), NumberRange(sampling.PERCENT_MIN, sampling.PERCENT_MAX, message=PERCENT_MESSAGE)])
    seed = StringField("Seed (optional)", widget=GovTextInput(),
                       description="Leave blank for a new one. Give a recorded seed to draw a sample the same way again",
                       validators=[Optional(), Length(max=sampling.SEED_MAX_LENGTH, message=too_long(sampling.SEED_MAX_LENGTH, "Seed"))])
    draw = SubmitField("Draw a random sample", widget=GovSubmitInput())


def chosen_sample_form(choices: list[SelectChoice], data: Any = None) -> FlaskForm:
    class ChosenSampleForm(TextChecked, FlaskForm):
        observation_ids = SelectMultipleField("Choose observations to moderate", coerce=int, widget=GovCheckboxesInput(),
                                              choices=choices, invalid="Choose observations from the list",
                                              validators=[InputRequired(message="Choose at least one observation")])
        choose = SubmitField("Add the chosen observations to a sample", widget=GovSubmitInput())

    return ChosenSampleForm(formdata=data)


class CalibrationForm(TextChecked, FlaskForm):
    minimum_kappa = StringField("Lowest quadratic-weighted kappa before a mentor is flagged for calibration",
                                widget=GovTextInput(), description="A number from -1 to 1, for example 0.6",
                                validators=[InputRequired(message="Enter the minimum kappa as a number from -1 to 1, like 0.6"),
                                            Length(max=10, message="Enter the minimum kappa as a number from -1 to 1, like 0.6")])
    min_pairs = WholeNumberField("Fewest pairs of marks before a figure counts", widget=GovTextInput(),
                                 message="Enter the fewest pairs as a whole number from 1 to 1,000",
                                 validators=[InputRequired(message="Enter the fewest pairs as a whole number from 1 to 1,000"),
                                             NumberRange(1, 1_000, message="Enter the fewest pairs as a whole number from 1 to 1,000")])
    sample_rate = WholeNumberField("Sampling rate for each mentor, in percent", widget=GovTextInput(),
                                   description="The share of each mentor’s submitted observations to moderate, for example 10",
                                   message=RATE_MESSAGE, validators=[InputRequired(message=RATE_MESSAGE), NumberRange(1, 100, message=RATE_MESSAGE)])
    raised_rate = WholeNumberField("Sampling rate for mentors flagged for calibration, in percent", widget=GovTextInput(),
                                   message=RATE_MESSAGE, validators=[InputRequired(message=RATE_MESSAGE), NumberRange(1, 100, message=RATE_MESSAGE)])
    adjudication_gap = WholeNumberField(
        "Levels apart before a third marker decides", widget=GovTextInput(),
        description="When the mentor’s and the moderator’s levels on a criterion are further apart than this, a third marker decides. For example 1",
        message=GAP_MESSAGE, validators=[InputRequired(message=GAP_MESSAGE), NumberRange(0, GAP_MAX, message=GAP_MESSAGE)])
    hold_results = BooleanField("Hold results back from trainees until their sampled observations are moderated",
                                widget=GovCheckboxInput(), validators=[Optional()])
    save = SubmitField("Save the settings", widget=GovSubmitInput())
