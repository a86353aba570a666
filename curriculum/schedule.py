"""When each module of a programme falls, and which are still to come: a pure rule for the plan.

A programme version has a start date, a length in weeks and modules in order with their hours.
Without a timetable of its own, a module is given a share of the weeks in proportion to its hours,
in programme order (the DfE's NPQ guidance describes steady study of 1–2 hours a week over the
course, so time spreads with the hours). Weeks are numbered from 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class ModuleHours:
    key: str
    title: str
    hours: int
    block: str = ""  # the provider's own term or block, when given


@dataclass(frozen=True)
class Slot:
    key: str
    title: str
    hours: int
    block: str
    first_week: int
    last_week: int
    starts: date
    ends: date  # the last day of its last week

    @property
    def weeks(self) -> str:
        if self.first_week == self.last_week:
            return f"Week {self.first_week}"
        return f"Weeks {self.first_week} to {self.last_week}"


def slots(start: date, length_weeks: int, modules: tuple[ModuleHours, ...]) -> tuple[Slot, ...]:
    """Each module's weeks: consecutive, in order, sized by hours; every module gets at least one week
    and none ends after the programme's last week."""
    length = max(length_weeks, 1)
    total = sum(max(m.hours, 0) for m in modules)
    found = []
    done = 0
    for m in modules:
        first = 1 + (done * length) // total if total else 1
        done += max(m.hours, 0)
        last = max(first, (done * length + total - 1) // total if total else length)
        first, last = min(first, length), min(last, length)
        found.append(
            Slot(
                m.key,
                m.title,
                m.hours,
                m.block,
                first,
                last,
                start + timedelta(days=(first - 1) * DAYS_PER_WEEK),
                start + timedelta(days=last * DAYS_PER_WEEK - 1),
            )
        )
    return tuple(found)


def remaining(all_slots: tuple[Slot, ...], today: date) -> tuple[Slot, ...]:
    """The modules not yet over today (one in progress counts as remaining)."""
    return tuple(s for s in all_slots if s.ends >= today)


def programme_end(start: date, length_weeks: int) -> date:
    """The last day of the taught programme."""
    return start + timedelta(days=max(length_weeks, 1) * DAYS_PER_WEEK - 1)
