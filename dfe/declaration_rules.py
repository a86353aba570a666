"""Which declarations the app proposes for one enrolment, and why: the provider's rule, applied
to the evidence the app holds, inside the DfE's milestone windows (:mod:`dfe.milestones`).

A staff member checks each proposal before it is sent (issue 23). The rule, in plain English:

- **started**: on the trainee's first engagement, that is the first time they attended anything
  or the date of their first submitted observation, whichever is earlier;
- **retained-1** and **retained-2**: on the engagement that brings the trainee's count of
  engagements (the first attendance and each submitted observation) to the provider's number
  (:class:`DeclarationRule`: 2 and 4 unless the provider sets others). The DfE leaves the measure
  of retention to the provider's contract ("Schedules and milestone dates": providers "must submit
  declarations in line with terms set out in their contracts");
- **completed**: on the date of the case-study result, ``has_passed`` true for *passed* and false
  for *not passed* (swagger.yaml, ``ParticipantDeclarationCompletedRequest``); a case study the
  trainee *withdrew* from has no result, so nothing to declare.

And always:

- a type already declared is not proposed again unless its declaration was retracted
  (``voided``, ``awaiting_clawback``, ``clawed_back``): the API refuses duplicates ("Submit, view
  and void declarations");
- started comes before retained-1, and retained-1 before retained-2; completed needs started;
  a later declaration is never dated before an earlier one;
- the declaration date falls inside the milestone's window: a rule met before the window opens
  waits for the first engagement on or after the opening (the API refuses a ``declaration_date``
  before the schedule starts); one met after the milestone date is left for a person to raise
  with the DfE;
- nothing for a deferred trainee while deferred, and for a withdrawn trainee only what was met
  before the withdrawal date ("Data states": declarations for withdrawn participants must be
  "backdated to before the ``withdrawal_date``");
- never a date after today (the API refuses future declarations in production).

Standard library and the app's pure rules only (mypy strict).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from assessments.case_study_rules import CaseStudyResult
from assessments.deadlines import format_date  # the one home of GOV.UK dates (3 October 2025)
from assessments.reasons import Problem, Reason, RuleInputError
from dfe.milestones import (
    DECLARATION_TYPE_LABELS,
    RETRACTED,
    DeclarationState,
    DeclarationType,
    MilestoneWindow,
    TrainingStatus,
)

ATTENDANCE = "attendance"
OBSERVATION = "observation"


@dataclass(frozen=True)
class DeclarationRule:
    """How many engagements (first attendance plus submitted observations) each retention needs."""

    retained_1_engagements: int = 2
    retained_2_engagements: int = 4

    def problems(self) -> list[Problem]:
        found: list[Problem] = []
        r1, r2 = self.retained_1_engagements, self.retained_2_engagements
        # At least 2: retention is engagement continued after the one that started the trainee.
        if isinstance(r1, bool) or not isinstance(r1, int) or r1 < 2:
            found.append(Problem("retained_1_engagements", "Enter a whole number of engagements, 2 or more"))
        elif isinstance(r2, bool) or not isinstance(r2, int) or r2 <= r1:
            found.append(Problem("retained_2_engagements", f"Enter a whole number of engagements greater than {r1}"))
        return found

    def needed(self, kind: DeclarationType) -> int:
        return {
            DeclarationType.STARTED: 1,
            DeclarationType.RETAINED_1: self.retained_1_engagements,
            DeclarationType.RETAINED_2: self.retained_2_engagements,
        }[kind]


@dataclass(frozen=True)
class EnrolmentEvidence:
    """What the app knows about one enrolment, as plain data."""

    observations: tuple[date, ...] = ()  # the dates of its submitted observations
    first_attended: date | None = None
    training_status: TrainingStatus = TrainingStatus.ACTIVE
    status_since: date | None = None  # needed when deferred or withdrawn
    case_study_result: CaseStudyResult | None = None
    case_study_result_on: date | None = None


@dataclass(frozen=True)
class Proposal:
    declaration_type: DeclarationType
    declaration_date: date
    has_passed: bool | None  # only for completed
    reason: Reason


@dataclass(frozen=True)
class NotYet:
    declaration_type: DeclarationType
    reason: Reason


Outcome = Proposal | NotYet


def _reason(code: str, kind: DeclarationType, **params: object) -> Reason:
    values = {"type": kind.value, **{k: v.isoformat() if isinstance(v, date) else v for k, v in params.items()}}
    return Reason(code, tuple(values.items()))


def _problems(
    evidence: EnrolmentEvidence,
    windows: Sequence[MilestoneWindow],
    existing: Mapping[str, str],
    rule: DeclarationRule,
    today: date,
) -> list[Problem]:
    """Every problem with the input, located; propose() judges nothing until there are none."""
    found = rule.problems()

    def not_future(path: str, day: date | None, what: str) -> None:
        if day is not None and day > today:
            found.append(Problem(path, f"The date of {what} must be today or in the past"))

    for i, day in enumerate(evidence.observations):
        not_future(f"observations[{i}]", day, "the observation")
    not_future("first_attended", evidence.first_attended, "first attendance")
    not_future("status_since", evidence.status_since, "the training status")
    not_future("case_study_result_on", evidence.case_study_result_on, "the case study result")
    if evidence.training_status is not TrainingStatus.ACTIVE and evidence.status_since is None:
        found.append(Problem("status_since", f"Enter the date the trainee was {evidence.training_status.value}"))
    if evidence.case_study_result is not None and evidence.case_study_result_on is None:
        found.append(Problem("case_study_result_on", "Enter the date of the case study result"))
    if evidence.case_study_result is None and evidence.case_study_result_on is not None:
        found.append(Problem("case_study_result", "Choose the case study result, or clear its date"))
    seen: set[DeclarationType] = set()
    for i, window in enumerate(windows):
        if window.declaration_type in seen:
            found.append(Problem(f"windows[{i}]", f"The {window.declaration_type.value} window is given twice"))
        seen.add(window.declaration_type)
        if window.closes is not None and window.closes < window.opens:
            found.append(Problem(f"windows[{i}].closes", "The window must close on or after the day it opens"))
    types, states = {t.value for t in DeclarationType}, {s.value for s in DeclarationState}
    for key, state in existing.items():
        if key not in types:
            found.append(Problem(f"existing.{key}", f"Unknown declaration type: use one of {', '.join(types)}"))
        if state not in states:
            found.append(Problem(f"existing.{key}", f"Unknown declaration state {state!r}"))
    return found


def _engagements(evidence: EnrolmentEvidence) -> list[tuple[date, str]]:
    """Each engagement as (date, kind), in date order; the order is total, so the rules are deterministic."""
    found = [(day, OBSERVATION) for day in evidence.observations]
    if evidence.first_attended is not None:
        found.append((evidence.first_attended, ATTENDANCE))
    return sorted(found)


def _met_on(events: list[tuple[date, str]], needed: int, not_before: date | None) -> tuple[date, str, int] | None:
    """The first engagement, on or after ``not_before``, by which the trainee has ``needed`` engagements:
    its date, its kind and how many engagements there have been by then."""
    for count, (day, kind) in enumerate(events, start=1):
        if count >= needed and (not_before is None or day >= not_before):
            return day, kind, count
    return None


def propose(
    evidence: EnrolmentEvidence,
    windows: Sequence[MilestoneWindow],
    existing: Mapping[str, str],
    rule: DeclarationRule,
    today: date,
) -> list[Outcome]:
    """For each declaration type, in milestone order, a Proposal or the reason it is NotYet.

    ``existing`` maps a declaration type to the state of its declaration at the DfE (API spelling).
    Raises RuleInputError, listing every located problem, when the input cannot be judged."""
    problems = _problems(evidence, windows, existing, rule, today)
    if problems:
        raise RuleInputError(problems)
    declared = {
        DeclarationType(key): DeclarationState(state)
        for key, state in existing.items()
        if DeclarationState(state) not in RETRACTED
    }
    by_type = {w.declaration_type: w for w in windows}
    done: dict[DeclarationType, date | None] = {}  # declared (date unknown here) or proposed (its date)
    outcomes: list[Outcome] = []
    for kind in DeclarationType:
        outcome = _judge(kind, evidence, by_type.get(kind), declared, done, rule)
        if isinstance(outcome, Proposal):
            done[kind] = outcome.declaration_date
        elif outcome.reason.code == "already_declared":
            done[kind] = None
        outcomes.append(outcome)
    return outcomes


def _earlier(kind: DeclarationType) -> DeclarationType | None:
    return {
        DeclarationType.STARTED: None,
        DeclarationType.RETAINED_1: DeclarationType.STARTED,
        DeclarationType.RETAINED_2: DeclarationType.RETAINED_1,
        DeclarationType.COMPLETED: DeclarationType.STARTED,
    }[kind]


def _judge(
    kind: DeclarationType,
    evidence: EnrolmentEvidence,
    window: MilestoneWindow | None,
    declared: Mapping[DeclarationType, DeclarationState],
    done: Mapping[DeclarationType, date | None],
    rule: DeclarationRule,
) -> Outcome:
    if kind in declared:
        return NotYet(kind, _reason("already_declared", kind, state=declared[kind].value))
    if window is None:
        return NotYet(kind, _reason("not_in_schedule", kind))
    if evidence.training_status is TrainingStatus.DEFERRED:
        return NotYet(kind, _reason("deferred", kind, since=evidence.status_since))
    earlier = _earlier(kind)
    if earlier is not None and earlier not in done:
        return NotYet(kind, _reason("waiting_for_earlier", kind, earlier=earlier.value))
    withdrawn_on = evidence.status_since if evidence.training_status is TrainingStatus.WITHDRAWN else None
    if kind is DeclarationType.COMPLETED:
        found = _completion(evidence, window, withdrawn_on)
    else:
        found = _engagement(kind, evidence, window, withdrawn_on, rule)
    if isinstance(found, NotYet):
        return found
    day = found.declaration_date
    if window.closes is not None and day > window.closes:
        return NotYet(kind, _reason("period_closed", kind, on=day, closes=window.closes))
    earlier_on = done.get(earlier) if earlier is not None else None
    if earlier is not None and earlier_on is not None and day < earlier_on:
        return NotYet(kind, _reason("before_earlier", kind, on=day, earlier=earlier.value, earlier_on=earlier_on))
    return found


def _engagement(
    kind: DeclarationType,
    evidence: EnrolmentEvidence,
    window: MilestoneWindow,
    withdrawn_on: date | None,
    rule: DeclarationRule,
) -> Outcome:
    events, needed = _engagements(evidence), rule.needed(kind)
    first_met = _met_on(events, needed, None)
    if first_met is None:
        return NotYet(kind, _reason("not_enough_engagement", kind, count=len(events), needed=needed))
    if withdrawn_on is not None and first_met[0] >= withdrawn_on:
        return NotYet(kind, _reason("withdrawn", kind, since=withdrawn_on))
    usable = [e for e in events if withdrawn_on is None or e[0] < withdrawn_on]
    met = _met_on(usable, needed, window.opens)
    if met is None:
        return NotYet(kind, _reason("before_period_opens", kind, on=first_met[0], opens=window.opens))
    day, evidence_kind, count = met
    reason = _reason(
        "engaged",
        kind,
        on=day,
        evidence=evidence_kind,
        count=count,
        needed=needed,
        opens=window.opens,
        closes=window.closes,
    )
    return Proposal(kind, day, None, reason)


def _completion(evidence: EnrolmentEvidence, window: MilestoneWindow, withdrawn_on: date | None) -> Outcome:
    kind, result, day = DeclarationType.COMPLETED, evidence.case_study_result, evidence.case_study_result_on
    if result is None or day is None:
        return NotYet(kind, _reason("no_case_study_result", kind))
    if result is CaseStudyResult.WITHDRAWN:
        return NotYet(kind, _reason("case_study_withdrawn", kind, on=day))
    if withdrawn_on is not None and day >= withdrawn_on:
        return NotYet(kind, _reason("withdrawn", kind, since=withdrawn_on))
    if day < window.opens:
        return NotYet(kind, _reason("before_period_opens", kind, on=day, opens=window.opens))
    reason = _reason("case_study", kind, on=day, result=result.value, opens=window.opens, closes=window.closes)
    return Proposal(kind, day, result is CaseStudyResult.PASSED, reason)


def _period(p: Mapping[str, object]) -> str:
    name = DECLARATION_TYPE_LABELS[DeclarationType(str(p["type"]))].lower()
    if p.get("closes") is None:
        return (
            f"within the {name} period that opened on {format_date(str(p['opens']))} "
            "(the DfE has not published this milestone's date yet)"
        )
    return f"within the {name} period {format_date(str(p['opens']))} to {format_date(str(p['closes']))}"


def describe(reason: Reason) -> str:
    """One reason in plain English, the one place these words are written."""
    p = reason.values
    if "type" not in p or p["type"] not in {t.value for t in DeclarationType}:
        return reason.unrendered()
    kind = DeclarationType(p["type"])
    label, name = kind.label, kind.label.lower()
    code = reason.code
    if code == "engaged" and kind is DeclarationType.STARTED and p["count"] == 1:
        what = "first attended" if p["evidence"] == ATTENDANCE else "first observation"
        return f"{label}: {what} on {format_date(p['on'])}, {_period(p)}"
    if code == "engaged" and kind is DeclarationType.STARTED:
        return f"{label}: first engagement since the period opened, on {format_date(p['on'])}, {_period(p)}"
    if code == "engaged":
        return (
            f"{label}: engagement number {p['count']} (the provider's rule needs {p['needed']}) "
            f"on {format_date(p['on'])}, {_period(p)}"
        )
    if code == "case_study":
        outcome = "passed" if p["result"] == CaseStudyResult.PASSED.value else "not passed"
        return f"{label}: case study {outcome} on {format_date(p['on'])}, {_period(p)}"
    if code == "already_declared":
        return f"{label}: already declared to the DfE (state: {str(p['state']).replace('_', ' ')})"
    if code == "not_in_schedule":
        return f"{label}: not a milestone in this schedule (the DfE lists retention point 2 for leadership NPQs only)"
    if code == "deferred":
        return f"{label}: nothing is proposed while the trainee is deferred (since {format_date(p['since'])})"
    if code == "waiting_for_earlier":
        return f"{label}: waits for the {DeclarationType(p['earlier']).label.lower()} declaration"
    if code == "not_enough_engagement" and p["count"] == 0:
        return f"{label}: no attendance or observation recorded yet"
    if code == "not_enough_engagement":
        counted = f"{p['count']} engagement{'s' if p['count'] != 1 else ''}"
        return f"{label}: {counted} recorded so far, and the provider's rule needs {p['needed']}"
    if code == "withdrawn":
        return (
            f"{label}: the trainee withdrew on {format_date(p['since'])}, before this was reached "
            "(a declaration must be dated before the withdrawal)"
        )
    if code == "before_period_opens":
        return (
            f"{label}: reached on {format_date(p['on'])}, before the {name} period opens on "
            f"{format_date(p['opens'])}; the next engagement from then will count"
            if kind is not DeclarationType.COMPLETED
            else f"{label}: case study result on {format_date(p['on'])}, before the {name} period opens on "
            f"{format_date(p['opens'])}: talk to the DfE"
        )
    if code == "period_closed":
        return f"{label}: reached on {format_date(p['on'])}, but the period closed on {format_date(p['closes'])}: talk to the DfE"
    if code == "before_earlier":
        earlier = DeclarationType(p["earlier"]).label.lower()
        return f"{label}: reached on {format_date(p['on'])}, before the {earlier} date {format_date(p['earlier_on'])}"
    if code == "no_case_study_result":
        return f"{label}: no case study result yet"
    if code == "case_study_withdrawn":
        return f"{label}: the case study was withdrawn on {format_date(p['on'])}, so there is no result to declare"
    return reason.unrendered()
