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

FAULT_COUNT_MAX = 99


def try_form(rubric: engine.Rubric, data: Any = None) -> FlaskForm:
    """One field per criterion: a level, or (faults rubrics) a count of each severity."""

    class TryForm(FlaskForm):
        submit = SubmitField("Try the rubric", widget=GovSubmitInput())

    for i, criterion in enumerate(rubric.criteria):
        if rubric.model is engine.RubricModel.FAULTS:
            for severity in engine.FaultSeverity:
                setattr(TryForm, f"c{i}_{severity.value}", IntegerField(
                    f"{criterion.title}: {severity.value} faults", widget=GovTextInput(), default=0,
                    validators=[Optional(), NumberRange(0, FAULT_COUNT_MAX, message=f"Enter a whole number from 0 to {FAULT_COUNT_MAX}")],
                ))
        else:
            choices = [SelectChoice("", "Not observed")] + [SelectChoice(str(lv.value), f"{lv.value}: {lv.label}") for lv in criterion.levels]
            setattr(TryForm, f"c{i}", SelectField(criterion.title, choices=choices, widget=GovSelect(), validators=[Optional()],
                                                  description=f"Must reach level {criterion.critical_level} whatever the total"
                                                  if criterion.critical_level else ""))
    return TryForm(formdata=data)


def evidence_of(form: FlaskForm, rubric: engine.Rubric) -> dict[str, Any]:
    """The form's answers in the engine's evidence format."""
    judgements, faults = [], []
    for i, criterion in enumerate(rubric.criteria):
        if rubric.model is engine.RubricModel.FAULTS:
            judgements.append({"criterion": criterion.key, "level": None})
            for severity in engine.FaultSeverity:
                count = getattr(form, f"c{i}_{severity.value}").data or 0
                faults += [{"criterion": criterion.key, "severity": severity.value}] * count
        elif getattr(form, f"c{i}").data:
            judgements.append({"criterion": criterion.key, "level": int(getattr(form, f"c{i}").data)})
    return {"judgements": judgements, "faults": faults}


MODEL_CHOICES = [
    SelectChoice(engine.RubricModel.ANALYTIC.value, "Levels and weights, with a pass mark"),
    SelectChoice(engine.RubricModel.FAULTS.value, "Faults, as in the driving test"),
    SelectChoice(engine.RubricModel.ENTRUSTMENT.value, "Entrustment: how much supervision was needed"),
]


class RubricForm(FlaskForm):
    title = StringField("Rubric title", widget=GovTextInput(),
                        validators=[InputRequired(message="Enter a title for the rubric"), Length(max=200)])
    model = RadioField("How is it scored?", choices=MODEL_CHOICES, widget=GovRadioInput(),
                       validators=[InputRequired(message="Choose how the rubric is scored")])
    threshold = DecimalField(
        "Pass mark or unsupervised level", widget=GovTextInput(), places=None, default=70,
        description="Levels and weights: the weighted score needed, 1 to 100 (per cent). "
                    "Entrustment: the level that means “unsupervised”, 1 to 5. Faults: not used.",
        validators=[InputRequired(message="Enter the pass mark or unsupervised level as a number")],
    )
    fault_limit = IntegerField(
        "Most minor faults allowed", widget=GovTextInput(), default=engine.DVSA_MINOR_FAULT_LIMIT,
        description="Faults rubrics only. The driving test allows 15.",
        validators=[InputRequired(message="Enter the most minor faults allowed as a whole number")],
    )
    scenario_key = SelectField("Observed scenario it scores (optional)", choices=[], widget=GovSelect(), validators=[Optional()])
    module_keys = SelectMultipleField("Curriculum modules it assesses (optional)", choices=[], widget=GovCheckboxesInput())
    submit = SubmitField("Save", widget=GovSubmitInput())


class CriterionForm(FlaskForm):
    title = StringField("Criterion", widget=GovTextInput(), description="What the observer judges, for example “Keeps the child’s voice central”.",
                        validators=[InputRequired(message="Enter the criterion"), Length(max=200)])
    weight = DecimalField("Weight", widget=GovTextInput(), places=None, default=1,
                          description="Levels and weights only: how much this criterion counts.",
                          validators=[InputRequired(message="Enter a weight as a number, 0 or more")])
    critical_level = IntegerField(
        "Must-meet level (optional)", widget=GovTextInput(), validators=[Optional()],
        description="The level this criterion must reach whatever the total. Leave empty if it can be traded off.",
    )
    levels = TextAreaField(
        "Levels (levels and weights only)", widget=GovTextArea(),
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


class ImportRubricForm(FlaskForm):
    document = FileField("Rubric file (JSON)", widget=GovFileInput(),
                         validators=[FileRequired(message="Choose a rubric file exported from this app")])
    submit = SubmitField("Import rubric", widget=GovSubmitInput())
