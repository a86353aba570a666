"""What the DfE's NPQ Registration API (v3) calls things: one home for its codes.

Source: the DfE's OpenAPI document, repository DFE-Digital/npq-registration, file
``public/api/docs/v3/swagger.yaml`` (vendored in ``tests/fixtures/dfe_npq_api_v3/``). The app's own
words for these codes live beside the code that shows them; the codes here are the API's spelling.
The declaration types and states, training statuses and schedules live in :mod:`dfe.milestones`
(the pure rules need them); this module holds the rest.
"""

from __future__ import annotations

import enum

from dfe.milestones import COURSE_IDENTIFIER, Schedule

COURSE = COURSE_IDENTIFIER  # the only course this app runs; an application for another course is not ours
API_PREFIX = "/api/v3"
PER_PAGE = 100  # the API's default page size (its maximum is 3,000)
UUID_LENGTH = 36


class Environment(str, enum.Enum):
    """The DfE runs a sandbox for providers to try their integration, and production."""

    SANDBOX = "sandbox"
    PRODUCTION = "production"

    @property
    def label(self) -> str:
        return {"sandbox": "Sandbox", "production": "Production"}[self.value]


# The base URLs the DfE publishes (guidance page "test-environments"); an administrator may change them.
DEFAULT_BASE_URLS = {
    Environment.SANDBOX: "https://sandbox.register-npq.education.gov.uk",
    Environment.PRODUCTION: "https://register-national-professional-qualifications.education.gov.uk",
}


class ApplicationStatus(str, enum.Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


SCHEDULES = tuple(schedule.value for schedule in Schedule)


def cohort_year_of(text: object) -> int | None:
    """The DfE's cohort (a call-off contract's year, spelt "2025") as a number, or None when
    ``text`` is not four ASCII digits. The one reading of a cohort year: what the DfE sends and
    what an administrator types ("²⁰²⁵" passes ``str.isdigit`` but is no year)."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        return None
    spelt = str(text).strip()
    return int(spelt) if len(spelt) == 4 and spelt.isascii() and spelt.isdigit() else None


# A declaration's state is the DfE's (dfe.milestones.DeclarationState) once sent; before that, ours:
QUEUED = "queued"  # checked by a person, waiting for the job to send it
REFUSED = "refused"  # the DfE answered 422, so it was never created there
# A declaration in one of these states stands: another of the same type for the same participant
# would be a duplicate.
STANDING_DECLARATION_STATES = frozenset({QUEUED, "submitted", "eligible", "payable", "paid"})
# A person may void these (guidance "submit-view-and-void-declarations": a paid one becomes awaiting clawback).
VOIDABLE_DECLARATION_STATES = frozenset({"submitted", "eligible", "payable", "paid"})


class ReportKind(str, enum.Enum):
    """A change this app tells the DfE about, queued and sent by the job runner."""

    WITHDRAW = "withdraw"
    DEFER = "defer"
    RESUME = "resume"
    CHANGE_SCHEDULE = "change-schedule"
    OUTCOME = "outcome"


class ReportState(str, enum.Enum):
    QUEUED = "queued"
    SENT = "sent"
    REFUSED = "refused"  # the DfE answered 422: a person must look


class OutcomeState(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    VOIDED = "voided"
