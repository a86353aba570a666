"""Forms of the assessments room: a cohort, an enrolment, and an observation against a rubric."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
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
from assessments.case_study_rules import CaseStudyResult
from assessments.deadlines import EARLIER_MONTHS_MAX, ServicePeriod
from assessments.enrolment_rules import KINDS_HELP, PERIODS_TEXT_MAX, RuleError, parse_periods
from assessments.models import (
    AGREED_REASON_MAX_LENGTH,
    APPEAL_REASON_MAX_LENGTH,
    EXEMPLAR_ACCOUNT_MAX_LENGTH,
    EXEMPLAR_TITLE_MAX_LENGTH,
    GAP_MAX,
    NAME_MAX_LENGTH,
    NEXT_STEP_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PRESENT_NOTES_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    SCHOOL_MAX_LENGTH,
    SETTING_MAX_LENGTH,
)
from assessments.services.cohorts import AGGREGATION_LABELS
from competencies import engine
from competencies.engine.evidence import COMMENT_MAX
from competencies.forms import (
    NOT_APPLICABLE_CHOICE,
    SelectField,
    SelectMultipleField,
    add_fault_fields,
    add_level_fields,
)
from core.forms import NamesChecked, RealDateField, TextChecked, WholeNumberField
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

    _add_marks(ObservationForm, rubric)
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


def _add_marks(form: type[FlaskForm], rubric: engine.Rubric) -> None:
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

    _add_marks(MarksForm, rubric)
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


def self_assessment_form(criteria: list[engine.Criterion], data: Any = None) -> FlaskForm:
    """The trainee's own level on each criterion, or not rated."""

    class SelfAssessmentForm(FlaskForm):
        rate = SubmitField("Save my ratings", widget=GovSubmitInput())

    for i, criterion in enumerate(criteria):
        choices = [SelectChoice("", "Not rated")] + [
            SelectChoice(str(lv.value), f"{lv.value}: {lv.label}") for lv in criterion.levels
        ]
        setattr(
            SelfAssessmentForm,
            f"r{i}",
            SelectField(
                criterion.title,
                choices=choices,
                widget=GovSelect(),
                validators=[Optional()],
                invalid=f"Choose a level for ‘{criterion.title}’ from the list",
            ),
        )
    return SelfAssessmentForm(formdata=data)


def ratings_of(form: FlaskForm, criteria: list[engine.Criterion]) -> dict[str, int | None]:
    return {
        c.key: int(getattr(form, f"r{i}").data) if getattr(form, f"r{i}").data else None for i, c in enumerate(criteria)
    }


class ReflectionForm(NamesChecked, TextChecked, FlaskForm):
    reflection = TextAreaField(
        "Your reflection",
        widget=GovTextArea(),
        description="What went well, what you would do differently, and what you will try next. "
        "Only you and your mentors can read it",
        validators=[
            InputRequired(message="Enter your reflection"),
            Length(max=REFLECTION_MAX_LENGTH, message=too_long(REFLECTION_MAX_LENGTH, "Reflection")),
        ],
    )
    save_reflection = SubmitField("Save reflection", widget=GovSubmitInput())


class NextStepForm(NamesChecked, TextChecked, FlaskForm):
    criterion_key = SelectField(
        "Criterion it works on",
        widget=GovSelect(),
        invalid="Choose a criterion from the list",
        validators=[InputRequired(message="Choose a criterion from the list")],
    )
    text = TextAreaField(
        "Next step",
        widget=GovTextArea(),
        description="One thing to work on before the next observation of this scenario",
        validators=[
            InputRequired(message="Enter the next step"),
            Length(max=NEXT_STEP_MAX_LENGTH, message=too_long(NEXT_STEP_MAX_LENGTH, "Next step")),
        ],
    )
    save_next_step = SubmitField("Set next step", widget=GovSubmitInput())


class RequestForm(NamesChecked, TextChecked, FlaskForm):
    mentor_id = SelectField(
        "Mentor",
        coerce=int,
        widget=GovSelect(),
        invalid="Choose one of your mentors",
        validators=[InputRequired(message="Choose one of your mentors")],
    )
    scenario_key = SelectField(
        "Scenario",
        widget=GovSelect(),
        invalid="Choose a scenario of your programme",
        validators=[InputRequired(message="Choose a scenario of your programme")],
    )
    note = TextAreaField(
        "Note to your mentor (optional)",
        widget=GovTextArea(),
        description="For example, when the meeting is. Never include children’s names",
        validators=[Optional(), Length(max=NOTE_MAX_LENGTH, message=too_long(NOTE_MAX_LENGTH, "Note"))],
    )
    submit = SubmitField("Send request", widget=GovSubmitInput())


class AcceptRequestForm(FlaskForm):
    planned_on = RealDateField(
        "Date you plan to observe",
        widget=GovDateInput(),
        format="%d %m %Y",
        description="For example, 3 3 2026",
        validators=[InputRequired(message="Enter the date you plan to observe")],
    )
    accept = SubmitField("Accept", widget=GovSubmitInput())


