"""Forms for moderation: drawing a sample, the cohort's calibration settings, appeals and exemplars."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from assessments import sampling
from assessments.forms.cohorts import GAP_MESSAGE, PERCENT_MESSAGE, RATE_MESSAGE
from assessments.forms.marks import add_marks
from assessments.models import (
    APPEAL_REASON_MAX_LENGTH,
    EXEMPLAR_ACCOUNT_MAX_LENGTH,
    EXEMPLAR_TITLE_MAX_LENGTH,
    GAP_MAX,
)
from competencies import engine
from competencies.forms import (
    SelectField,
    SelectMultipleField,
)
from core.forms import NamesChecked, RealDateField, TextChecked, WholeNumberField
from core.problems import too_long


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

    add_marks(DecisionForm, rubric)
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

    add_marks(ExemplarForm, rubric)
    return ExemplarForm(formdata=data)
