"""Forms of the competencies room: trying a rubric, and authoring rubrics, criteria and faults.

Every field says what to do in GOV.UK style when its value cannot be read, never WTForms'
default text ("Not a valid integer value.").
"""

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
from wtforms import DecimalField as _DecimalField
from wtforms import IntegerField as _IntegerField
from wtforms import RadioField as _RadioField
from wtforms import SelectField as _SelectField
from wtforms import SelectMultipleField as _SelectMultipleField
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from competencies import engine
from curriculum.forms import LockedForm

FAULT_COUNT_MAX = 99


class _Readable:
    """A field whose unreadable value gets ``invalid``, a message in GOV.UK style."""

    def __init__(self, *args: Any, invalid: str, **kwargs: Any) -> None:
        self.invalid = invalid
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError:
            raise ValueError(self.invalid) from None

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)  # type: ignore[misc]
        except (ValueError, ValidationError):
            raise ValidationError(self.invalid) from None


class IntegerField(_Readable, _IntegerField):
    pass


class DecimalField(_Readable, _DecimalField):
    pass


class SelectField(_Readable, _SelectField):
    pass


class SelectMultipleField(_Readable, _SelectMultipleField):
    pass


class RadioField(_Readable, _RadioField):
    pass


NOT_APPLICABLE_CHOICE = "n/a"


class GovRadioWithHints(GovRadioInput):
    """GOV.UK radios whose choices carry a hint each (``field.hints``: value → text), with an "or"
    divider before ``field.divider_before``: govuk-frontend-wtf gives its items neither."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)
        if not (params.get("hint") or {}).get("text"):
            params.pop("hint", None)  # no empty hint under the legend
        params["fieldset"].setdefault("legend", {}).setdefault("classes", "govuk-fieldset__legend--s")
        items = []
        for item in params["items"]:
            if item["value"] == field.divider_before and items:
                items.append({"divider": "or"})
            hint = field.hints.get(item["value"])
            items.append({**item, "hint": {"text": hint}} if hint else item)
        params["items"] = items
        return params


class LevelField(RadioField):
    """A criterion's level as radios: each level's label, its descriptor as the hint."""

    def __init__(self, *args: Any, hints: dict[str, str], divider_before: str | None = None, **kwargs: Any) -> None:
        self.hints = hints
        self.divider_before = divider_before
        super().__init__(*args, widget=GovRadioWithHints(), **kwargs)


def level_field(
    criterion: engine.Criterion, model: engine.RubricModel, blank: str, not_applicable: bool, rule: bool = True
) -> LevelField:
    """The levels of ``criterion`` first, each with what a marker reads for it, then ``blank``
    (posted as "") and, if allowed, not applicable: one field for marking and self-assessment alike.
    ``rule``: say the criterion's must-reach level, if it has one, above the radios."""
    levels = [SelectChoice(str(lv.value), f"{lv.value}: {lv.label}") for lv in criterion.levels]
    others = [SelectChoice("", blank)]
    if not_applicable:
        others.append(SelectChoice(NOT_APPLICABLE_CHOICE, engine.NOT_APPLICABLE_WORDS))
    return LevelField(
        criterion.title,
        choices=levels + others,
        hints={str(lv.value): engine.descriptor_of(model, lv) for lv in criterion.levels},
        divider_before="",
        validators=[Optional()],
        invalid=f"Choose a level for ‘{criterion.title}’ from the list",
        description=engine.must_reach(criterion) if rule else "",
    )


def add_level_fields(form: type[FlaskForm], rubric: engine.Rubric) -> None:
    """A level field ``c<i>`` per criterion (a level, not observed, or not applicable where the
    criterion has no must-reach level), shared by the try-out and the observation forms. Faults
    rubrics have none: every criterion counts as observed."""
    if rubric.model is engine.RubricModel.FAULTS:
        return
    for i, criterion in enumerate(rubric.criteria):
        setattr(
            form,
            f"c{i}",
            level_field(criterion, rubric.model, engine.NOT_OBSERVED_WORDS, criterion.critical_level is None),
        )


def fault_hint(kind: engine.FaultType) -> str:
    """What a marker reads beside a fault's count: its severity, whether it fails alone, and why."""
    words = f"{kind.severity.value.capitalize()} fault"
    words += "; fails the observation on its own." if kind.fails_alone else "."
    return f"{words} {kind.why}" if kind.why else words


def add_fault_fields(form: type[FlaskForm], rubric: engine.Rubric) -> None:
    """A count ``f<i>`` of each fault type the rubric names (0 to FAULT_COUNT_MAX)."""
    message = f"Enter a whole number from 0 to {FAULT_COUNT_MAX}"
    for i, kind in enumerate(rubric.fault_types):
        setattr(
            form,
            f"f{i}",
            IntegerField(
                kind.title,
                widget=GovTextInput(),
                default=0,
                invalid=message,
                description=fault_hint(kind),
                validators=[Optional(), NumberRange(0, FAULT_COUNT_MAX, message=message)],
            ),
        )


def try_form(rubric: engine.Rubric, data: Any = None) -> FlaskForm:
    """One field per criterion (its level, not observed, or not applicable) and, when the rubric
    names fault types, a count of each. Faults rubrics: every criterion counts as observed."""

    class TryForm(FlaskForm):
        submit = SubmitField("Try the rubric", widget=GovSubmitInput())

    add_level_fields(TryForm, rubric)
    add_fault_fields(TryForm, rubric)
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
        elif answer and answer.strip():  # Optional() lets blank (whitespace) answers through as "not observed"
            judgements.append({"criterion": criterion.key, "level": int(answer)})
    faults = [
        {"fault": kind.key}
        for i, kind in enumerate(rubric.fault_types)
        for _ in range(getattr(form, f"f{i}").data or 0)
    ]
    return {"judgements": judgements, "faults": faults}


