"""The "try this rubric" form, built for each rubric's criteria."""
from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import IntegerField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

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
