"""The SENCO qualification duty (SEND Regulations 2014, reg. 49): whether it applies, by when, which
qualification counts, and how a person stands today. Plain Python (standard library only), so a
page, a CSV export and a PDF all read the same result and the same reasons.

One module a subject, every name importable from here:

- :mod:`~assessments.deadlines.history`: what the tracker is told about a person, which earlier
  service counts, and the check that refuses a history it cannot judge;
- :mod:`~assessments.deadlines.counting`: how dates are counted (calendar months, the third
  anniversary, 29 February, earlier service in months and days);
- :mod:`~assessments.deadlines.duty`: the rule itself, :func:`track`, with the law it reads;
- :mod:`~assessments.deadlines.words`: its reasons, statuses and dates in English.
"""

from __future__ import annotations

from assessments.deadlines.counting import (
    EARLIER_SERVICE_MONTHS_MAX,
    POOLED_DAYS_PER_MONTH,
    YEARS_TO_QUALIFY,
    Service,
    add_months,
    earlier_service,
    third_anniversary,
)
from assessments.deadlines.duty import (
    DUE_SOON_MONTHS,
    DUTY_APPLIES_AFTER,
    NASENCO_COMPLETED_BEFORE,
    NPQ_COURSES_FROM,
    Duty,
    Qualification,
    Status,
    track,
)
from assessments.deadlines.history import (
    EARLIER_MONTHS_MAX,
    RELEVANT_SCHOOL_KINDS,
    Course,
    DeadlineInputError,
    SchoolKind,
    SencoHistory,
    ServicePeriod,
    check,
)
from assessments.deadlines.words import (
    MONTH_NAMES,
    QUALIFICATION_NAMES,
    SCHOOL_KIND_WORDS,
    STATUS_NAMES,
    format_date,
    render,
    render_all,
)

__all__ = [
    "DUE_SOON_MONTHS",
    "DUTY_APPLIES_AFTER",
    "EARLIER_MONTHS_MAX",
    "EARLIER_SERVICE_MONTHS_MAX",
    "MONTH_NAMES",
    "NASENCO_COMPLETED_BEFORE",
    "NPQ_COURSES_FROM",
    "POOLED_DAYS_PER_MONTH",
    "QUALIFICATION_NAMES",
    "RELEVANT_SCHOOL_KINDS",
    "SCHOOL_KIND_WORDS",
    "STATUS_NAMES",
    "YEARS_TO_QUALIFY",
    "Course",
    "DeadlineInputError",
    "Duty",
    "Qualification",
    "SchoolKind",
    "SencoHistory",
    "Service",
    "ServicePeriod",
    "Status",
    "add_months",
    "check",
    "earlier_service",
    "format_date",
    "render",
    "render_all",
    "third_anniversary",
    "track",
]
