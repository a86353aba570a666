"""Telling the DfE a decision: the application held for one administrator at a time, the
request sent once, and an answer lost on the way asked for before anyone is told nothing was done.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update

from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict
from dfe import connection, schemas
from dfe.applications.reading import PATH
from dfe.client import DfeError, DfeRefused, DfeUnreachable
from dfe.contract import ApplicationStatus, Environment
from dfe.models import DfeApplication

ACCEPT_TYPE = "npq-application-accept"  # the document's example of ApplicationAcceptRequest.data.type
# A decision holds its application this long: longer than the request and the read-back after it.
DECIDING_SECONDS = 5 * 60
DECIDING = "Another administrator is deciding this application. Open it again in a minute to see what they decided"


class DfeFailed(Exception):
    """The DfE did not do what was asked; nothing was saved here but, for a refusal, its errors."""

    def __init__(self, message: str, problems: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


def hold(application: DfeApplication) -> None:
    """Mark the pending application as being decided, committed before the DfE is called: one
    conditional UPDATE, so of two administrators deciding at once only one sends; Conflict for the other."""
    now = utcnow()
    held = db.session.execute(
        update(DfeApplication)
        .where(
            DfeApplication.id == application.id,
            DfeApplication.status == ApplicationStatus.PENDING.value,
            or_(DfeApplication.deciding_until.is_(None), DfeApplication.deciding_until < now),
        )
        .values(deciding_until=now + timedelta(seconds=DECIDING_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if held.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(DECIDING, "application")


def let_go(application_id: str) -> None:
    db.session.rollback()
    db.session.execute(
        update(DfeApplication)
        .where(DfeApplication.id == application_id)
        .values(deciding_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def send_decision(application: DfeApplication, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
    """One decision sent; on a refusal the DfE's errors are kept on the application (and committed)."""
    env = Environment(application.environment)
    try:
        with connection.client(env) as client:
            return client.send("POST", f"{PATH}/{application.id}/{path}", body)
    except DfeRefused as error:
        db.session.rollback()
        application.errors = error.problems or [{"title": "", "detail": str(error)}]
        db.session.commit()
        raise DfeFailed("The DfE refused this: " + _words(error.problems), error.problems) from error
    except DfeUnreachable as error:
        # The request may have reached the DfE and only its answer been lost: ask before saying so.
        db.session.rollback()
        done = _done_at_the_dfe(env, application.id, path)
        if done is None:
            raise DfeFailed(f"{error}. Nothing was changed: try again later") from error
        return done
    except DfeError as error:
        db.session.rollback()
        raise DfeFailed(f"{error}. Nothing was changed: try again later") from error


# What each decision leaves the application as, at the DfE.
DECIDED_STATUS = {"accept": ApplicationStatus.ACCEPTED.value, "reject": ApplicationStatus.REJECTED.value}


def _done_at_the_dfe(env: Environment, application_id: str, path: str) -> dict[str, Any] | None:
    """The application as the DfE now holds it, if it holds the decision (``path``) as made; None
    if it does not. DfeFailed when the DfE cannot be asked either: then nobody knows yet."""
    try:
        with connection.client(env) as client:
            answer = client.get(f"{PATH}/{application_id}")
        status = schemas.read_one(schemas.APPLICATION, answer)["attributes"].get("status")
    except DfeError as error:
        raise DfeFailed(
            f"{error}, so this app cannot tell whether the DfE recorded your decision. "
            "Sync the applications in a few minutes, then check this application before deciding again"
        ) from error
    return answer if status == DECIDED_STATUS[path] else None


def _words(problems: list[dict[str, str]]) -> str:
    return "; ".join(p.get("detail") or p.get("title") or "" for p in problems) or "no reason given"


def accept_body(funded_place: bool, schedule_identifier: str) -> dict[str, Any]:
    """The document's ApplicationAcceptRequest."""
    return {
        "data": {
            "type": ACCEPT_TYPE,
            "attributes": {"funded_place": funded_place, "schedule_identifier": schedule_identifier},
        }
    }