MODEL_CHOICES = [SelectChoice(model.value, engine.words_of(model).choice) for model in engine.RubricModel]
SEVERITY_CHOICES = [
    SelectChoice(engine.FaultSeverity.MINOR.value, "Minor: counts against the most minor faults allowed"),
    SelectChoice(engine.FaultSeverity.SERIOUS.value, "Serious: the observation is not yet met"),
    SelectChoice(engine.FaultSeverity.DANGEROUS.value, "Dangerous: the observation is not yet met"),
]


class RubricForm(LockedForm):
    """A rubric's settings. The view shows only the field its scoring model uses."""

    title = StringField(
        "Rubric title",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter a title for the rubric"),
            Length(max=200, message="Rubric title must be 200 characters or fewer"),
        ],
    )
    model = RadioField(
        "How is it scored?",
        choices=MODEL_CHOICES,
        widget=GovRadioInput(),
        invalid="Choose how the rubric is scored",
        validators=[InputRequired(message="Choose how the rubric is scored")],
    )
    pass_mark = DecimalField(
        "Pass mark (per cent)",
        widget=GovTextInput(),
        places=None,
        validators=[Optional()],
        invalid="Enter the pass mark as a number from 1 to 100, like 70",
        description="The weighted score needed to meet the rubric, from 1 to 100, for example 70.",
    )
    pass_level = IntegerField(
        "Pass level",
        widget=GovTextInput(),
        validators=[Optional()],
        invalid="Enter the pass level as a whole number from 1 to 5, like 4",
        description="The level on the entrustment scale that every criterion must reach, from 1 “I had to do it” "
        "to 5 “I did not need to be there” (the only unsupervised level).",
    )
    fault_limit = IntegerField(
        "Most minor faults allowed",
        widget=GovTextInput(),
        validators=[Optional()],
        invalid="Enter the most minor faults allowed as a whole number, like 15",
        description="The driving test allows 15.",
    )
    pass_rationale = TextAreaField(
        "Why this pass mark (optional)",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Why this pass mark must be 5,000 characters or fewer")],
        description="Say why this mark, level or number of faults shows the competency, for the people who rely on it.",
    )
    scenario_key = SelectField(
        "Observed scenario it scores (optional)",
        choices=[],
        widget=GovSelect(),
        validators=[Optional()],
        invalid="Choose a scenario from the list",
    )
    module_keys = SelectMultipleField(
        "Curriculum modules it assesses (optional)",
        choices=[],
        widget=GovCheckboxesInput(),
        invalid="Choose modules from the list",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class CriterionForm(LockedForm):
    title = StringField(
        "Criterion",
        widget=GovTextInput(),
        description="What the observer judges, for example “Keeps the child’s voice central”.",
        validators=[
            InputRequired(message="Enter the criterion"),
            Length(max=200, message="Criterion must be 200 characters or fewer"),
        ],
    )
    weight = DecimalField(
        "Weight",
        widget=GovTextInput(),
        places=None,
        default=1,
        invalid="Enter a weight as a number from 0 to 1,000, like 1 or 2.5",
        description="How much this criterion counts, for example 1 or 2.",
        validators=[InputRequired(message="Enter a weight as a number, 0 or more")],
    )
    critical_level = IntegerField(
        "Must-meet level (optional)",
        widget=GovTextInput(),
        validators=[Optional()],
        invalid="Enter the must-meet level as a whole number, like 3",
        description="The level this criterion must reach whatever the total. Leave empty if it can be traded off.",
    )
    levels = TextAreaField(
        "Levels",
        widget=GovTextArea(),
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
    title = StringField(
        "Fault",
        widget=GovTextInput(),
        description="What the mentor would record, for example “Shares results with the wrong person”.",
        validators=[
            InputRequired(message="Enter the fault"),
            Length(max=200, message="Fault must be 200 characters or fewer"),
        ],
    )
    severity = RadioField(
        "How severe is it when recorded?",
        choices=SEVERITY_CHOICES,
        widget=GovRadioInput(),
        default=engine.FaultSeverity.MINOR.value,
        invalid="Choose how severe the fault is",
        validators=[InputRequired(message="Choose how severe the fault is")],
    )
    fails_alone = RadioField(
        "Does it fail the observation on its own?",
        widget=GovRadioInput(),
        default="no",
        invalid="Choose yes if the fault fails the observation on its own",
        choices=[SelectChoice("yes", "Yes, whatever else went well"), SelectChoice("no", "No")],
        validators=[InputRequired(message="Choose yes if the fault fails the observation on its own")],
    )
    criterion = SelectField(
        "Criterion it belongs to (optional)",
        choices=[],
        widget=GovSelect(),
        validators=[Optional()],
        invalid="Choose a criterion from the list",
    )
    why = TextAreaField(
        "Why it is this severe (optional)",
        widget=GovTextArea(),
        validators=[Length(max=5000, message="Why it is this severe must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Save fault", widget=GovSubmitInput())


class ImportRubricForm(FlaskForm):
    document = FileField(
        "Rubric file (JSON)",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose a rubric file exported from this app")],
    )
    submit = SubmitField("Import rubric", widget=GovSubmitInput())
