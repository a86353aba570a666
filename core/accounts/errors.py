"""The accounts room's refusal: a rule broken, located at the form field to blame."""

from __future__ import annotations

from core.accounts.models import User
from core.problems import Invalid


class AccountError(Invalid):
    """A request that breaks an accounts rule, located at the form field to blame (``field``)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, path=field or "")


ERASED = "This person’s personal data was erased: their account can no longer be changed"


def refuse_erased(person: User) -> None:
    """An erased account stays a tombstone: nobody may give it a name, a password or roles again."""
    if person.erased:
        raise AccountError(ERASED, field="email")
