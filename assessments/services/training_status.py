"""Withdrawing, deferring and resuming a trainee: the change, its history row, the audit event and
the :data:`assessments.signals.training_status_changed` signal, all in the caller's transaction.

What is allowed, and with which DfE reason codes, is :mod:`assessments.training_status`'s rule;
this module applies it to an enrolment. Who may do it is :func:`assessments.services.scope.
may_change_training_status`'s rule (the people who may change an enrolment).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from assessments import training_status as rules
from assessments.models import Enrolment, EnrolmentStatusChange
from assessments.reasons import RuleInputError
from assessments.signals import training_status_changed
from core.accounts.models import User
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, invalid
from core.unit_of_work import saving

CHANGED = "Someone changed this enrolment since you opened it. Check its training status and try again"


def change_status(
    enrolment: Enrolment,
    to_status: rules.TrainingStatus | str,
    reason: str | None,
    actor: User | None,
    expected_lock_version: int,
    note: str = "",
) -> EnrolmentStatusChange:
    """Move ``enrolment`` to ``to_status`` for ``reason`` (a DfE code; None to resume).

    Flushed, not committed: the caller commits (the DfE room's receiver adds its report to the same
    transaction). :class:`Conflict` when the enrolment changed since ``expected_lock_version`` was
    read; :class:`Invalid` with located problems (``to_status``, ``reason``, ``note``) when the
    change is not allowed. A refused change changes nothing and sends no signal.
    """
    if expected_lock_version != enrolment.lock_version:
        raise Conflict(CHANGED)
    target = rules.status_of(to_status.value if isinstance(to_status, rules.TrainingStatus) else to_status)
    if target is None:
        raise Invalid("Choose withdraw, defer or resume", "to_status")
    given = rules.StatusChange(target, reason or None, (note or "").strip())
    try:
        rules.check_change(enrolment.status, given)
    except RuleInputError as error:
        raise invalid(error) from None
    now = utcnow()
    change = EnrolmentStatusChange(
        enrolment=enrolment,
        from_status=enrolment.training_status,
        to_status=target.value,
        reason=given.reason,
        changed_at=now,
        changed_by_id=actor.id if actor is not None else None,
        note=given.note,
    )
    db.session.add(change)
    enrolment.training_status = target.value
    enrolment.status_reason = given.reason
    enrolment.status_changed_at = now
    record(
        Action.ENROLMENT_STATUS_CHANGED,
        Subject("enrolment", enrolment.id),
        enrolment.trainee_id,
        from_status=change.from_status,
        to_status=change.to_status,
        reason=given.reason,
    )
    with saving(CHANGED):
        db.session.flush()  # the version check runs here: a second editor's change loses
    training_status_changed.send(enrolment, enrolment=enrolment, change=change)
    return change


def history(enrolment_id: int) -> list[EnrolmentStatusChange]:
    """Every change of the enrolment's training status, oldest first."""
    return list(
        db.session.scalars(
            select(EnrolmentStatusChange)
            .where(EnrolmentStatusChange.enrolment_id == enrolment_id)
            .order_by(EnrolmentStatusChange.changed_at, EnrolmentStatusChange.id)
        )
    )


def in_training() -> ColumnElement[bool]:
    """Enrolments whose trainee is training now (the rule's :func:`~assessments.training_status.is_training`):
    the reminders and a mentor's to-do items read only these."""
    return Enrolment.training_status.in_([s.value for s in rules.TrainingStatus if rules.is_training(s)])
