"""Forms of the assessments room: a cohort, an enrolment, and an observation against a rubric."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from assessments.case_study_rules import CaseStudyResult
from assessments.models import NAME_MAX_LENGTH, SCHOOL_MAX_LENGTH, SETTING_MAX_LENGTH
from competencies import engine
from competencies.engine.evidence import COMMENT_MAX
from competencies.forms import FAULT_COUNT_MAX, NOT_APPLICABLE_CHOICE, IntegerField, SelectField, SelectMultipleField
from core.forms import RealDateField, TextChecked, WholeNumberField
from core.problems import too_long


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

    if rubric.model is not engine.RubricModel.FAULTS:
        for i, criterion in enumerate(rubric.criteria):
            choices = [SelectChoice("", "Not observed")]
            if criterion.critical_level is None:
                choices.append(SelectChoice(NOT_APPLICABLE_CHOICE, "Not applicable in this observation"))
            choices += [SelectChoice(str(lv.value), f"{lv.value}: {lv.label}") for lv in criterion.levels]
            setattr(ObservationForm, f"c{i}", SelectField(
                criterion.title, choices=choices, widget=GovSelect(), validators=[Optional()],
                invalid=f"Choose a level for ‘{criterion.title}’ from the list",
                description=f"Must reach level {criterion.critical_level}" if criterion.critical_level is not None else ""))
    for i, criterion in enumerate(rubric.criteria):
        setattr(ObservationForm, f"m{i}", TextAreaField(
            f"Comment on ‘{criterion.title}’ (optional)", widget=GovTextArea(), validators=[
                Optional(), Length(max=COMMENT_MAX, message=too_long(COMMENT_MAX, "Comment"))]))
    for i, kind in enumerate(rubric.fault_types):
        setattr(ObservationForm, f"f{i}", IntegerField(
            f"{kind.title} ({kind.severity.value}{', fails on its own' if kind.fails_alone else ''})",
            widget=GovTextInput(), default=0, invalid=f"Enter a whole number from 0 to {FAULT_COUNT_MAX}",
            validators=[Optional(), NumberRange(0, FAULT_COUNT_MAX, message=f"Enter a whole number from 0 to {FAULT_COUNT_MAX}")]))
    return ObservationForm(formdata=data, **values)


def evidence_of(form: FlaskForm, rubric: engine.Rubric) -> dict[str, Any]:
    """The form's answers in the engine's evidence format."""
    judgements: list[dict[str, Any]] = []
    for i, criterion in enumerate(rubric.criteria):
        comment = (getattr(form, f"m{i}").data or "").strip()
        if rubric.model is engine.RubricModel.FAULTS:
            judgements.append({"criterion": criterion.key, "comment": comment})
            continue
        answer = getattr(form, f"c{i}").data
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


RESULT_CHOICES = [SelectChoice("", "No result yet"),
                  *(SelectChoice(r.value, r.label) for r in CaseStudyResult)]


def _optional_date(label: str, hint: str = "For example, 3 3 2027") -> RealDateField:
    return RealDateField(label, widget=GovDateInput(), format="%d %m %Y", description=hint, validators=[Optional()])


class CaseStudyForm(TextChecked, FlaskForm):
    """The case-study assessment as a designer or administrator records it: every date and the result."""

    window_opens = _optional_date("Submission window opens")
    window_closes = _optional_date("Submission window closes")
    submitted_on = _optional_date("Date the case study was submitted")
    # No Optional(): it would let blank-looking text ("   ") through unchecked; "" is a choice of its own.
    result = SelectField("Result", choices=RESULT_CHOICES, widget=GovSelect(), invalid="Choose a result from the list")
    result_on = _optional_date("Date of the result")
    submit = SubmitField("Save the case-study assessment", widget=GovSubmitInput())


class SubmissionForm(TextChecked, FlaskForm):
    """The trainee's own part: the date they submitted their case study."""

    submitted_on = _optional_date("Date you submitted your case study", "For example, 3 3 2027. Leave blank if not submitted yet")
    submit = SubmitField("Save the date", widget=GovSubmitInput())


def ascii_id(value: Any) -> int:
    """An option's id as the browser sends it: ASCII digits only (``int`` would also read "１", a
    full-width digit, as 1 and so pick a person nobody chose)."""
    if isinstance(value, int):
        return value
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        raise ValueError(text)
    return int(text)


class AddMentorForm(TextChecked, FlaskForm):
    mentor_id = SelectField("Mentor", coerce=ascii_id, widget=GovSelect(), invalid="Choose a mentor",
                            validators=[InputRequired(message="Choose a mentor")])
    submit = SubmitField("Add mentor", widget=GovSubmitInput())
