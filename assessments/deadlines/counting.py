"""How the SENCO duty counts dates: calendar months, the third anniversary, and earlier service in
whole months and days (one rule, :func:`add_months`).

- "Month" means calendar month (Interpretation Act 1978, Sch. 1), so months are counted on the
  calendar, not as 30 days.
- Anniversaries of 29 February: neither reg. 49 nor the Interpretation Act 1978 says where the
  anniversary of 29 February falls in a year without one, and we found no English statute or
  case that settles it. ASSUMPTION: it falls on 28 February, the last day of that February (the
  same rule as any month step that lands on a day the month lacks: 31 August + 6 months is the
  end of February). We take the earlier of the two candidate days so that the tracker never
  shows someone as within time on a day a stricter reading would call overdue.
- Earlier service given as date ranges counts both end days. Overlapping ranges count once. Whole
  calendar months are counted per range; days left over from several ranges are pooled and every
  31 pooled days count as one more month. ASSUMPTION: 31 (the longest month) is the cautious
  choice: it never lifts the duty on the strength of a short month.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from assessments.deadlines.history import ServicePeriod

EARLIER_SERVICE_MONTHS_MAX = 12  # reg. 49(4): more than this many months lifts the duty
YEARS_TO_QUALIFY = 3  # reg. 49(4): the third anniversary
POOLED_DAYS_PER_MONTH = 31  # see the module docstring: the cautious month


@dataclass(frozen=True)
class Service:
    """Earlier SENCO service in whole calendar months and days left over."""

    months: int
    days: int

    @property
    def more_than_twelve_months(self) -> bool:
        limit = EARLIER_SERVICE_MONTHS_MAX
        return self.months > limit or (self.months == limit and self.days > 0)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months; a day the target month lacks becomes its last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def third_anniversary(became_senco: date) -> date:
    """The date by which the qualification must be held (29 February → 28 February, see above)."""
    return add_months(became_senco, 12 * YEARS_TO_QUALIFY)


def _months_and_days(start: date, end_exclusive: date) -> tuple[int, int]:
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    while months > 0 and add_months(start, months) > end_exclusive:
        months -= 1
    return months, (end_exclusive - add_months(start, months)).days


def earlier_service(periods: tuple[ServicePeriod, ...], stated_months: int = 0) -> Service:
    """Total earlier service: overlaps counted once, leftover days pooled (31 to a month)."""
    merged: list[list[date]] = []
    for p in sorted(periods, key=lambda p: p.start):
        if merged and p.start <= merged[-1][1] + timedelta(days=1):
            merged[-1][1] = max(merged[-1][1], p.end)
        else:
            merged.append([p.start, p.end])
    months, days = stated_months, 0
    for start, end in merged:
        m, d = _months_and_days(start, end + timedelta(days=1))
        months, days = months + m, days + d
    return Service(months + days // POOLED_DAYS_PER_MONTH, days % POOLED_DAYS_PER_MONTH)
