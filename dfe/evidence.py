"""What the assessments room knows about a linked enrolment, as the declaration rule's evidence
(:class:`dfe.declaration_rules.EnrolmentEvidence`).

- each **submitted** observation's ``observed_on`` (a draft is not engagement yet);
- the case study's result and its date;
- the trainee's training status and since when, where the enrolment has one (the training-status
  change adds ``training_status`` and ``status_changed_at`` to the enrolment; until then every
  trainee is active).

The app records no attendance, so ``first_attended`` stays empty and the first engagement is the
first submitted observation. Everything is read in two queries for any number of enrolments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select

from assessments.case_study_rules import CaseStudyResult
from assessments.models import CaseStudy, Enrolment, Observation, ObservationStatus
from core.extensions import db
from dfe.declaration_rules import EnrolmentEvidence
from dfe.milestones import TrainingStatus


def _training(enrolment: Enrolment) -> tuple[TrainingStatus, date | None]:
    status = TrainingStatus(getattr(enrolment, "training_status", None) or TrainingStatus.ACTIVE.value)
    since = getattr(enrolment, "status_changed_at", None)
    if isinstance(since, datetime):
        since = since.date()
    return status, since if status is not TrainingStatus.ACTIVE else None


def evidence_for(enrolments: Sequence[Enrolment]) -> dict[int, EnrolmentEvidence]:
    """Each enrolment's evidence, by enrolment id."""
    ids = [e.id for e in enrolments]
    if not ids:
        return {}
    observed: dict[int, list[date]] = defaultdict(list)
    for enrolment_id, day in db.session.execute(
        select(Observation.enrolment_id, Observation.observed_on)
        .where(Observation.enrolment_id.in_(ids), Observation.status == ObservationStatus.SUBMITTED)
        .order_by(Observation.observed_on, Observation.id)
    ):
        observed[enrolment_id].append(day)
    case_studies = {
        row.enrolment_id: row
        for row in db.session.execute(
            select(CaseStudy.enrolment_id, CaseStudy.result, CaseStudy.result_on).where(CaseStudy.enrolment_id.in_(ids))
        )
    }
    found = {}
    for enrolment in enrolments:
        status, since = _training(enrolment)
        case_study = case_studies.get(enrolment.id)
        result = CaseStudyResult(case_study.result) if case_study and case_study.result else None
        found[enrolment.id] = EnrolmentEvidence(
            observations=tuple(observed[enrolment.id]),
            training_status=status,
            status_since=since,
            case_study_result=result,
            case_study_result_on=case_study.result_on if case_study and result else None,
        )
    return found
