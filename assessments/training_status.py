"""A trainee's training status (active, deferred, withdrawn), the reasons the DfE accepts for a
change, and which changes are allowed: one home for the rules the page, the service and the DfE
report all use. Standard library only.

The reason codes are exactly the DfE's, from the NPQ registration API v3 (DFE-Digital/npq-registration,
commit 9e9784a85c9120a39c70e99c10153837d294eb7a, ``public/api/docs/v3/swagger.yaml``, schemas
``ParticipantWithdrawRequest`` and ``ParticipantDeferRequest``, the ``reason`` enum of each). The DfE's
code ``quality-of-programme-structure-not-suitable.`` really ends with a full stop: it is kept as
the DfE spells it, or the DfE would refuse the report.

The changes allowed follow the DfE's guidance (``app/views/api/guidance/how-to-guides/
view-and-update-participant-data.md`` in the same commit): a participant may defer "at any time if
they plan to resume", may resume "at any time if they've previously deferred", and may withdraw
"at any time". So an active trainee may defer or withdraw, a deferred one may resume or withdraw,
and a withdrawn trainee is final here: the guidance offers resuming only after a deferral. (The
DfE's API itself would accept resuming a withdrawn participant; a withdrawal made in error is a
matter for the provider's DfE contract manager, not for this app.) Resuming takes no reason: the
DfE's ``participant-resume`` request has none.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from assessments.reasons import Problem, RuleInputError

NOTE_MAX_LENGTH = 500  # the optional note kept with a change, in the changer's words
STATUS_MAX_LENGTH = 20  # the column's width; the longest status is "withdrawn"
REASON_MAX_LENGTH = 60  # the column's width; the DfE's longest code is 48 characters


class TrainingStatus(str, enum.Enum):
    ACTIVE = "active"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: Mapping[TrainingStatus, str] = MappingProxyType(
    {
        TrainingStatus.ACTIVE: "Active",
        TrainingStatus.DEFERRED: "Deferred",
        TrainingStatus.WITHDRAWN: "Withdrawn",
    }
)

# The DfE's codes, in the DfE's order, each with words for the form's radios.
WITHDRAWAL_REASONS: Mapping[str, str] = MappingProxyType(
    {
        "insufficient-capacity-to-undertake-programme": "Not enough capacity to undertake the programme",
        "personal-reason-health-or-pregnancy-related": "Personal reason: health or pregnancy",
        "personal-reason-moving-school": "Personal reason: moving school",
        "personal-reason-other": "Personal reason: other",
        "insufficient-capacity": "Not enough capacity",
        "change-in-developmental-or-personal-priorities": "Change in developmental or personal priorities",
        "change-in-school-circumstances": "Change in school circumstances",
        "change-in-school-leadership": "Change in school leadership",
        "quality-of-programme-structure-not-suitable.": "Quality of programme: structure not suitable",
        "quality-of-programme-content-not-suitable": "Quality of programme: content not suitable",
        "quality-of-programme-facilitation-not-effective": "Quality of programme: facilitation not effective",
        "quality-of-programme-accessibility": "Quality of programme: accessibility",
        "quality-of-programme-other": "Quality of programme: other",
        "programme-not-appropriate-for-role-and-cpd-needs": "Programme not appropriate for their role and CPD needs",
        "started-in-error": "Started in error",
        "expected-commitment-unclear": "Expected commitment was unclear",
        "assessment-requirements-not-met": "Assessment requirements not met",
        "change-in-career": "Change in career",
        "disengaged-and-unresponsive": "Disengaged and unresponsive",
        "non-payment-of-invoice": "Invoice not paid",
        "other": "Other",
    }
)
DEFERRAL_REASONS: Mapping[str, str] = MappingProxyType(
    {
        "bereavement": "Bereavement",
        "long-term-sickness": "Long-term sickness",
        "parental-leave": "Parental leave",
        "career-break": "Career break",
        "other": "Other",
    }
)

# Where each status may go next; withdrawn goes nowhere (see the module's docstring).
ALLOWED_CHANGES: Mapping[TrainingStatus, frozenset[TrainingStatus]] = MappingProxyType(
    {
        TrainingStatus.ACTIVE: frozenset({TrainingStatus.DEFERRED, TrainingStatus.WITHDRAWN}),
        TrainingStatus.DEFERRED: frozenset({TrainingStatus.ACTIVE, TrainingStatus.WITHDRAWN}),
        TrainingStatus.WITHDRAWN: frozenset(),
    }
)

# The reasons a change to each status takes; an empty mapping means the change takes no reason.
REASONS_FOR: Mapping[TrainingStatus, Mapping[str, str]] = MappingProxyType(
    {
        TrainingStatus.ACTIVE: MappingProxyType({}),
        TrainingStatus.DEFERRED: DEFERRAL_REASONS,
        TrainingStatus.WITHDRAWN: WITHDRAWAL_REASONS,
    }
)

# What the change is called, on its button and in the history: "Withdraw", "Defer", "Resume".
ACTION_NAMES: Mapping[TrainingStatus, str] = MappingProxyType(
    {TrainingStatus.ACTIVE: "Resume", TrainingStatus.DEFERRED: "Defer", TrainingStatus.WITHDRAWN: "Withdraw"}
)


@dataclass(frozen=True)
class StatusChange:
    """A change asked for: the status it moves to, the DfE reason code (None to resume), a note."""

    to_status: TrainingStatus
    reason: str | None = None
    note: str = ""


def status_of(text: str) -> TrainingStatus | None:
    """The status stored as ``text``, or None for text that names none."""
    try:
        return TrainingStatus(text)
    except ValueError:
        return None


def allowed_changes(current: TrainingStatus) -> tuple[TrainingStatus, ...]:
    """The statuses ``current`` may change to, in a stable order for the page's buttons."""
    return tuple(s for s in TrainingStatus if s in ALLOWED_CHANGES[current])


