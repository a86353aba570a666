"""How an enrolment's dates and earlier SENCO service are written and checked: one home for the
rules the enrolment form, the CSV import and ``flask enrol`` all use. Plain Python (no Flask).

Dates are written day/month/year, as people in England write them (``1/9/2025``, ``01/09/2025``),
or as ISO dates (``2025-09-01``, what spreadsheets export when asked). Earlier SENCO service is a
list of periods, each ``start to end at kind of school``, separated by ``;`` or new lines:
``1/9/2015 to 31/8/2016 at mainstream; 1/1/2019 to 31/7/2019 at special`` (a comma before the kind
works too, inside a quoted CSV cell). Both days of a period
count, and only periods at a relevant school (mainstream, or maintained nursery, in England) count
towards the twelve months (see :mod:`assessments.deadlines`). A period written without its kind,
or stored before the kind was asked for (``{"start", "end"}`` with no ``kind``), reads as
``unknown`` and is not counted: the cautious reading, which the tracker's reasons explain.
"""

from __future__ import annotations

import re
from datetime import date

from assessments.deadlines import SchoolKind, ServicePeriod
from core.rule_problems import ProblemError

PERIODS_MAX = 20  # earlier appointments one person can have had; more is a pasting slip
PERIODS_TEXT_MAX = 1_000  # characters of the earlier-service text
DATE_EXAMPLE = "for example 1/9/2025"
PERIOD_EXAMPLE = "for example 1/9/2015 to 31/8/2016 at mainstream"
# The words a period's kind of school may be written in (lower case), one home for form and CSV.
KIND_WORDS = {
    "mainstream": SchoolKind.MAINSTREAM,
    "maintained nursery": SchoolKind.MAINTAINED_NURSERY,
    "nursery": SchoolKind.MAINTAINED_NURSERY,
    "special": SchoolKind.SPECIAL,
    "independent": SchoolKind.INDEPENDENT,
    "outside england": SchoolKind.OUTSIDE_ENGLAND,
    "abroad": SchoolKind.OUTSIDE_ENGLAND,
    "unknown": SchoolKind.UNKNOWN,
}
KIND_WRITTEN = {
    SchoolKind.MAINSTREAM: "mainstream",
    SchoolKind.MAINTAINED_NURSERY: "maintained nursery",
    SchoolKind.SPECIAL: "special",
    SchoolKind.INDEPENDENT: "independent",
    SchoolKind.OUTSIDE_ENGLAND: "outside England",
    SchoolKind.UNKNOWN: "unknown",
}
KINDS_HELP = "mainstream, maintained nursery, special, independent or outside England"
YEAR_MIN = 1900  # SENCOs were named in the 1994 Code of Practice; earlier is a typing slip

_DMY = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_PERIOD_SPLIT = re.compile(r"[;\n]")
_TO = re.compile(r"\s+to\s+", re.IGNORECASE)
_AT = re.compile(r"\s*,\s*|\s+at\s+", re.IGNORECASE)  # between a period's dates and its kind of school
_ARTICLES = {"a", "an", "the", "school"}


class RuleError(ProblemError):
    """A value that cannot be read; ``message`` says what to do."""


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:39] + "…"


def parse_day(text: str) -> date:
    """A date written day/month/year or year-month-day; RuleError naming the text otherwise."""
    value = text.strip()
    iso, dmy = _ISO.fullmatch(value), _DMY.fullmatch(value)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year = (int(g) for g in dmy.groups())
    else:
        raise RuleError(f"{_shown(value)} is not a date: write it as day/month/year, {DATE_EXAMPLE}")
    try:
        found = date(year, month, day)
    except ValueError:
        raise RuleError(f"{_shown(value)} is not a date: write it as day/month/year, {DATE_EXAMPLE}") from None
    if year < YEAR_MIN:
        raise RuleError(f"{_shown(value)} is too long ago: check the year")
    return found


def optional_day(text: str) -> date | None:
    return parse_day(text) if text.strip() else None


