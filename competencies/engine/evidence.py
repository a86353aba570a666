"""What an observer recorded in one observation. An ``Evidence`` that exists has the right
types; whether it fits a rubric is checked when it is scored against that rubric."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from competencies.engine.errors import EvidenceError, Problem
from competencies.engine.model import FaultSeverity
from competencies.engine.numbers import whole

COMMENT_MAX = 5_000
IDENTITY_MAX = 200  # observation ids, observers, settings


class Judgement(NamedTuple):
    """The level an observer gave a criterion. Faults rubrics: level None means "observed".
    ``not_applicable``: the criterion did not arise in this observation (not the same as not
    observed, which leaves it out): it is left out of the score, and no must-meet criterion
    may be marked so."""

    criterion: str
    level: int | None = None
    comment: str = ""
    not_applicable: bool = False


@dataclass(frozen=True, slots=True)
class Fault:
    """A fault of a named type; ``severity`` None means the type's own severity."""

    fault: str
    severity: FaultSeverity | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.severity, str) and not isinstance(self.severity, FaultSeverity):
            try:
                object.__setattr__(self, "severity", FaultSeverity(self.severity))
            except ValueError:
                pass  # reported below
        problems = _fault_problems(self, "")
        if problems:
            raise EvidenceError(problems)


def _fault_problems(fault: Fault, path: str) -> list[Problem]:
    prefix = f"{path}." if path else ""
    problems = []
    if not isinstance(fault.fault, str) or not fault.fault:
        problems.append(Problem(f"{prefix}fault", "Name the fault type"))
    if fault.severity is not None and not isinstance(fault.severity, FaultSeverity):
        problems.append(Problem(f"{prefix}severity", "Choose the severity: minor, serious or dangerous"))
    problems += _text(fault.note, f"{prefix}note", "the note", COMMENT_MAX)
    return problems


class Observation(NamedTuple):
    """Where a result came from. ``observed_at`` is ISO 8601 in UTC (or "" if unknown); results
    are put in order by (observed_at, id), the order of these fields, so two observations at the
    same moment are ordered by their ids, whatever order they arrive in."""

    observed_at: str = ""
    id: str = ""
    observer: str = ""
    setting: str = ""


# The text form of a moment: an ISO 8601 date, or date and time, with an optional offset (none is
# UTC), or "" (not known). The API's document states this pattern, so what it calls valid is what
# the engine takes.
MOMENT_PATTERN = (
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?)?$"
)
_MOMENT = re.compile(MOMENT_PATTERN)


def moment(value: Any) -> str | None:
    """``value`` as UTC ISO 8601 text with microseconds (so that text order is time order)."""
    if isinstance(value, str):
        if value == "":
            return ""
        if not _MOMENT.fullmatch(value):
            return None
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        try:
            return aware.astimezone(UTC).isoformat(timespec="microseconds")
        except OverflowError:  # 0001-01-01T00:00+01:00 is before the first moment UTC can hold
            return None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC).isoformat(timespec="microseconds")
    return None


def _text(value: Any, path: str, what: str, limit: int) -> list[Problem]:
    if not isinstance(value, str):
        return [Problem(path, f"Enter {what} as text")]
    if len(value) > limit:
        return [Problem(path, f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer")]
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return [Problem(path, f"Enter {what} without broken characters")]
    return []


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an observer recorded in one observation, and where and when."""

    judgements: tuple[Judgement, ...] = ()
    faults: tuple[Fault, ...] = ()
    observation_id: str = ""
    observed_at: Any = ""  # datetime, date or ISO text; kept as UTC ISO text
    observer: str = ""
    setting: str = ""

    def __post_init__(self) -> None:
        problems: list[Problem] = []
        if not isinstance(self.judgements, tuple):
            problems.append(Problem("judgements", "Give the judgements as a list"))
        else:
            for i, j in enumerate(self.judgements):
                problems += judgement_problems(j, f"judgements[{i}]")
        if not isinstance(self.faults, tuple):
            problems.append(Problem("faults", "Give the faults as a list"))
        else:
            problems += [
                Problem(f"faults[{i}]", "Each fault is a Fault")
                for i, f in enumerate(self.faults)
                if not isinstance(f, Fault)
            ]
        when = moment(self.observed_at)
        if when is None:
            problems.append(
                Problem("observed_at", "Enter when it was observed as a date and time, like 2026-03-03T10:30")
            )
        else:
            object.__setattr__(self, "observed_at", when)
        for name in ("observation_id", "observer", "setting"):
            problems += _text(getattr(self, name), name, f"the {name.replace('_', ' ')}", IDENTITY_MAX)
        if problems:
            raise EvidenceError(problems)

    @property
    def observation(self) -> Observation:
        return Observation(self.observed_at, self.observation_id, self.observer, self.setting)


def judgement_problems(j: Any, path: str) -> list[Problem]:
    if not isinstance(j, Judgement):
        return [Problem(path, "Each judgement is a Judgement")]
    problems = []
    if not isinstance(j.criterion, str) or not j.criterion:
        problems.append(Problem(f"{path}.criterion", "Name the criterion"))
    if j.level is not None and whole(j.level) is None:
        problems.append(Problem(f"{path}.level", "Give the level as a whole number"))
    if not isinstance(j.not_applicable, bool):
        problems.append(Problem(f"{path}.not_applicable", "Say yes or no: was it not applicable?"))
    elif j.not_applicable and j.level is not None:
        problems.append(Problem(f"{path}.level", "Leave out the level of a criterion that was not applicable"))
    problems += _text(j.comment, f"{path}.comment", "the comment", COMMENT_MAX)
    return problems
