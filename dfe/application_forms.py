"""Forms of the Applications pages (GOV.UK widgets; each error says what to do)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from core.forms import HiddenIdsUnique
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number
from dfe.models import REASON_MAX_LENGTH

STATUS_FILTERS = {"pending": "Waiting for a decision", "accepted": "Accepted", "rejected": "Rejected", "": "All"}


class SyncForm(FlaskForm):
    submit = SubmitField("Sync now", widget=GovSubmitInput())


class _Decision(HiddenIdsUnique, FlaskForm):  # several decisions a page, each with its lock_version
    lock_version = HiddenField()

    def lock(self) -> int:
        # The page always sends the version it showed; one missing or unreadable ("²") is no version
        # a record has (they start at 1), so the decision is refused as made on a stale page.
        return whole_number((self.lock_version.data or "").strip(), RECORD_NUMBER_MAX) or 0


def _placement(form: _Decision, cohorts: list[SelectChoice], mentors: list[SelectChoice]) -> None:
    form.cohort_id.choices = [SelectChoice("", "Choose a cohort"), *cohorts]
    form.mentor_id.choices = [SelectChoice("", "Choose a mentor"), *mentors]


class AcceptForm(_Decision):
    funded_place = RadioField(
        "Is this a funded place?",
        choices=[SelectChoice("yes", "Yes, the DfE funds this place"), SelectChoice("no", "No")],
        widget=GovRadioInput(),
        validators=[Optional()],  # asked only when the applicant is eligible: the service says when it is missing
        description="The applicant is eligible for DfE funding. Say whether your provider gives them a funded place.",
    )
    cohort_id = SelectField("Cohort", widget=GovSelect(), validate_choice=False)
    mentor_id = SelectField("Mentor", widget=GovSelect(), validate_choice=False)
    accept = SubmitField("Accept and enrol", widget=GovSubmitInput())

    def funded(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.funded_place.data or "")


class FinishForm(_Decision):
    cohort_id = SelectField("Cohort", widget=GovSelect(), validate_choice=False)
    mentor_id = SelectField("Mentor", widget=GovSelect(), validate_choice=False)
    finish = SubmitField("Finish enrolment", widget=GovSubmitInput())


class RejectForm(_Decision):
    reason = TextAreaField(
        "Why are you rejecting this application?",
        widget=GovTextArea(),
        validators=[
            InputRequired("Enter why you are rejecting this application"),
            Length(max=REASON_MAX_LENGTH, message=f"The reason must be {REASON_MAX_LENGTH:,} characters or fewer"),
        ],
        description="Kept here for your records: the DfE is told only that you rejected it. "
        "You must tell the applicant yourself.",
    )
    reject = SubmitField("Reject application", widget=GovSubmitInput())


def choose(form: AcceptForm | FinishForm, cohorts: list[SelectChoice], mentors: list[SelectChoice]) -> None:
    _placement(form, cohorts, mentors)


def chosen_id(text: str | None) -> int | None:
    return whole_number((text or "").strip(), RECORD_NUMBER_MAX)
