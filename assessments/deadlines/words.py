"""The SENCO duty in English: each reason code of :mod:`assessments.deadlines.duty` rendered to words
(:func:`render`, the one place these words are written), dates in GOV.UK style, and the names of
statuses, qualifications and kinds of school."""

from __future__ import annotations

from datetime import date

from assessments.deadlines.duty import Qualification, Status
from assessments.deadlines.history import SchoolKind
from assessments.reasons import Reason

QUALIFICATION_NAMES = {
    Qualification.NASENCO: "the National Award for SEN Co-ordination (NASENCO)",
    Qualification.NPQ_SENCO: "the NPQ for SENCOs",
}
SCHOOL_KIND_WORDS = {
    SchoolKind.MAINSTREAM: "a mainstream school in England",
    SchoolKind.MAINTAINED_NURSERY: "a maintained nursery school in England",
    SchoolKind.SPECIAL: "a special school",
    SchoolKind.INDEPENDENT: "an independent school",
    SchoolKind.OUTSIDE_ENGLAND: "a school outside England",
    SchoolKind.UNKNOWN: "a school of a kind not recorded",
}

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # not calendar.month_name, which follows the locale


def format_date(iso: str) -> str:
    """GOV.UK style: 3 March 2025."""
    day = date.fromisoformat(iso)
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def _span(months: int, days: int) -> str:
    text = f"{months} month{'s' if months != 1 else ''}"
    return text + (f" and {days} day{'s' if days != 1 else ''}" if days else "")


def render(r: Reason) -> str:
    """One reason in English, the one place these words are written."""
    p = r.values
    code = r.code
    if code == "qualified":
        name = QUALIFICATION_NAMES[Qualification(p["qualification"])]
        return f"Holds {name}, completed on {format_date(p['completed'])}."
    if code == "appointed_before_duty":
        return (
            f"Became SENCO on {format_date(p['became_senco'])}, not after {format_date(p['after'])}: "
            "the qualification duty does not apply."
        )
    if code == "earlier_service_over":
        return (
            f"Has already been a SENCO for {_span(p['months'], p['days'])} in total, more than "
            f"{p['limit']} months: the qualification duty does not apply."
        )
    if code == "earlier_service_within":
        return (
            f"Earlier service as SENCO totals {_span(p['months'], p['days'])}, not more than "
            f"{p['limit']} months, so the duty still applies."
        )
    if code == "earlier_period_not_counted":
        kind = SchoolKind(p["kind"])
        period = f"Earlier service from {format_date(p['start'])} to {format_date(p['end'])}"
        if kind is SchoolKind.UNKNOWN:
            return (
                f"{period} was not counted: the kind of school is not recorded. Only service at a mainstream "
                "school or a maintained nursery school in England counts; record the kind if it was one."
            )
        return (
            f"{period}, at {SCHOOL_KIND_WORDS[kind]}, was not counted: only service at a mainstream school or a "
            "maintained nursery school in England counts (SEND Regulations 2014, reg. 49(4))."
        )
    if code == "stricter_deadline":
        return (
            f"The deadline counts from becoming SENCO at this school. A stricter reading counts from the first "
            f"appointment as SENCO, on {format_date(p['first'])}, which would make it {format_date(p['deadline'])}."
        )
    if code == "head_teacher_not_exempt":
        return (
            "Being the head teacher does not lift the qualification duty: a head teacher may be the SENCO "
            "(SEND Regulations 2014, reg. 49(3)), but reg. 49(4) makes no exception for them."
        )
    if code == "deadline_passed":
        return f"The qualification had to be held by {format_date(p['deadline'])}."
    if code == "deadline_close":
        return f"The qualification must be held by {format_date(p['deadline'])}, within {p['months']} months."
    if code == "deadline_ahead":
        return f"The qualification must be held by {format_date(p['deadline'])}."
    if code == "nasenco_must_finish":
        return f"The NASENCO counts only if it is completed before {format_date(p['before'])}."
    if code == "nasenco_not_finished_in_time":
        return (
            f"The NASENCO begun on {format_date(p['started'])} was not completed before "
            f"{format_date(p['before'])}, so it does not count: the NPQ for SENCOs is needed."
        )
    if code == "nasenco_begun_too_late":
        return f"A NASENCO begun on or after {format_date(p['npq_from'])} does not count: the NPQ for SENCOs is needed."
    if code == "npq_begun_too_early":
        return f"Only an NPQ for SENCOs begun on or after {format_date(p['npq_from'])} counts."
    if code == "npq_in_progress":
        return f"NPQ for SENCOs begun on {format_date(p['started'])}, not yet completed."
    if code == "no_course":
        return "No qualifying course recorded yet: the NPQ for SENCOs is the one that counts."
    return r.unrendered()


def render_all(reasons: tuple[Reason, ...]) -> tuple[str, ...]:
    return tuple(render(r) for r in reasons)


STATUS_NAMES = {
    Status.ON_TRACK: "On track",
    Status.DUE_SOON: "Due within 6 months",
    Status.OVERDUE: "Overdue",
    Status.NOT_REQUIRED: "Not required",
    Status.QUALIFIED: "Qualified",
}
