"""The "try this rubric" form, built for each rubric's criteria."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from competencies import engine
from curriculum.forms import LockedForm

FAULT_COUNT_MAX = 99


NOT_APPLICABLE_CHOICE = "n/a"


def try_form(rubric: engine.Rubric, data: Any = None) -> FlaskForm:
    """One field per criterion (its level, not observed, or not applicable) and, when the rubric
    names fault types, a count of each. Faults rubrics: every criterion counts as observed."""

    class TryForm(FlaskForm):
        submit = SubmitField("Try the rubric", widget=GovSubmitInput())

    if rubric.model is not engine.RubricModel.FAULTS:
        for i, criterion in enumerate(rubric.criteria):
            choices = [SelectChoice("", "Not observed")]
            if criterion.critical_level is None:
                choices.append(SelectChoice(NOT_APPLICABLE_CHOICE, "Not applicable in this observation"))
            choices += [SelectChoice(str(lv.value), f"{lv.value}: {lv.label}") for lv in criterion.levels]
            setattr(TryForm, f"c{i}", SelectField(criterion.title, choices=choices, widget=GovSelect(), validators=[Optional()],
                                                  description=f"Must reach level {criterion.critical_level} whatever the total"
                                                  if criterion.critical_level is not None else ""))
    for i, kind in enumerate(rubric.fault_types):
        setattr(TryForm, f"f{i}", IntegerField(
            f"{kind.title} ({kind.severity.value}{', fails on its own' if kind.fails_alone else ''})",
            widget=GovTextInput(), default=0,
            validators=[Optional(), NumberRange(0, FAULT_COUNT_MAX, message=f"Enter a whole number from 0 to {FAULT_COUNT_MAX}")],
        ))
    return TryForm(formdata=data)


def evidence_of(form: FlaskForm, rubric: engine.Rubric) -> dict[str, Any]:
    """The form's answers in the engine's evidence format."""
    judgements: list[dict[str, Any]] = []
    for i, criterion in enumerate(rubric.criteria):
        if rubric.model is engine.RubricModel.FAULTS:
            judgements.append({"criterion": criterion.key})
            continue
        answer = getattr(form, f"c{i}").data
        if answer == NOT_APPLICABLE_CHOICE:
            judgements.append({"criterion": criterion.key, "not_applicable": True})
        elif answer:
            judgements.append({"criterion": criterion.key, "level": int(answer)})
    faults = [{"fault": kind.key} for i, kind in enumerate(rubric.fault_types)
              for _ in range(getattr(form, f"f{i}").data or 0)]
    return {"judgements": judgements, "faults": faults}


MODEL_CHOICES = [
    SelectChoice(engine.RubricModel.ANALYTIC.value, "Levels and weights, with a pass mark"),
    SelectChoice(engine.RubricModel.FAULTS.value, "Faults, as in the driving test"),
    SelectChoice(engine.RubricModel.ENTRUSTMENT.value, "Entrustment: how much supervision was needed"),
]
SEVERITY_CHOICES = [
    SelectChoice(engine.FaultSeverity.MINOR.value, "Minor: counts against the most minor faults allowed"),
    SelectChoice(engine.FaultSeverity.SERIOUS.value, "Serious: the observation is not yet met"),
    SelectChoice(engine.FaultSeverity.DANGEROUS.value, "Dangerous: the observation is not yet met"),
]


class RubricForm(LockedForm):
    """A rubric's settings. The view shows only the field its scoring model uses."""

    title = StringField("Rubric title", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter a title for the rubric"),
                                    Length(max=200, message="Rubric title must be 200 characters or fewer")])
    model = RadioField("How is it scored?", choices=MODEL_CHOICES, widget=GovRadioInput(),
                       validators=[InputRequired(message="Choose how the rubric is scored")])
    pass_mark = DecimalField(
        "Pass mark (per cent)", widget=GovTextInput(), places=None, validators=[Optional()],
        description="The weighted score needed to meet the rubric, from 1 to 100, for example 70.",
    )
    pass_level = IntegerField(
        "Pass level", widget=GovTextInput(), validators=[Optional()],
        description="The level on the entrustment scale that every criterion must reach, from 1 “I had to do it” "
                    "to 5 “I did not need to be there” (the only unsupervised level).",
    )
    fault_limit = IntegerField(
        "Most minor faults allowed", widget=GovTextInput(), validators=[Optional()],
        description="The driving test allows 15.",
    )
    pass_rationale = TextAreaField(
        "Why this pass mark (optional)", widget=GovTextArea(),
        validators=[Length(max=5000, message="Why this pass mark must be 5,000 characters or fewer")],
        description="Say why this mark, level or number of faults shows the competency, for the people who rely on it.",
    )
    scenario_key = SelectField("Observed scenario it scores (optional)", choices=[], widget=GovSelect(), validators=[Optional()])
    module_keys = SelectMultipleField("Curriculum modules it assesses (optional)", choices=[], widget=GovCheckboxesInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


class CriterionForm(LockedForm):
    title = StringField("Criterion", widget=GovTextInput(), description="What the observer judges, for example “Keeps the child’s voice central”.",
                        validators=[InputRequired(message="Enter the criterion"),
                                    Length(max=200, message="Criterion must be 200 characters or fewer")])
    weight = DecimalField("Weight", widget=GovTextInput(), places=None, default=1,
                          description="How much this criterion counts, for example 1 or 2.",
                          validators=[InputRequired(message="Enter a weight as a number, 0 or more")])
    critical_level = IntegerField(
        "Must-meet level (optional)", widget=GovTextInput(), validators=[Optional()],
        description="The level this criterion must reach whatever the total. Leave empty if it can be traded off.",
    )
    levels = TextAreaField(
        "Levels", widget=GovTextArea(),
        description="One per line, lowest first, as “Label: what the observer sees”. They are numbered 1, 2, 3…",
    )
    submit = SubmitField("Save criterion", widget=GovSubmitInput())

    def parsed_levels(self) -> tuple[tuple[str, str], ...]:
        found = []
        for line in (self.levels.data or "").splitlines():
            if line.strip():
                label, _, text = line.partition(":")
                found.append((label.strip(), text.strip()))
        return tuple(found)


class FaultTypeForm(LockedForm):
    title = StringField("Fault", widget=GovTextInput(), description="What the mentor would record, for example “Shares results with the wrong person”.",
                        validators=[InputRequired(message="Enter the fault"),
                                    Length(max=200, message="Fault must be 200 characters or fewer")])
    severity = RadioField("How severe is it when recorded?", choices=SEVERITY_CHOICES, widget=GovRadioInput(),
                          default=engine.FaultSeverity.MINOR.value,
                          validators=[InputRequired(message="Choose how severe the fault is")])
    fails_alone = RadioField("Does it fail the observation on its own?", widget=GovRadioInput(), default="no",
                             choices=[SelectChoice("yes", "Yes, whatever else went well"), SelectChoice("no", "No")],
                             validators=[InputRequired(message="Choose yes if the fault fails the observation on its own")])
    criterion = SelectField("Criterion it belongs to (optional)", choices=[], widget=GovSelect(), validators=[Optional()])
    why = TextAreaField("Why it is this severe (optional)", widget=GovTextArea(),
                        validators=[Length(max=5000, message="Why it is this severe must be 5,000 characters or fewer")])
    submit = SubmitField("Save fault", widget=GovSubmitInput())


class ImportRubricForm(FlaskForm):
    document = FileField("Rubric file (JSON)", widget=GovFileInput(),
                         validators=[FileRequired(message="Choose a rubric file exported from this app")])
    submit = SubmitField("Import rubric", widget=GovSubmitInput())
