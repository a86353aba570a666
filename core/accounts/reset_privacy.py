"""What the forgotten-password requests hold about people, for the privacy registry (core.privacy)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, select

from core import privacy
from core.accounts import throttle
from core.accounts.models import User
from core.accounts.resets import ResetRequest
from core.extensions import db
from core.privacy import Basis, Erase, Export, PersonalField, PersonalTable

WHO = "nobody reads them (the throttle counts them); administrators through the database"


def _field(holds: str) -> PersonalField:
    return PersonalField(holds, Basis.LEGITIMATE_INTERESTS, WHO, Export.AS_IS, Erase.DELETE)


RESET_REQUEST = PersonalTable(
    "password_reset_request",
    {
        "account_key": _field("a keyed hash of the email address typed (counts requests per account)"),
        "address": _field("the IP address the request came from"),
        "email": _field("the email address typed, until the request is handled (then cleared)"),
        "requested_at": _field("when it was asked for"),
        "handled_at": _field("when the link was sent, or found to have no account"),
    },
    retention="reset_requests",
    title="Requests to reset your password",
)


def _rows_of(person_id: int) -> Any:
    person = db.session.get(User, person_id)
    if person is None:
        return None
    return ResetRequest.account_key == throttle.account_key(person.email)


class ResetRequestsProvider(privacy.Provider):
    name = "Password resets"
    tables = (RESET_REQUEST,)

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        theirs = _rows_of(person_id)
        if theirs is None:
            return {}
        found = db.session.scalars(select(ResetRequest).where(theirs).order_by(ResetRequest.id))
        return {
            "password_reset_request": [
                {"address": r.address, "requested_at": r.requested_at, "handled_at": r.handled_at} for r in found
            ]
        }

    def erase(self, person_id: int) -> list[str]:
        theirs = _rows_of(person_id)
        if theirs is not None:
            db.session.execute(delete(ResetRequest).where(theirs))
        return ["Every request to reset the person’s password is deleted."]


def init_app(app: Flask) -> None:
    privacy.register(app, ResetRequestsProvider())
