"""What the SENCO duty tracker is told about one person (:class:`SencoHistory`), and the check that
refuses a history it cannot judge (:func:`check`, every problem located at its field).

Which earlier service counts: only service at a *relevant school* counts towards the twelve months
(reg. 49(4); a relevant school is a mainstream school or a maintained nursery school in England,
Children and Families Act 2014 s.67(1)). Each period records its kind of school
(:class:`SchoolKind`); a period at a special or independent school, or outside England, is not
counted, and the reasons name it. ASSUMPTION, the cautious choice: a period whose kind is not
recorded (periods stored before the kind was asked for read as ``unknown``) is not counted either,
so it can never lift the duty; the reasons say so and ask for the kind. A stated total of months
(``earlier_months``) is taken as service at relevant schools, as the form asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from assessments.reasons import Problem, RuleInputError

EARLIER_MONTHS_MAX = 1_200  # a stated total beyond a century is a typing slip


class SchoolKind(Enum):
    """Where an earlier period as SENCO was served; only a relevant school counts (s.67(1))."""

    MAINSTREAM = "mainstream"  # a mainstream school in England (maintained school or academy)
    MAINTAINED_NURSERY = "maintained-nursery"  # a maintained nursery school in England
    SPECIAL = "special"
    INDEPENDENT = "independent"
    OUTSIDE_ENGLAND = "outside-england"
    UNKNOWN = "unknown"  # not recorded: not counted (see the module docstring)

    @property
    def relevant(self) -> bool:
        return self in RELEVANT_SCHOOL_KINDS


RELEVANT_SCHOOL_KINDS = frozenset({SchoolKind.MAINSTREAM, SchoolKind.MAINTAINED_NURSERY})


@dataclass(frozen=True)
class ServicePeriod:
    """A stretch as SENCO before this appointment, here or elsewhere; both days count."""

    start: date
    end: date
    kind: SchoolKind = SchoolKind.UNKNOWN

    @property
    def counts(self) -> bool:
        return self.kind.relevant


@dataclass(frozen=True)
class Course:
    started: date
    completed: date | None = None


@dataclass(frozen=True)
class SencoHistory:
    """What the tracker needs to know about one person.

    ``earlier_months``: earlier SENCO service as a stated total of whole months, for when the
    dates are not known; it adds to ``earlier_service``.
    """

    became_senco: date
    earlier_service: tuple[ServicePeriod, ...] = ()
    earlier_months: int = 0
    head_teacher: bool = False
    nasenco: Course | None = None
    npq: Course | None = None


class DeadlineInputError(RuleInputError):
    """The history cannot be judged as given; ``problems`` lists every located problem."""


def _not_future(path: str, day: date, today: date, what: str) -> list[Problem]:
    return [Problem(path, f"{what} must be today or in the past")] if day > today else []


def _course_problems(path: str, course: Course | None, today: date) -> list[Problem]:
    if course is None:
        return []
    found = _not_future(f"{path}.started", course.started, today, "The course start date")
    if course.completed is not None:
        found += _not_future(f"{path}.completed", course.completed, today, "The completion date")
        if course.completed < course.started:
            found.append(
                Problem(f"{path}.completed", "The completion date must be the same as or after the start date")
            )
    return found


def check(history: SencoHistory, today: date) -> None:
    """Refuse a history that cannot be judged, listing every problem with its field."""
    found = _not_future("became_senco", history.became_senco, today, "The date they became SENCO")
    if not 0 <= history.earlier_months <= EARLIER_MONTHS_MAX:
        found.append(Problem("earlier_months", "Enter earlier service as a whole number of months between 0 and 1,200"))
    for i, p in enumerate(history.earlier_service):
        path = f"earlier_service[{i}]"
        found += _not_future(f"{path}.start", p.start, today, "The start of earlier service")
        if p.end < p.start:
            found.append(Problem(f"{path}.end", "The end of earlier service must be the same as or after its start"))
        if p.end >= history.became_senco:
            found.append(
                Problem(f"{path}.end", "Earlier service must end before the date they became SENCO at this school")
            )
    found += _course_problems("nasenco", history.nasenco, today)
    found += _course_problems("npq", history.npq, today)
    if found:
        raise DeadlineInputError(found)
