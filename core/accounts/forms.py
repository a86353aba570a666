"""Forms for signing in, changing a password and managing people (GOV.UK widgets)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import EmailField, Field, PasswordField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, StopValidation, ValidationError

from core.accounts.links import Purpose
from core.accounts.models import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, NAME_UNSAFE, name_is_safe
from core.accounts.passwords import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, PASSWORD_RULE, TEMPORARY_PASSWORD_HINT
from core.forms import ChoiceField, ChoicesField
from core.roles import HOME_PRIORITY, Role

INVITATION_DAYS = Purpose.INVITATION.lifetime.days

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"


def _trimmed(value: Any) -> Any:
    # A pasted address often brings a space with it; the text input (not type=email) keeps it.
    return value.strip() if isinstance(value, str) else value


def _email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        widget=GovTextInput(),
        filters=[_trimmed],
        validators=[
            InputRequired(message="Enter an email address"),
            Length(max=EMAIL_MAX_LENGTH, message=f"Email address must be {EMAIL_MAX_LENGTH} characters or fewer"),
            Email(message=EMAIL_FORMAT, check_deliverability=False),
        ],
    )


def _new_password_field(label: str, required: bool = True, hint: str = "", whose: str = "your own") -> PasswordField:
    """``whose``: "your own" on one's own page, "the person’s" where an administrator sets it."""
    first = InputRequired(message=PASSWORD_RULE) if required else Optional()
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[first, Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH, message=PASSWORD_RULE)],
        description=(
            f"At least {PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong password; "
            f"common passwords and {whose} name or email address are refused." + (f" {hint}" if hint else "")
        ),
    )


class _NotLongerThan:
    """Refuse a value longer than ``limit`` and forget it, so it is neither checked nor echoed."""

    def __init__(self, limit: int, message: str) -> None:
        self.limit = limit
        self.message = message

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        if field.data is not None and len(field.data) > self.limit:
            field.data = ""
            field.raw_data = []
            raise StopValidation(self.message)


def _current_password_field() -> PasswordField:
    """The current password, asked before a change to one's own account."""
    return PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your current password"),
            _NotLongerThan(PASSWORD_MAX_LENGTH, f"Password must be {PASSWORD_MAX_LENGTH} characters or fewer"),
        ],
    )


def _confirm_password_field(label: str, missing: str) -> PasswordField:
    """The new password typed again (``new_password`` in the same form)."""
    return PasswordField(
        label,
        widget=GovPasswordInput(),
        validators=[InputRequired(message=missing), EqualTo("new_password", message="The passwords do not match")],
    )


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter your email address"),
            _NotLongerThan(EMAIL_MAX_LENGTH, f"Email address must be {EMAIL_MAX_LENGTH} characters or fewer"),
        ],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired(message="Enter your password"),
            _NotLongerThan(PASSWORD_MAX_LENGTH, f"Password must be {PASSWORD_MAX_LENGTH} characters or fewer"),
        ],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = _current_password_field()
    new_password = _new_password_field("New password")
    confirm_password = _confirm_password_field("Confirm new password", "Enter your new password again")
    submit = SubmitField("Change password", widget=GovSubmitInput())


class ChoosePasswordForm(FlaskForm):
    """A password chosen through an emailed link (an invitation or a reset)."""

    new_password = _new_password_field("Password")
    confirm_password = _confirm_password_field("Confirm password", "Enter your password again")
    submit = SubmitField("Save password and sign in", widget=GovSubmitInput())


class ForgotPasswordForm(FlaskForm):
    email = _email_field()
    submit = SubmitField("Send the link", widget=GovSubmitInput())


class ChangeEmailForm(FlaskForm):
    new_email = _email_field("New email address")
    current_password = _current_password_field()
    submit = SubmitField("Send a confirmation link", widget=GovSubmitInput())


ROLE_CHOICES = [SelectChoice(role.value, role.label) for role in HOME_PRIORITY]


class PersonForm(FlaskForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the person’s full name"),
            Length(max=NAME_MAX_LENGTH, message=f"Full name must be {NAME_MAX_LENGTH} characters or fewer"),
        ],
    )
    email = _email_field()
    roles = ChoicesField(
        "Roles",
        choices=ROLE_CHOICES,
        widget=GovCheckboxesInput(),
        invalid_message="Select roles from the list",
        validators=[InputRequired(message="Select at least one role")],
        description="Select all that apply. One person may hold several roles.",
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def selected_roles(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}

    def validate_name(self, field: StringField) -> None:
        if not field.data.strip():
            raise ValidationError("Enter the person’s full name")
        if not name_is_safe(field.data):
            raise ValidationError(NAME_UNSAFE)


INVITE, TEMPORARY = "invite", "temporary"
ACCESS_CHOICES = [
    SelectChoice(INVITE, "Email them an invitation to choose their own password (recommended)"),
    SelectChoice(TEMPORARY, "Set a password for them, only if they cannot get email at this address"),
]


class NewPersonForm(PersonForm):
    access = ChoiceField(
        "How will they get in?",
        choices=ACCESS_CHOICES,
        default=INVITE,
        widget=GovRadioInput(),
        invalid_message="Choose how they will get in",
        validators=[InputRequired(message="Choose how they will get in")],
        description=f"An invitation link works once, for {INVITATION_DAYS} days.",
    )
    password = _new_password_field(
        "Temporary password",
        required=False,
        hint="Only if you set a password for them. " + TEMPORARY_PASSWORD_HINT + " Give it to them in person.",
        whose="the person’s",
    )
    submit = SubmitField("Add person", widget=GovSubmitInput())

    def invited(self) -> bool:
        return self.access.data != TEMPORARY

    def validate(self, extra_validators: Any = None) -> bool:
        # The password field is optional (its Optional() ends its own checks when empty), so the
        # rule "a password when you set one" is checked here.
        valid = super().validate(extra_validators)
        if self.access.data == TEMPORARY and not self.password.data:
            self.password.errors = [*self.password.errors, PASSWORD_RULE]
            return False
        return valid


class EditPersonForm(PersonForm):
    password = _new_password_field(
        "New temporary password (optional)", required=False, hint=TEMPORARY_PASSWORD_HINT, whose="the person’s"
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A one-button confirmation (CSRF only)."""
