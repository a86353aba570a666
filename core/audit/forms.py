"""The audit log's filters: a GET form (it changes nothing, so it carries no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovTextInput
from wtforms import StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from core.accounts.models import EMAIL_MAX_LENGTH
from core.audit.actions import Action
from core.forms import ChoiceField, RealDateField, TextChecked

EMAIL_TOO_LONG = f"Email address must be {EMAIL_MAX_LENGTH} characters or fewer"


class AuditFilterForm(TextChecked, FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(
        "Who did it",
        widget=GovTextInput(),
        description="Their email address",
        validators=[Optional(), Length(max=EMAIL_MAX_LENGTH, message=EMAIL_TOO_LONG)],
    )
    action = ChoiceField(
        "What they did",
        widget=GovSelect(),
        choices=[SelectChoice("", "Anything")] + [SelectChoice(a.value, a.label) for a in Action],
        invalid_message="Choose what they did from the list",
        validators=[Optional()],
    )
    person = StringField(
        "Whose record",
        widget=GovTextInput(),
        description="The email address of the person the record is about",
        validators=[Optional(), Length(max=EMAIL_MAX_LENGTH, message=EMAIL_TOO_LONG)],
    )
    date_from = RealDateField(
        "Date from", format="%d %m %Y", description="For example, 27 3 2026", validators=[Optional()]
    )
    date_to = RealDateField("Date to", format="%d %m %Y", description="For example, 31 3 2026", validators=[Optional()])
