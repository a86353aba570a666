"""Forms for the case study: its result and dates, a submission and an added mentor."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import HiddenField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from assessments.case_study_rules import CaseStudyResult
from competencies.forms import (
    SelectField,
)
from core.forms import RealDateField, TextChecked
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number

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
    found = whole_number(str(value), RECORD_NUMBER_MAX)
    if found is None:
        raise ValueError(value)
    return found


class AddMentorForm(TextChecked, FlaskForm):
    mentor_id = SelectField(
        "Mentor",
        coerce=ascii_id,
        widget=GovSelect(),
        invalid="Choose a mentor",
        validators=[InputRequired(message="Choose a mentor")],
    )
    submit = SubmitField("Add mentor", widget=GovSubmitInput())