def reason_label(reason: str | None) -> str:
    """Words for a stored reason code; a code neither list knows is shown as it is."""
    if reason is None:
        return ""
    return WITHDRAWAL_REASONS.get(reason) or DEFERRAL_REASONS.get(reason) or reason


def change_problems(current: TrainingStatus, change: StatusChange) -> list[Problem]:
    """Every located problem with moving from ``current`` as ``change`` asks; empty when allowed."""
    to = change.to_status
    if to not in ALLOWED_CHANGES[current]:
        if current is TrainingStatus.WITHDRAWN:
            message = "This trainee has withdrawn. A withdrawal cannot be changed"
        elif to is current:
            message = f"This trainee’s training is already {to.label.lower()}"
        else:
            message = f"A trainee whose training is {current.label.lower()} cannot be changed to {to.label.lower()}"
        return [Problem("to_status", message)]
    problems = []
    reasons = REASONS_FOR[to]
    if reasons and change.reason not in reasons:
        verb = ACTION_NAMES[to].lower()
        what = "Select why the trainee is withdrawing" if verb == "withdraw" else "Select why the trainee is deferring"
        problems.append(Problem("reason", what))
    elif not reasons and change.reason is not None:
        problems.append(Problem("reason", "Resuming takes no reason: leave it out"))
    if len(change.note) > NOTE_MAX_LENGTH:
        problems.append(Problem("note", f"Note must be {NOTE_MAX_LENGTH:,} characters or fewer"))
    return problems


def check_change(current: TrainingStatus, change: StatusChange) -> None:
    """Raise :class:`RuleInputError` listing every problem with the change; return when allowed."""
    problems = change_problems(current, change)
    if problems:
        raise RuleInputError(problems)


# Starting observations: a withdrawn trainee has left the programme, so nothing new is recorded
# for them. A deferred trainee may still be observed: a deferral is often recorded after the
# fact, the mentor may be writing up an observation held before it, and the record is kept for
# when they resume; reminders and mentors' to-do items leave deferred trainees out instead.
NO_NEW_OBSERVATIONS = frozenset({TrainingStatus.WITHDRAWN})
WITHDRAWN_NO_OBSERVATION = "This trainee has withdrawn from the NPQ. You cannot start a new observation for them"


def may_start_observation(status: TrainingStatus) -> bool:
    return status not in NO_NEW_OBSERVATIONS


def is_training(status: TrainingStatus) -> bool:
    """Whether the trainee is training now: only they are reminded and on mentors' to-do lists."""
    return status is TrainingStatus.ACTIVE
