"""Form fields shared by the rooms, worded as the GOV.UK Design System advises.

WTForms' own parse errors ("Not a valid integer value.", "Not a valid choice.") say what went
wrong, not what to do; each field here takes the GOV.UK message to show instead. Whatever is
typed or sent, a form answers with field errors, never a 500: dates with the wrong number of
parts, numbers with odd digits, text holding characters no database stores.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from flask import g, has_app_context, session
from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from markupsafe import Markup
from wtforms import DateField, Field, Form, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import HiddenInput

from core.documents import INTEGER_DIGITS_MAX, UNSTORABLE
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number

_TYPED_NUMBER_MAX = 10**INTEGER_DIGITS_MAX - 1  # as many digits as a stored number may have
_YEAR_MAX = 9_999  # a date's day, month and year are each at most four digits


class _ParseErrorStops:
    """A value that could not be read gets one message: the range check after it has nothing to check."""

    process_errors: list[Any]

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()
        super().pre_validate(form)  # type: ignore[misc]


class RealDateInput(GovDateInput):
    """The GOV.UK date input without ``required`` on its wrapper (it is not a form control)."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> dict[str, Any]:
        params = super().map_gov_params(field, **kwargs)
        params.get("attributes", {}).pop("required", None)
        return params


class RealDateField(_ParseErrorStops, DateField):
    """A day-month-year date; one that is not a real date gets ``invalid_message``
    (by default "<label> must be a real date", GOV.UK wording).

    The GOV.UK date input sends three parts; any other number of parts is not a real date.
    """

    def __init__(self, *args: Any, invalid_message: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("widget", RealDateInput())
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or f"{self.label.text} must be a real date"

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(v).strip() for v in valuelist]
        self.raw_data = (parts + ["", "", ""])[:3]  # the date widget shows back exactly three parts
        if not any(parts):
            self.data = None  # nothing typed: the "Enter …" message of InputRequired says so
            return
        if len(parts) != 3 or any(whole_number(part, _YEAR_MAX) is None for part in parts):
            self.data = None
            raise ValueError(self.invalid_message)
        try:
            super().process_formdata([" ".join(parts)])
        except ValueError:
            raise ValueError(self.invalid_message) from None

    @property
    def summary_anchor(self) -> str:
        """The error summary links to the day box: focus lands where typing starts."""
        return f"{self.id}-day"


