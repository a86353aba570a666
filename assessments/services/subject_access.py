"""Subject access for the assessments room: the rows about one person (as a trainee) and the rows
they wrote about others (as a mentor, moderator, reviewer or provider), for ``core.privacy.export``.
Other people are given as :class:`~core.privacy.Other`, never by name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from assessments.models import (
    CalibrationAttempt,
    CalibrationExemplar,
    CaseStudy,
    Cohort,
    Enrolment,
    EnrolmentStatusChange,
    ModerationAppeal,
    ModerationItem,
    ModerationSample,
    NextStep,
    Observation,
    ObservationRequest,
    ObservationRevision,
    SelfAssessment,
    enrolment_mentor,
)
from core.content import titles
from core.extensions import db
from core.privacy import Other

Row = dict[str, Any]


def export(person_id: int) -> dict[str, list[Row]]:
    """What is held about the person (as a trainee) and what they wrote about others (as a
    mentor, moderator, reviewer or provider), others given as :class:`~core.privacy.Other`."""
    scenarios = titles("scenario")
    observations = _observations(person_id)
    ids = [o.id for o in observations]
    return {
        "enrolment": [_enrolment(e) for e in _enrolments(person_id)],
        "enrolment_mentor": _mentoring(person_id),
        "enrolment_status_change": [_status_change(c) for c in _status_changes(person_id)],
        "observation": [_observation(o, person_id, scenarios) for o in observations],
        "observation_revision": [_revision(r) for r in _revisions(person_id, ids)],
        "observation_request": [_request(r, scenarios) for r in _requests(person_id)],
        "self_assessment": [_self_assessment(a) for a in _self_assessments(person_id)],
        "next_step": [_next_step(n, scenarios) for n in _next_steps(person_id)],
        "case_study": [_case_study(c) for c in _case_studies(person_id)],
        "moderation_sample": [_sample(m) for m in _samples(person_id)],
        "moderation_item": [_moderation(m) for m in _moderation_items(person_id, ids)],
        "moderation_appeal": [_appeal(a) for a in _appeals(person_id)],
        "calibration_exemplar": [_exemplar(x) for x in _exemplars(person_id)],
        "calibration_attempt": [_attempt(a) for a in _attempts(person_id)],
        "cohort": _rubric_moves(person_id),
    }


# ---- what the person is part of --------------------------------------------------------------------

_TRAINEE = "Trainee"
_MENTOR = "Mentor"


def _trainee(enrolment: Enrolment) -> Other:
    return Other(enrolment.trainee_id, _TRAINEE)


def _enrolments(person_id: int) -> list[Enrolment]:
    return list(db.session.scalars(select(Enrolment).where(Enrolment.trainee_id == person_id).order_by(Enrolment.id)))


def _enrolment(e: Enrolment) -> Row:
    return {
        "cohort": e.cohort.name,
        "school": e.school,
        "became_senco": e.became_senco,
        "earlier_senco_months": e.earlier_senco_months,
        "earlier_service": e.earlier_service,
        "head_teacher": e.head_teacher,
        "nasenco_started": e.nasenco_started,
        "nasenco_completed": e.nasenco_completed,
        "mentors": [Other(m.id, _MENTOR) for m in e.mentors],
        "enrolled_at": e.created_at,
        "training_status": e.training_status,
        "status_reason": e.status_reason,
        "status_changed_at": e.status_changed_at,
    }


def _status_changes(person_id: int) -> list[EnrolmentStatusChange]:
    """Changes of the person's own training status, and those they made to others'."""
    return list(
        db.session.scalars(
            select(EnrolmentStatusChange)
            .join(Enrolment, EnrolmentStatusChange.enrolment_id == Enrolment.id)
            .where((Enrolment.trainee_id == person_id) | (EnrolmentStatusChange.changed_by_id == person_id))
            .order_by(EnrolmentStatusChange.id)
        )
    )


def _status_change(c: EnrolmentStatusChange) -> Row:
    return {
        "trainee": _trainee(c.enrolment),
        "cohort": c.enrolment.cohort.name,
        "from_status": c.from_status,
        "to_status": c.to_status,
        "reason": c.reason,
        "changed_at": c.changed_at,
        "changed_by": Other(c.changed_by_id, "Staff"),
        "note": c.note,
    }


def _mentoring(person_id: int) -> list[Row]:
    mentored = db.session.scalars(
        select(Enrolment)
        .join(enrolment_mentor, enrolment_mentor.c.enrolment_id == Enrolment.id)
        .where(enrolment_mentor.c.mentor_id == person_id)
        .order_by(Enrolment.id)
    )
    return [{"cohort": e.cohort.name, "trainee": _trainee(e)} for e in mentored]


def _observations(person_id: int) -> list[Observation]:
    """Observations of the person, and those they made of others."""
    return list(
        db.session.scalars(
            select(Observation)
            .join(Enrolment)
            .where(or_(Enrolment.trainee_id == person_id, Observation.observer_id == person_id))
            .order_by(Observation.id)
        )
    )


def _observation(o: Observation, person_id: int, scenarios: dict[str, str]) -> Row:
    row: Row = {
        "observation": o.id,
        "trainee": _trainee(o.enrolment),
        "observer": Other(o.observer_id, _MENTOR),
        "scenario": scenarios.get(o.scenario_key, o.scenario_key),
        "observed_on": o.observed_on,
        "status": o.status,
        "setting": o.setting,
        "present": o.present,
        "present_notes": o.present_notes,
        "evidence": o.evidence,
        "outcome": o.result.get("outcome"),
        "submitted_at": o.submitted_at,
    }
    if o.enrolment.trainee_id == person_id:  # the trainee's own words; a mentor's export leaves them out
        row |= {"reflection": o.reflection, "reflected_at": o.reflected_at}
    return row


def _revisions(person_id: int, observation_ids: list[int]) -> list[ObservationRevision]:
    return list(
        db.session.scalars(
            select(ObservationRevision)
            .where(
                or_(ObservationRevision.observation_id.in_(observation_ids), ObservationRevision.author_id == person_id)
            )
            .order_by(ObservationRevision.id)
        )
    )


def _revision(r: ObservationRevision) -> Row:
    return {
        "observation": r.observation_id,
        "trainee": _trainee(r.observation.enrolment),
        "number": r.number,
        "corrected_by": Other(r.author_id, _MENTOR),
        "reason": r.reason,
        "before": r.before,
        "after": r.after,
        "corrected_at": r.created_at,
    }


def _requests(person_id: int) -> list[ObservationRequest]:
    return list(
        db.session.scalars(
            select(ObservationRequest)
            .join(Enrolment)
            .where(or_(Enrolment.trainee_id == person_id, ObservationRequest.mentor_id == person_id))
            .order_by(ObservationRequest.id)
        )
    )


def _request(r: ObservationRequest, scenarios: dict[str, str]) -> Row:
    return {
        "trainee": _trainee(r.enrolment),
        "mentor": Other(r.mentor_id, _MENTOR),
        "scenario": scenarios.get(r.scenario_key, r.scenario_key),
        "note": r.note,
        "status": r.status,
        "planned_on": r.planned_on,
        "decline_reason": r.decline_reason,
        "asked_at": r.created_at,
        "answered_at": r.answered_at,
    }


def _self_assessments(person_id: int) -> list[SelfAssessment]:
    return list(
        db.session.scalars(
            select(SelfAssessment)
            .join(Observation)
            .join(Enrolment)
            .where(Enrolment.trainee_id == person_id)
            .order_by(SelfAssessment.id)
        )
    )


def _self_assessment(a: SelfAssessment) -> Row:
    return {"observation": a.observation_id, "ratings": a.ratings, "made_at": a.created_at}


def _next_steps(person_id: int) -> list[NextStep]:
    return list(
        db.session.scalars(
            select(NextStep)
            .join(Enrolment, NextStep.enrolment_id == Enrolment.id)
            .where(or_(Enrolment.trainee_id == person_id, NextStep.set_by_id == person_id))
            .order_by(NextStep.id)
        )
    )


def _next_step(n: NextStep, scenarios: dict[str, str]) -> Row:
    return {
        "observation": n.observation_id,
        "trainee": _trainee(n.observation.enrolment),
        "set_by": Other(n.set_by_id, _MENTOR),
        "scenario": scenarios.get(n.scenario_key, n.scenario_key),
        "criterion": n.criterion_key,
        "text": n.text,
        "status": n.status,
        "set_at": n.created_at,
        "reviewed_on": n.reviewed_on,
    }


def _case_studies(person_id: int) -> list[CaseStudy]:
    return list(
        db.session.scalars(
            select(CaseStudy)
            .join(Enrolment)
            .where(or_(Enrolment.trainee_id == person_id, CaseStudy.updated_by_id == person_id))
            .order_by(CaseStudy.id)
        )
    )


def _case_study(c: CaseStudy) -> Row:
    return {
        "trainee": _trainee(c.enrolment),
        "window_opens": c.window_opens,
        "window_closes": c.window_closes,
        "submitted_on": c.submitted_on,
        "result": c.result,
        "result_on": c.result_on,
        "updated_by": Other(c.updated_by_id, "Staff member"),
        "updated_at": c.updated_at,
    }


# ---- moderation, appeals and calibration -------------------------------------------------------------


def _samples(person_id: int) -> list[ModerationSample]:
    return list(
        db.session.scalars(
            select(ModerationSample).where(ModerationSample.drawn_by_id == person_id).order_by(ModerationSample.id)
        )
    )


def _sample(m: ModerationSample) -> Row:
    return {"cohort": m.cohort.name, "method": m.method, "percent": m.percent, "drawn_at": m.created_at}


def _moderation_items(person_id: int, observation_ids: list[int]) -> list[ModerationItem]:
    return list(
        db.session.scalars(
            select(ModerationItem)
            .where(
                or_(
                    ModerationItem.observation_id.in_(observation_ids),
                    ModerationItem.moderator_id == person_id,
                    ModerationItem.agreed_by_id == person_id,
                )
            )
            .order_by(ModerationItem.id)
        )
    )


def _moderation(m: ModerationItem) -> Row:
    return {
        "observation": m.observation_id,
        "trainee": _trainee(m.observation.enrolment),
        "mentor": Other(m.observation.observer_id, _MENTOR),
        "moderator": Other(m.moderator_id, "Moderator"),
        "moderator_evidence": m.moderator_evidence,
        "moderator_outcome": (m.moderator_result or {}).get("outcome"),
        "marked_at": m.marked_at,
        "agreed_evidence": m.agreed_evidence,
        "agreed_outcome": (m.agreed_result or {}).get("outcome"),
        "agreed_reason": m.agreed_reason,
        "agreed_by": Other(m.agreed_by_id, "Moderator"),
        "agreed_at": m.agreed_at,
    }


def _appeals(person_id: int) -> list[ModerationAppeal]:
    return list(
        db.session.scalars(
            select(ModerationAppeal)
            .where(or_(ModerationAppeal.trainee_id == person_id, ModerationAppeal.reviewer_id == person_id))
            .order_by(ModerationAppeal.id)
        )
    )


def _appeal(a: ModerationAppeal) -> Row:
    return {
        "observation": a.item.observation_id,
        "trainee": Other(a.trainee_id, _TRAINEE),
        "reason": a.reason,
        "asked_at": a.requested_at,
        "status": a.status,
        "reviewer": Other(a.reviewer_id, "Reviewer"),
        "decision_reason": a.decision_reason,
        "decided_at": a.decided_at,
        "outcome_appealed": (a.previous_result or {}).get("outcome"),
        "new_evidence": a.new_evidence,
        "new_outcome": (a.new_result or {}).get("outcome"),
    }


def _exemplars(person_id: int) -> list[CalibrationExemplar]:
    return list(
        db.session.scalars(
            select(CalibrationExemplar)
            .where(CalibrationExemplar.created_by_id == person_id)
            .order_by(CalibrationExemplar.id)
        )
    )


def _exemplar(x: CalibrationExemplar) -> Row:
    return {"title": x.title, "scenario": x.scenario_key, "published_at": x.published_at}


def _attempts(person_id: int) -> list[CalibrationAttempt]:
    return list(
        db.session.scalars(
            select(CalibrationAttempt).where(CalibrationAttempt.mentor_id == person_id).order_by(CalibrationAttempt.id)
        )
    )


def _attempt(a: CalibrationAttempt) -> Row:
    return {
        "exemplar": a.exemplar.title,
        "evidence": a.evidence,
        "outcome": a.result.get("outcome"),
        "made_at": a.created_at,
    }


def _rubric_moves(person_id: int) -> list[Row]:
    """Moves of a cohort to another rubric version that the person made (held as JSON on the cohort)."""
    rows = []
    for cohort in db.session.scalars(select(Cohort).order_by(Cohort.id)):
        rows += [
            {"cohort": cohort.name, "scenario": move.get("scenario"), "moved_at": move.get("at")}
            for move in cohort.rubric_moves
            if move.get("by") == person_id
        ]
    return rows