class DeclineRequestForm(TextChecked, FlaskForm):
    reason = TextAreaField(
        "Why are you declining?",
        widget=GovTextArea(),
        validators=[
            InputRequired(message="Enter why you are declining, so your trainee knows what to do next"),
            Length(max=REASON_MAX_LENGTH, message=too_long(REASON_MAX_LENGTH, "Reason")),
        ],
    )
    decline = SubmitField("Decline", widget=GovSubmitInput())


class ReviewNextStepForm(FlaskForm):
    done = SubmitField("Done", widget=GovSubmitInput())
    not_yet = SubmitField("Not yet", widget=GovSubmitInput())


RESULT_CHOICES = [SelectChoice("", "No result yet"), *(SelectChoice(r.value, r.label) for r in CaseStudyResult)]


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
    lock_version = HiddenField()
    submit = SubmitField("Save the case-study assessment", widget=GovSubmitInput())


class SubmissionForm(TextChecked, FlaskForm):
    """The trainee's own part: the date they submitted their case study."""

    submitted_on = _optional_date(
        "Date you submitted your case study", "For example, 3 3 2027. Leave blank if not submitted yet"
    )
    lock_version = HiddenField()
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
    mentor_id = SelectField(
        "Mentor",
        coerce=ascii_id,
        widget=GovSelect(),
        invalid="Choose a mentor",
        validators=[InputRequired(message="Choose a mentor")],
    )
    submit = SubmitField("Add mentor", widget=GovSubmitInput())


class RandomSampleForm(TextChecked, FlaskForm):
    """A random share of a cohort's submitted observations, stratified by mentor and scenario."""

    percent = WholeNumberField(
        "Percentage of submitted observations to sample",
        widget=GovTextInput(),
        description=f"A whole number from {sampling.PERCENT_MIN} to {sampling.PERCENT_MAX}, for example 20",
        message=PERCENT_MESSAGE,
        validators=[
            InputRequired(message=PERCENT_MESSAGE),
            NumberRange(sampling.PERCENT_MIN, sampling.PERCENT_MAX, message=PERCENT_MESSAGE),
        ],
    )
    seed = StringField(
        "Seed (optional)",
        widget=GovTextInput(),
        description="Leave blank for a new one. Give a recorded seed to draw a sample the same way again",
        validators=[
            Optional(),
            Length(max=sampling.SEED_MAX_LENGTH, message=too_long(sampling.SEED_MAX_LENGTH, "Seed")),
        ],
    )
    draw = SubmitField("Draw a random sample", widget=GovSubmitInput())


def chosen_sample_form(choices: list[SelectChoice], data: Any = None) -> FlaskForm:
    class ChosenSampleForm(TextChecked, FlaskForm):
        observation_ids = SelectMultipleField(
            "Choose observations to moderate",
            coerce=int,
            widget=GovCheckboxesInput(),
            choices=choices,
            invalid="Choose observations from the list",
            validators=[InputRequired(message="Choose at least one observation")],
        )
        choose = SubmitField("Add the chosen observations to a sample", widget=GovSubmitInput())

    return ChosenSampleForm(formdata=data)


class CalibrationForm(TextChecked, FlaskForm):
    minimum_kappa = StringField(
        "Lowest quadratic-weighted kappa before a mentor is flagged for calibration",
        widget=GovTextInput(),
        description="A number from -1 to 1, for example 0.6",
        validators=[
            InputRequired(message="Enter the minimum kappa as a number from -1 to 1, like 0.6"),
            Length(max=10, message="Enter the minimum kappa as a number from -1 to 1, like 0.6"),
        ],
    )
    min_pairs = WholeNumberField(
        "Fewest pairs of marks before a figure counts",
        widget=GovTextInput(),
        message="Enter the fewest pairs as a whole number from 1 to 1,000",
        validators=[
            InputRequired(message="Enter the fewest pairs as a whole number from 1 to 1,000"),
            NumberRange(1, 1_000, message="Enter the fewest pairs as a whole number from 1 to 1,000"),
        ],
    )
    sample_rate = WholeNumberField(
        "Sampling rate for each mentor, in percent",
        widget=GovTextInput(),
        description="The share of each mentor’s submitted observations to moderate, for example 10",
        message=RATE_MESSAGE,
        validators=[InputRequired(message=RATE_MESSAGE), NumberRange(1, 100, message=RATE_MESSAGE)],
    )
    raised_rate = WholeNumberField(
        "Sampling rate for mentors flagged for calibration, in percent",
        widget=GovTextInput(),
        message=RATE_MESSAGE,
        validators=[InputRequired(message=RATE_MESSAGE), NumberRange(1, 100, message=RATE_MESSAGE)],
    )
    adjudication_gap = WholeNumberField(
        "Levels apart before a third marker decides",
        widget=GovTextInput(),
        description="When the mentor’s and the moderator’s levels on a criterion are further apart than this, a third marker decides. For example 1",
        message=GAP_MESSAGE,
        validators=[InputRequired(message=GAP_MESSAGE), NumberRange(0, GAP_MAX, message=GAP_MESSAGE)],
    )
    new_mentor_rate = WholeNumberField(
        "Sampling rate for a new mentor’s first observations, in percent",
        widget=GovTextInput(),
        message=RATE_MESSAGE,
        validators=[InputRequired(message=RATE_MESSAGE), NumberRange(1, 100, message=RATE_MESSAGE)],
    )
    new_mentor_first = WholeNumberField(
        "How many of a mentor’s first observations count as new",
        widget=GovTextInput(),
        description="Counted over all the mentor’s submitted observations, in any cohort. 0 turns the higher rate off",
        message=sampling.NEW_FIRST_MESSAGE,
        validators=[
            InputRequired(message=sampling.NEW_FIRST_MESSAGE),
            NumberRange(0, sampling.NEW_FIRST_MAX, message=sampling.NEW_FIRST_MESSAGE),
        ],
    )
    interim_share = WholeNumberField(
        "Interim share, in percent",
        widget=GovTextInput(),
        description="The part of each mentor’s planned sample due by the interim date; the rest is due by the end",
        message=sampling.INTERIM_SHARE_MESSAGE,
        validators=[
            InputRequired(message=sampling.INTERIM_SHARE_MESSAGE),
            NumberRange(0, 100, message=sampling.INTERIM_SHARE_MESSAGE),
        ],
    )
    interim_on = RealDateField(
        "Interim date",
        format="%d %m %Y",
        validators=[Optional()],
        description="For example, 27 3 2027. Leave blank if the cohort has no interim point",
    )
    hold_results = BooleanField(
        "Hold results back from trainees until their sampled observations are moderated",
        widget=GovCheckboxInput(),
        validators=[Optional()],
    )
    lock_version = HiddenField()
    save = SubmitField("Save the settings", widget=GovSubmitInput())