class WholeNumberField(_ParseErrorStops, IntegerField):
    """A whole number in ASCII digits; anything else gets ``invalid_message``, like
    "Enter hours as a whole number, like 6"."""

    def __init__(
        self, *args: Any, invalid_message: str | None = None, message: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message or message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        # "1,000" is how people write a thousand (and how hints show it); a sign may lead.
        text = str(valuelist[0]).strip().replace(",", "")
        if not text:
            self.data = None  # nothing typed: the "Enter …" message of InputRequired says so
            return
        sign, digits = (text[0], text[1:]) if text[0] in "+-" else ("", text)
        found = whole_number(digits, _TYPED_NUMBER_MAX)
        if found is None:
            self.data = None
            raise ValueError(self.invalid_message or f"Enter {self.label.text.lower()} as a whole number")
        self.data = -found if sign == "-" else found


class _OwnChoiceMessage:
    """An unknown value (a tampered or stale form) gets ``invalid_message`` instead of WTForms' own."""

    def __init__(self, *args: Any, invalid_message: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid_message = invalid_message

    def pre_validate(self, form: Any) -> None:
        try:
            super().pre_validate(form)  # type: ignore[misc]
        except ValidationError:
            raise ValidationError(self.invalid_message) from None


class ChoiceField(_OwnChoiceMessage, SelectField):
    """A select whose unknown value gets ``invalid_message``."""


class ChoicesField(_OwnChoiceMessage, SelectMultipleField):
    """Checkboxes whose unknown values get ``invalid_message``."""


class TextChecked(Form):
    """Refuses text holding characters no database can store, on every text field of the form."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField) and isinstance(field.data, str) and UNSTORABLE.search(field.data):
                field.errors = [
                    *field.errors,
                    f"{field.label.text} holds a character that cannot be saved. Type it again rather than pasting it",
                ]
                valid = False
        return valid


# The session remembers the texts last warned about, so saving them again goes through.
NAMES_WARNED = "names_warned"
log = logging.getLogger(__name__)


class NamesChecked(Form):
    """Practice text (comments, notes, reflections, accounts) should name no child. When a text
    box holds a word that looks like a given name of someone the app does not know, the first
    save is held back with a warning listing the words (``name_warnings`` in the page); saving the
    same text again goes through. A warning, never a block."""

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        from core.name_check import names_in  # reads the database; this module is imported early

        texts = {f.name: f.data for f in self if isinstance(f, TextAreaField) and isinstance(f.data, str)}
        found = {name: words for name, text in texts.items() if (words := names_in(text))}
        log.info("children's names check done on %s", type(self).__name__)  # never what it found
        if not found:
            return True
        fingerprint = hashlib.sha256(repr((type(self).__name__, sorted(texts.items()))).encode()).hexdigest()
        if session.pop(NAMES_WARNED, None) == fingerprint:
            return True
        session[NAMES_WARNED] = fingerprint
        g.name_warnings = [
            {"href": f"#{self[name].id}", "text": f"{self[name].label.text}: {', '.join(words)}"}
            for name, words in found.items()
        ]
        return False


def name_warnings() -> list[dict[str, str]]:
    """The page's warnings of possible names, for the banner in base.html."""
    return g.get("name_warnings", []) if has_app_context() else []


def has_unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


# ---- hidden fields on pages with several forms ---------------------------------------------


def id_on_page(base: str) -> str:
    """``base`` numbered by how often it was rendered for this page: ``lock_version-1``, ``-2``…"""
    if not has_app_context():
        return base
    rendered: dict[str, int] = g.setdefault("hidden_ids_rendered", {})
    rendered[base] = rendered.get(base, 0) + 1
    return f"{base}-{rendered[base]}"


class HiddenInputOnPage(HiddenInput):
    """A hidden input whose id is new each time it is rendered, so a page that repeats a small
    form (a remove button a row, each with its ``csrf_token`` and ``lock_version``) has unique ids."""

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", id_on_page(field.id))
        return super().__call__(field, **kwargs)


HIDDEN_INPUT_ON_PAGE = HiddenInputOnPage()


class HiddenIdsUnique(Form):
    """For forms shown more than once on a page: every hidden field (the CSRF token too) gets an
    id of its own each time it is rendered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self:
            if isinstance(field.widget, HiddenInput):
                field.widget = HIDDEN_INPUT_ON_PAGE


def number_csrf_token_ids() -> None:
    """Every form's CSRF token is rendered with an id of its own (``csrf_token-1``, ``-2``…), for
    every form at once: Flask-WTF renders each as ``id="csrf_token"``, so a page with two forms
    repeated the id (WCAG 2 AA parsing, HTML_CodeSniffer's F77). The one field class all forms'
    tokens are made from takes the numbering widget."""
    CSRFTokenField.widget = HIDDEN_INPUT_ON_PAGE


# ---- the lock version a form sent back ------------------------------------------------------

NO_LOCK_SENT = -1  # matches no version: a form that left the lock out is refused as a stale one


def sent_lock_version(field: Field) -> int:
    """The lock version the person's page sent, read from what was posted, never from the default
    the form was built with: a stale page that leaves the hidden field out must not pass as the
    newest version (it would overwrite the newer save). Missing or garbled: :data:`NO_LOCK_SENT`."""
    raw = field.raw_data or []
    text = str(raw[0]).strip() if raw else ""
    found = whole_number(text, RECORD_NUMBER_MAX)
    return NO_LOCK_SENT if found is None else found
