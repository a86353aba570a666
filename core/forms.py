"""Form fields shared by the rooms, worded as the GOV.UK Design System advises."""
from __future__ import annotations

from typing import Any

from wtforms import DateField


class RealDateField(DateField):
    """A day-month-year date whose parse error says "<label> must be a real date" (GOV.UK wording)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(f"{self.label.text} must be a real date") from None
