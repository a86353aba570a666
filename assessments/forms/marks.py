"""Forms that record marks against a rubric: an observation, a moderator's marks, a self-assessment."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovDateInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from assessments.models import (
    AGREED_REASON_MAX_LENGTH,
    PRESENT_NOTES_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SETTING_MAX_LENGTH,
)
from competencies import engine
from competencies.engine.evidence import COMMENT_MAX
from competencies.forms import (
    NOT_APPLICABLE_CHOICE,
    SelectMultipleField,
    add_fault_fields,
    add_level_fields,
    level_field,
)
from core.forms import NamesChecked, RealDateField, TextChecked
from core.problems import too_long


def observation_form(
    rubric: engine.Rubric, present_choices: list[str], data: Any = None, correction: bool = False, **values: Any
) -> FlaskForm:
    """When, where and who was present, then a level and a comment per criterion, and the named
    faults of the rubric as counts. Two buttons: save a draft, or submit (which locks it).
    A correction of a submitted observation asks for a reason and has one button."""

    class ObservationForm(NamesChecked, TextChecked, FlaskForm):
        observed_on = RealDateField(
            "Date of the observation",
            widget=GovDateInput(),
            format="%d %m %Y",
            description="For example, 3 3 2026",
            validators=[InputRequired(message="Enter the date of the observation")],
        )
        setting = StringField(
            "Setting",
            widget=GovTextInput(),
            description="Where it happened, for example ‘Year 4 classroom’",
            validators=[
                InputRequired(message="Enter the setting, for example ‘Year 4 classroom’"),
                Length(max=SETTING_MAX_LENGTH, message=too_long(SETTING_MAX_LENGTH, "Setting")),
            ],
        )
        present = SelectMultipleField(
            "Who was present",
            widget=GovCheckboxesInput(),
            choices=[SelectChoice(p, p) for p in present_choices],
            invalid="Choose who was present from the list",
            description="Roles only. Never record children’s names",
            validators=[Optional()],
        )
        present_notes = TextAreaField(
            "Notes on who was present (optional)",
            widget=GovTextArea(),
            description="Roles and context only, for example ‘class teacher joined for the second half’. "
            "Never record children’s names. Only you, other mentors of this trainee and the trainee see these notes",
            validators=[
                Optional(),
                Length(
                    max=PRESENT_NOTES_MAX_LENGTH, message=too_long(PRESENT_NOTES_MAX_LENGTH, "Notes on who was present")
                ),
            ],
        )
        idempotency_key = HiddenField()
        lock_version = HiddenField()
        save_draft = SubmitField("Save as draft", widget=GovSubmitInput())
        submit_observation = SubmitField("Submit observation", widget=GovSubmitInput())

    add_marks(ObservationForm, rubric)
    if correction:
        ObservationForm.reason = TextAreaField(  # type: ignore[attr-defined]
            "Why are you correcting this observation?",
            widget=GovTextArea(),
            description="The trainee and the other mentors read this in the observation’s history",
            validators=[
                InputRequired(message="Enter why you are correcting this observation"),
                Length(max=REASON_MAX_LENGTH, message=too_long(REASON_MAX_LENGTH, "Reason")),
            ],
        )
        ObservationForm.save_correction = SubmitField("Save the correction", widget=GovSubmitInput())  # type: ignore[attr-defined]
    return ObservationForm(formdata=data, **values)


def add_marks(form: type[FlaskForm], rubric: engine.Rubric) -> None:
    """A level and a comment per criterion, and the rubric's named faults as counts."""
    add_level_fields(form, rubric)
    for i, criterion in enumerate(rubric.criteria):
        setattr(
            form,
            f"m{i}",
            TextAreaField(
                f"Comment on ‘{criterion.title}’ (optional)",
                widget=GovTextArea(),
                validators=[Optional(), Length(max=COMMENT_MAX, message=too_long(COMMENT_MAX, "Comment"))],
            ),
        )
    add_fault_fields(form, rubric)


def marks_form(
    rubric: engine.Rubric, data: Any = None, reason: bool = False, final: bool = False, **values: Any
) -> FlaskForm:
    """Marks alone, without the observation's when and where: a moderator's blind second marking,
    or (``reason``) the judgement mentor and moderator agreed (``final``: a third marker decided), with why."""
    button = ("Record the final judgement" if final else "Record the agreed judgement") if reason else "Submit my marks"

    class MarksForm(NamesChecked, TextChecked, FlaskForm):
        lock_version = HiddenField()
        submit = SubmitField(button, widget=GovSubmitInput())

    add_marks(MarksForm, rubric)
    if reason:
        MarksForm.reason = TextAreaField(  # type: ignore[attr-defined]
            "Reason for the agreed judgement",
            widget=GovTextArea(),
            description="What you discussed and why you settled on these marks. The trainee’s progress will use them",
            validators=[
                InputRequired(message="Enter the reason for the agreed judgement"),
                Length(max=AGREED_REASON_MAX_LENGTH, message=too_long(AGREED_REASON_MAX_LENGTH, "Reason")),
            ],
        )
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
    faults = [
        {"fault": kind.key}
        for i, kind in enumerate(rubric.fault_types)
        for _ in range(getattr(form, f"f{i}").data or 0)
    ]
    return {"judgements": judgements, "faults": faults}


def answers_of(evidence: dict[str, Any], rubric: engine.Rubric) -> dict[str, Any]:
    """The form's starting values from stored evidence, to change a draft."""
    by_key = {j["criterion"]: j for j in evidence.get("judgements", [])}
    values: dict[str, Any] = {}
    for i, criterion in enumerate(rubric.criteria):
        j = by_key.get(criterion.key, {})
        values[f"m{i}"] = j.get("comment", "")
        if rubric.model is not engine.RubricModel.FAULTS:
            values[f"c{i}"] = (
                NOT_APPLICABLE_CHOICE
                if j.get("not_applicable")
                else str(j["level"])
                if j.get("level") is not None
                else ""
            )
    for i, kind in enumerate(rubric.fault_types):
        values[f"f{i}"] = sum(1 for f in evidence.get("faults", []) if f["fault"] == kind.key)
    return values


def self_assessment_form(
    criteria: list[engine.Criterion], data: Any = None, model: engine.RubricModel = engine.RubricModel.ANALYTIC
) -> FlaskForm:
    """The trainee's own level on each criterion, or not rated: the same radios, with the same
    descriptors, as the mentor's form, without the pass rule (it applies to the mentor's marks)."""

    class SelfAssessmentForm(FlaskForm):
        rate = SubmitField("Save my ratings", widget=GovSubmitInput())

    for i, criterion in enumerate(criteria):
        setattr(
            SelfAssessmentForm, f"r{i}", level_field(criterion, model, "Not rated", not_applicable=False, rule=False)
        )
    return SelfAssessmentForm(formdata=data)


def ratings_of(form: FlaskForm, criteria: list[engine.Criterion]) -> dict[str, int | None]:
    return {
        c.key: int(getattr(form, f"r{i}").data) if getattr(form, f"r{i}").data else None for i, c in enumerate(criteria)
    }
