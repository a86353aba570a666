"""The DfE's milestones for the NPQ for SENCOs: its codes and its published dates, written once.

Sources, all in the DfE's NPQ Registration API guidance (repository DFE-Digital/npq-registration,
commit 9e9784a):

- the four declaration types, the declaration states and the training statuses, in the API's
  spelling: ``public/api/docs/v3/swagger.yaml`` (``ParticipantDeclaration``) and "Data states"
  (``app/views/api/guidance/data-states.md``);
- the schedule identifiers for specialist NPQs (the NPQ for SENCOs, course ``npq-senco``, is one)
  and the date from which the API accepts declarations for each schedule ("Submit declarations
  from"): "Schedules and milestone dates" (``app/views/api/guidance/schedules-and-milestone-dates.md``);
- each milestone's date (the deadline for a declaration to be paid on that milestone's statement)
  and payment date: "Schedules and milestone dates" for all courses
  (``app/views/api/guidance/schedules-and-milestone-all-course.md``).

What the guidance does not give is recorded as ``None``, never guessed:

- retention point 2 (``retained-2``) is listed "leadership only", so no specialist schedule has it;
- the 2021 cohort's tables give no "submit declarations from" date;
- the 2025 cohort's autumn schedule has a "submit declarations from" date (1 August 2025) but no
  milestone dates yet.

A milestone's window opens on the schedule's "submit declarations from" date: the API "will
accept any type of declaration (including started, retention-{x} or completed) on or after the
schedule start date" (schedules-and-milestone-dates.md), so every milestone shares that opening.
It closes on the milestone date. (The guidance adds that a declaration submitted after its
milestone date is paid at the next milestone's payment; this module leaves that call to a person.)

Standard library only (mypy strict): the rules are tested on their own.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from assessments.reasons import Problem, RuleInputError


class DeclarationType(str, enum.Enum):
    """The API's ``declaration_type``, in the order a trainee reaches the milestones."""

    STARTED = "started"
    RETAINED_1 = "retained-1"
    RETAINED_2 = "retained-2"
    COMPLETED = "completed"

    @property
    def label(self) -> str:
        return DECLARATION_TYPE_LABELS[self]


DECLARATION_TYPE_LABELS: dict[DeclarationType, str] = {
    DeclarationType.STARTED: "Started",
    DeclarationType.RETAINED_1: "Retained 1",
    DeclarationType.RETAINED_2: "Retained 2",
    DeclarationType.COMPLETED: "Completed",
}

#: The milestones a trainee reaches one after another; ``completed`` comes from the case study instead.
RETENTION_ORDER: tuple[DeclarationType, ...] = (
    DeclarationType.STARTED,
    DeclarationType.RETAINED_1,
    DeclarationType.RETAINED_2,
)


class DeclarationState(str, enum.Enum):
    """The API's declaration ``state`` (data-states.md, "Declaration data states")."""

    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    PAYABLE = "payable"
    PAID = "paid"
    VOIDED = "voided"
    AWAITING_CLAWBACK = "awaiting_clawback"
    CLAWED_BACK = "clawed_back"


#: States of a declaration the provider has retracted: ``voided``, and a ``paid`` declaration since
#: voided (``awaiting_clawback``, then ``clawed_back``). Such a declaration does not stop a new one.
RETRACTED: frozenset[DeclarationState] = frozenset(
    {DeclarationState.VOIDED, DeclarationState.AWAITING_CLAWBACK, DeclarationState.CLAWED_BACK}
)


class TrainingStatus(str, enum.Enum):
    """The API's participant ``training_status`` (data-states.md, "Participant data states")."""

    ACTIVE = "active"
    DEFERRED = "deferred"
    WITHDRAWN = "withdrawn"


class Schedule(str, enum.Enum):
    """The schedule identifiers the API assigns to specialist NPQs, the NPQ for SENCOs among them."""

    SPECIALIST_AUTUMN = "npq-specialist-autumn"
    SPECIALIST_SPRING = "npq-specialist-spring"


#: The API's course identifier for the NPQ for SENCOs (swagger.yaml, ``course_identifier``).
COURSE_IDENTIFIER = "npq-senco"


@dataclass(frozen=True)
class Milestone:
    """One row of a schedule's table: the milestone date (deadline) and payment date, or None where
    the guidance gives none."""

    declaration_type: DeclarationType
    milestone_date: date | None
    payment_date: date | None


@dataclass(frozen=True)
class ScheduleDates:
    schedule: Schedule
    cohort_year: int
    submit_from: date | None  # "Submit declarations from"; None where the guidance gives no date
    milestones: tuple[Milestone, ...]


