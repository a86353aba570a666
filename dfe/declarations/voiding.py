"""Voiding: a declaration retracted at the DfE (``PUT /participant-declarations/{id}/void``),
``voided``, or ``awaiting_clawback`` when it was paid.
"""

from __future__ import annotations

from typing import Any

from core.accounts.models import User
from core.audit import Action, Subject, record
from core.extensions import db
from core.problems import Invalid, too_long
from dfe import connection
from dfe.client import DfeError, DfeRefused, DfeUnreachable
from dfe.contract import VOIDABLE_DECLARATION_STATES, Environment
from dfe.declarations.exchange import RETRACTED_STATES, remote_values
from dfe.models import REASON_MAX_LENGTH, DfeDeclaration
from dfe.schemas import DECLARATION, read_one


def void(declaration_id: int, reason: str, actor: User) -> DfeDeclaration:
    """Retract a declaration at the DfE: ``voided``, or ``awaiting_clawback`` when it was paid."""
    row = db.session.get(DfeDeclaration, declaration_id)
    if row is None:
        raise Invalid("There is no declaration with this id", "declaration_id")
    path = f"void_{row.id}_reason"
    reason = reason.strip()
    if not reason:
        raise Invalid("Enter why the declaration is being voided", path)
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(too_long(REASON_MAX_LENGTH, "The reason"), path)
    if row.state not in VOIDABLE_DECLARATION_STATES or not row.remote_id:
        raise Invalid(f"A declaration that is {row.state.replace('_', ' ')} cannot be voided", path)
    remote_id = row.remote_id
    db.session.rollback()  # nothing held open while the DfE is called
    try:
        with connection.client(Environment(row.environment)) as client:
            answer = client.send("PUT", f"/participant-declarations/{remote_id}/void")
    except connection.NotConnected as error:
        raise Invalid(str(error), path) from None
    except DfeRefused as error:
        said = "; ".join(p["detail"] or p["title"] for p in error.problems) or str(error)
        raise Invalid(f"The DfE refused to void it: {said}", path) from None
    except DfeUnreachable as error:
        # The DfE may have voided it and only its answer been lost: ask before saying it did not.
        answer = _voided_at_the_dfe(Environment(row.environment), remote_id, error, path)
    except DfeError as error:
        raise Invalid(f"{error}: nothing was voided. Try again later", path) from None
    row = db.session.get(DfeDeclaration, declaration_id)
    assert row is not None
    for name, value in remote_values(read_one(DECLARATION, answer)).items():
        setattr(row, name, value)
    row.void_reason = reason
    record(Action.DFE_DECLARATION_VOIDED, Subject("dfe_declaration", row.id), None, state=row.state)
    db.session.commit()
    return row


def _voided_at_the_dfe(env: Environment, remote_id: str, error: DfeError, path: str) -> dict[str, Any]:
    """The declaration as the DfE holds it, if it is voided (or awaiting clawback) there; else
    Invalid saying nothing was voided, or that nobody can tell yet."""
    try:
        with connection.client(env) as client:
            answer = client.get(f"/participant-declarations/{remote_id}")
        state = read_one(DECLARATION, answer)["attributes"]["state"]
    except DfeError as again:
        raise Invalid(
            f"{again}, so this app cannot tell whether the DfE voided it. Sync in a few minutes, then check it",
            path,
        ) from None
    if state not in RETRACTED_STATES:
        raise Invalid(f"{error}: nothing was voided. Try again later", path) from None
    return answer