# ---- appeals and calibration (issue 14) ----------------------------------------------------

APPEAL_REASON_MESSAGE = "Enter why you are asking for a review"
DECISION_REASON_MESSAGE = "Enter the reason for your decision"


class AppealForm(NamesChecked, TextChecked, FlaskForm):
    """A trainee's request for a review of a moderated judgement."""

    reason = TextAreaField(
        "Why are you asking for a review?",
        widget=GovTextArea(),
        description="Say which marks you think are wrong and why. A moderator who did not mark it will decide",
        validators=[
            InputRequired(message=APPEAL_REASON_MESSAGE),
            Length(max=APPEAL_REASON_MAX_LENGTH, message=too_long(APPEAL_REASON_MAX_LENGTH, "Reason")),
        ],
    )
    submit = SubmitField("Ask for a review", widget=GovSubmitInput())


def appeal_decision_form(rubric: engine.Rubric, data: Any = None, **values: Any) -> FlaskForm:
    """The reviewer's decision: the judgement stands, or the new marks that replace it; with why."""

    class DecisionForm(NamesChecked, TextChecked, FlaskForm):
        decision = SelectField(
            "Your decision",
            widget=GovRadioInput(),
            invalid="Choose whether the judgement stands or changes",
            choices=[
                SelectChoice("upheld", "The judgement stands (upheld)"),
                SelectChoice("changed", "The judgement changes to the marks below"),
            ],
            validators=[InputRequired(message="Choose whether the judgement stands or changes")],
        )
        decision_reason = TextAreaField(
            "Reason for your decision",
            widget=GovTextArea(),
            description="The trainee and the mentor will read it",
            validators=[
                InputRequired(message=DECISION_REASON_MESSAGE),
                Length(max=APPEAL_REASON_MAX_LENGTH, message=too_long(APPEAL_REASON_MAX_LENGTH, "Reason")),
            ],
        )
        submit = SubmitField("Record the decision", widget=GovSubmitInput())

    _add_marks(DecisionForm, rubric)
    return DecisionForm(formdata=data, **values)


def exemplar_form(rubric: engine.Rubric, data: Any = None) -> FlaskForm:
    """A calibration exemplar: its title, the account of practice, and its agreed marks."""

    class ExemplarForm(NamesChecked, TextChecked, FlaskForm):
        title = StringField(
            "Title",
            widget=GovTextInput(),
            description="For example, ‘An annual review with a Year 9 pupil’",
            validators=[
                InputRequired(message="Enter a title for the exemplar"),
                Length(max=EXEMPLAR_TITLE_MAX_LENGTH, message=too_long(EXEMPLAR_TITLE_MAX_LENGTH, "Title")),
            ],
        )
        account = TextAreaField(
            "Account of practice",
            widget=GovTextArea(),
            description="A written account of what happened, as an observer would record it. Use no real child's name",
            validators=[
                InputRequired(message="Enter the account of practice that mentors will score"),
                Length(max=EXEMPLAR_ACCOUNT_MAX_LENGTH, message=too_long(EXEMPLAR_ACCOUNT_MAX_LENGTH, "Account")),
            ],
        )
        submit = SubmitField("Publish the exemplar", widget=GovSubmitInput())

    _add_marks(ExemplarForm, rubric)
    return ExemplarForm(formdata=data)


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
