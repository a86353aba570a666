"""The DfE's case-study assessment, which alone awards the NPQ for SENCOs: its dates and result.

The observed scenarios are formative evidence beside it. What the provider records, and why:

- a **submission window**: providers set an assessment window at the start of the course, eight
  days long at the providers we read (Leading Learning, "NPQ Assessments"; Church of England
  Foundation for Educational Leadership, "NPQ Assessment FAQs");
- the date the trainee **submitted** the written case study (a single 2,500-word case study:
  Dobson, seed 001, section "National Professional Qualifications"; DfE, "Special educational
  needs co-ordinator's (SENCO) national professional qualification", course overview). The range
  of 1,500 to 2,500 words is Moloney's, seed 003, and describes the final assessments of NPQLBC
  and NPQH, not the NPQ for SENCOs;
- the **result** and its date: *passed* or *not passed* — completing an NPQ needs the case
  study passed (with at least 90% participation: Leading Learning, as above) — or *withdrawn*,
  the provider's own record that the trainee left the assessment without a result (not a DfE
  grade; we keep it so the register does not show a withdrawn trainee as merely "awaiting").

Plain Python: no framework, no database, so the rules are tested on their own (mypy strict).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class CaseStudyResult(str, enum.Enum):
    PASSED = "passed"
    NOT_PASSED = "not-passed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"passed": "Passed", "not-passed": "Not passed", "withdrawn": "Withdrawn"}[self.value]


#: The results a submission is needed for: a pass or a fail judges a written case study.
JUDGED = frozenset({CaseStudyResult.PASSED, CaseStudyResult.NOT_PASSED})


@dataclass(frozen=True)
class CaseStudyDates:
    window_opens: date | None = None
    window_closes: date | None = None
    submitted_on: date | None = None
    result: CaseStudyResult | None = None
    result_on: date | None = None

    @property
    def completed(self) -> bool:
        """The qualification is completed when the case study is passed (on ``result_on``)."""
        return self.result is CaseStudyResult.PASSED and self.result_on is not None


def problems(given: CaseStudyDates, today: date) -> list[tuple[str, str]]:
    """Every problem with ``given``, each as (field, message); none means it may be saved."""
    found: list[tuple[str, str]] = []
    if given.window_opens and given.window_closes and given.window_closes < given.window_opens:
        found.append(("window_closes", "The window must close on or after the day it opens"))
    if given.submitted_on and given.submitted_on > today:
        found.append(("submitted_on", "The date of submission must be today or in the past"))
    if given.result_on and given.result_on > today:
        found.append(("result_on", "The date of the result must be today or in the past"))
    if given.result is not None and given.result_on is None:
        found.append(("result_on", "Enter the date of the result"))
    if given.result is None and given.result_on is not None:
        found.append(("result", "Choose the result, or clear the date of the result"))
    if given.result in JUDGED and given.submitted_on is None:
        found.append(("submitted_on", "Enter the date the case study was submitted: a result needs a submission"))
    if given.result_on and given.submitted_on and given.result_on < given.submitted_on:
        found.append(("result_on", "The date of the result must be on or after the date of submission"))
    return found


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def in_words(given: CaseStudyDates | None) -> str:
    """Where the case study stands, in a sentence (text, never colour alone)."""
    if given is None or given == CaseStudyDates():
        return "Not recorded yet"
    if given.result is not None and given.result_on is not None:
        return f"{given.result.label} on {_day(given.result_on)}"
    if given.submitted_on is not None:
        return f"Submitted on {_day(given.submitted_on)}; result awaited"
    if given.window_opens and given.window_closes:
        return f"Submission window {_day(given.window_opens)} to {_day(given.window_closes)}"
    if given.window_opens:
        return f"Submission window opens {_day(given.window_opens)}"
    return "Not submitted yet"