def _specialist(
    schedule: Schedule,
    cohort: int,
    submit_from: date | None,
    started: tuple[date, date] | None,
    retained_1: tuple[date, date] | None,
    completed: tuple[date, date] | None,
) -> ScheduleDates:
    """A specialist schedule: started, retained-1 and completed ("Retention point 2" is leadership only)."""

    def row(kind: DeclarationType, dates: tuple[date, date] | None) -> Milestone:
        return Milestone(kind, *(dates if dates else (None, None)))

    return ScheduleDates(
        schedule,
        cohort,
        submit_from,
        (
            row(DeclarationType.STARTED, started),
            row(DeclarationType.RETAINED_1, retained_1),
            row(DeclarationType.COMPLETED, completed),
        ),
    )


_AUTUMN, _SPRING, D = Schedule.SPECIALIST_AUTUMN, Schedule.SPECIALIST_SPRING, date

#: The DfE's published tables for specialist NPQs, as (milestone date, payment date) per milestone.
SCHEDULE_DATES: tuple[ScheduleDates, ...] = (
    _specialist(_AUTUMN, 2021, None, (D(2021, 12, 25), D(2022, 1, 25)), (D(2022, 6, 25), D(2022, 7, 25)),
                (D(2023, 2, 24), D(2023, 3, 20))),
    _specialist(_SPRING, 2021, None, (D(2022, 2, 25), D(2022, 3, 25)), (D(2022, 10, 25), D(2022, 10, 25)),
                (D(2023, 5, 25), D(2023, 6, 25))),
    _specialist(_AUTUMN, 2022, D(2022, 10, 1), (D(2022, 11, 24), D(2022, 12, 14)), (D(2023, 3, 10), D(2023, 3, 25)),
                (D(2024, 2, 25), D(2024, 3, 25))),
    _specialist(_SPRING, 2022, D(2023, 1, 1), (D(2023, 6, 23), D(2023, 7, 23)), (D(2023, 10, 25), D(2023, 11, 25)),
                (D(2024, 5, 24), D(2024, 6, 24))),
    _specialist(_AUTUMN, 2023, D(2023, 10, 1), (D(2023, 11, 24), D(2023, 12, 14)), (D(2024, 3, 11), D(2024, 3, 18)),
                (D(2025, 2, 25), D(2025, 3, 18))),
    _specialist(_SPRING, 2023, D(2024, 1, 1), (D(2024, 6, 25), D(2024, 7, 25)), (D(2024, 10, 25), D(2024, 11, 25)),
                (D(2025, 5, 25), D(2025, 6, 25))),
    _specialist(_AUTUMN, 2024, D(2024, 10, 1), (D(2024, 11, 25), D(2024, 12, 15)), (D(2025, 5, 26), D(2025, 6, 25)),
                (D(2026, 2, 21), D(2026, 3, 26))),
    _specialist(_SPRING, 2025, D(2025, 2, 1), (D(2025, 5, 30), D(2025, 6, 25)), (D(2025, 12, 19), D(2026, 1, 26)),
                (D(2026, 8, 21), D(2026, 9, 25))),
    _specialist(_AUTUMN, 2025, D(2025, 8, 1), None, None, None),
)  # fmt: skip


@dataclass(frozen=True)
class MilestoneWindow:
    """The dates a declaration's ``declaration_date`` may fall on, both days included; ``closes`` is
    None where the DfE has published no milestone date."""

    declaration_type: DeclarationType
    opens: date
    closes: date | None

    def holds(self, day: date) -> bool:
        return self.opens <= day and (self.closes is None or day <= self.closes)


def schedule_dates(schedule_identifier: str, cohort_year: int) -> ScheduleDates:
    """The published table for one schedule and cohort, or a located RuleInputError."""
    known = {s.value for s in Schedule}
    if schedule_identifier not in known:
        raise RuleInputError(
            [Problem("schedule_identifier", f"Choose a specialist NPQ schedule: {' or '.join(sorted(known))}")]
        )
    for table in SCHEDULE_DATES:
        if table.schedule.value == schedule_identifier and table.cohort_year == cohort_year:
            return table
    cohorts = sorted({t.cohort_year for t in SCHEDULE_DATES if t.schedule.value == schedule_identifier})
    raise RuleInputError(
        [
            Problem(
                "cohort_year",
                f"The DfE's guidance gives no dates for {schedule_identifier} in the {cohort_year} cohort: "
                f"it gives them for {', '.join(str(c) for c in cohorts)}",
            )
        ]
    )


def windows(schedule_identifier: str, cohort_year: int) -> list[MilestoneWindow]:
    """The window of each milestone the schedule has, in milestone order."""
    table = schedule_dates(schedule_identifier, cohort_year)
    if table.submit_from is None:
        raise RuleInputError(
            [
                Problem(
                    "cohort_year",
                    f"The DfE's guidance gives no date from which declarations could be submitted for "
                    f"{schedule_identifier} in the {cohort_year} cohort: ask your DfE contract manager",
                )
            ]
        )
    return [MilestoneWindow(m.declaration_type, table.submit_from, m.milestone_date) for m in table.milestones]