def parse_periods(text: str) -> tuple[ServicePeriod, ...]:
    """Earlier service periods from ``start to end`` items separated by ``;`` or new lines."""
    if len(text) > PERIODS_TEXT_MAX:
        raise RuleError(f"Earlier service must be {PERIODS_TEXT_MAX:,} characters or fewer")
    items = [item.strip() for item in _PERIOD_SPLIT.split(text) if item.strip()]
    if len(items) > PERIODS_MAX:
        raise RuleError(f"Enter at most {PERIODS_MAX} periods of earlier service")
    periods = []
    for position, item in enumerate(items, start=1):
        dates, *kind = _AT.split(item, maxsplit=1)
        kind_text = kind[0] if kind else ""
        ends = _TO.split(dates.strip())
        if len(ends) != 2:
            raise RuleError(
                f"Period {position} ({_shown(item)}) needs a start and an end joined by ‘to’, {PERIOD_EXAMPLE}"
            )
        try:
            periods.append(ServicePeriod(parse_day(ends[0]), parse_day(ends[1]), parse_kind(kind_text)))
        except RuleError as error:
            raise RuleError(f"Period {position}: {error.message}") from None
    return tuple(periods)


def parse_kind(text: str) -> SchoolKind:
    """The kind of school a period was served at; blank reads as unknown (not counted)."""
    words = " ".join(w for w in text.lower().split() if w not in _ARTICLES)
    if not words:
        return SchoolKind.UNKNOWN
    if words not in KIND_WORDS:
        raise RuleError(f"{_shown(text.strip())} is not a kind of school: write {KINDS_HELP}")
    return KIND_WORDS[words]


def format_day(day: date) -> str:
    """The form's and the CSV's way of writing a date back: 1/9/2025."""
    return f"{day.day}/{day.month}/{day.year}"


def format_periods(periods: tuple[ServicePeriod, ...] | list[ServicePeriod]) -> str:
    return "; ".join(f"{format_day(p.start)} to {format_day(p.end)}{_kind_written(p.kind)}" for p in periods)


def _kind_written(kind: SchoolKind) -> str:
    """A period's kind as typed after its dates; nothing for a kind not recorded, as it was typed."""
    return "" if kind is SchoolKind.UNKNOWN else f" at {KIND_WRITTEN[kind]}"


def period_problems(periods: tuple[ServicePeriod, ...], today: date) -> list[str]:
    """What is wrong with a list of earlier service periods beyond what the tracker checks (an end
    in the future, periods that overlap; :func:`assessments.deadlines.check` checks the order of
    each period's ends). The tracker would count an overlap once, but two stored periods covering
    the same days are a typing slip the person should see."""
    found = []
    for position, p in enumerate(periods, start=1):
        if p.end > today:
            found.append(f"Period {position} ends in the future: earlier service must have ended")
    ordered = sorted(enumerate(periods, start=1), key=lambda item: item[1].start)
    for (first, a), (second, b) in zip(ordered, ordered[1:]):
        if b.start <= a.end:
            found.append(
                f"Periods {min(first, second)} and {max(first, second)} overlap: enter each stretch of service once"
            )
    return found


def periods_to_json(periods: tuple[ServicePeriod, ...]) -> list[dict[str, str]]:
    """``[{"start", "end", "kind"}]``; a kind not recorded is left out, the shape stored before."""
    return [
        {"start": p.start.isoformat(), "end": p.end.isoformat()}
        | ({} if p.kind is SchoolKind.UNKNOWN else {"kind": p.kind.value})
        for p in periods
    ]


def periods_from_json(stored: list[dict[str, str]]) -> tuple[ServicePeriod, ...]:
    """Stored periods; one saved before the kind was recorded reads as unknown (not counted)."""
    return tuple(
        ServicePeriod(
            date.fromisoformat(p["start"]), date.fromisoformat(p["end"]), SchoolKind(p.get("kind", "unknown"))
        )
        for p in stored
    )


_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}


def parse_yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise RuleError(f"{_shown(text.strip())} is not yes or no: write yes or no (or leave it blank for no)")
