"""Form fields shared by the rooms, worded as the GOV.UK Design System advises.

Whatever is typed or sent, a form answers with field errors, never a 500: dates with the wrong
number of parts, numbers with odd digits, text holding characters no database stores.
"""
from __future__ import annotations

import re
from typing import Any

from wtforms import DateField, Form, IntegerField, StringField

from core.documents import INTEGER_DIGITS_MAX, UNSTORABLE

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,%d}" % INTEGER_DIGITS_MAX)  # ASCII digits only: not "²" or "١"


class RealDateField(DateField):
    """A day-month-year date whose parse error says "<label> must be a real date" (GOV.UK wording).

    The GOV.UK date input sends three parts; any other number of parts is not a real date.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(v).strip() for v in valuelist]
        self.raw_data = (parts + ["", "", ""])[:3]  # the date widget shows back exactly three parts
        if not any(parts):
            self.data = None
            return
        if len(parts) != 3 or not all(part.isascii() and part.isdigit() for part in parts):
            self.data = None
            raise ValueError(f"{self.label.text} must be a real date")
        try:
            super().process_formdata([" ".join(parts)])
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date") from None


class WholeNumberField(IntegerField):
    """An integer typed in ASCII digits; anything else gets ``message`` (the rule's own words)."""

    def __init__(self, *args: Any, message: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip()
        if not text:
            self.data = None
            return
        if not _WHOLE_NUMBER.fullmatch(text):
            self.data = None
            raise ValueError(self.message or f"Enter {self.label.text.lower()} as a whole number")
        self.data = int(text)


class TextChecked(Form):
    """Refuses text holding characters no database can store, on every text field of the form."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField) and isinstance(field.data, str) and UNSTORABLE.search(field.data):
                field.errors = [*field.errors, f"{field.label.text} holds a character that cannot be saved. "
                                               "Type it again rather than pasting it"]
                valid = False
        return valid


def has_unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None
