"""Applications in: read the provider's NPQ for SENCOs applications from the DfE, accept or reject
them, and make an accepted one a person enrolled on a cohort, with nothing retyped.

The DfE's guidance: ``app/views/api/guidance/how-to-guides/view-accept-or-reject-applications.md``
in DFE-Digital/npq-registration (commit 9e9784a8).

A module each: :mod:`.reading` (the sync reader, and keeping an application as the DfE holds it),
:mod:`.pages` (what the pages show), :mod:`.planning` (what accepting makes here, checked before
anything is sent), :mod:`.telling` (sending a decision to the DfE) and :mod:`.deciding` (accept,
reject, finish enrolment; its docstring says what is sent and why). The package re-exports their
public names, so callers keep writing ``applications.accept``.
"""

from __future__ import annotations

from dfe.applications import reading
from dfe.applications.deciding import CHANGED, DFE_FIELDS, accept, finish, reject
from dfe.applications.pages import (
    HEAD_TEACHER_WORDS,
    INELIGIBLE_WORDS,
    STATUS_WORDS,
    cohort_year,
    default_cohort,
    eligible,
    funding,
    get,
    linked_cohorts,
    listing,
    needs_enrolment,
    summary,
)
from dfe.applications.planning import ENROLMENT_FIELDS, HEAD_TEACHER_NOW, Plan, enrol, plan
from dfe.applications.reading import PATH, RESOURCE, store_answer, upsert
from dfe.applications.telling import (
    ACCEPT_TYPE,
    DECIDED_STATUS,
    DECIDING,
    DECIDING_SECONDS,
    DfeFailed,
    accept_body,
    hold,
    let_go,
    send_decision,
)

__all__ = [
    "ACCEPT_TYPE",
    "CHANGED",
    "DECIDED_STATUS",
    "DECIDING",
    "DECIDING_SECONDS",
    "DFE_FIELDS",
    "ENROLMENT_FIELDS",
    "HEAD_TEACHER_NOW",
    "HEAD_TEACHER_WORDS",
    "INELIGIBLE_WORDS",
    "PATH",
    "RESOURCE",
    "STATUS_WORDS",
    "DfeFailed",
    "Plan",
    "accept",
    "accept_body",
    "cohort_year",
    "default_cohort",
    "eligible",
    "enrol",
    "finish",
    "funding",
    "get",
    "hold",
    "init_app",
    "let_go",
    "linked_cohorts",
    "listing",
    "needs_enrolment",
    "plan",
    "reject",
    "send_decision",
    "store_answer",
    "summary",
    "upsert",
]


def init_app() -> None:
    """The sync reader ``applications``."""
    reading.init_app()
