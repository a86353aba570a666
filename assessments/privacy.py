"""What the assessments room holds about people, for the privacy registry (core.privacy): enrolments,
observations and everything written on them, moderation, appeals and calibration.

Observations and everything attached to them are kept for 6 years after the cohort ends (the
"observations" retention kind): the record of an NPQ assessment must outlive the course.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import or_, select

from assessments.models import (
    CalibrationAttempt,
    CalibrationExemplar,
    CaseStudy,
    Cohort,
    Enrolment,
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
from assessments.services import erasure
from core import privacy
from core.content import titles
from core.extensions import db
from core.privacy import Basis, Erase, Export, ImpersonalTable, Other, PersonalField, PersonalTable

Row = dict[str, Any]

TRAINEE_SIDE = "the trainee, their mentors, designers, administrators"
MODERATION_SIDE = "the trainee, the mentor, moderators, designers, administrators"
PROVIDER_STAFF = "designers, administrators"
MENTOR_OWN = "the mentor, designers, administrators"


def _field(
    holds: str, seen_by: str = TRAINEE_SIDE, export: str = Export.AS_IS, erase: str = Erase.KEEP
) -> PersonalField:
    # The assessments record is held to deliver the NPQ the trainee is enrolled on: a contract.
    return PersonalField(holds, Basis.CONTRACT, seen_by, export, erase)


def _author(who: str, seen_by: str = TRAINEE_SIDE) -> PersonalField:
    # Who wrote a record about someone else: the record stays and keeps pointing at the author's
    # account, which erasure turns into a tombstone ("Erased person 17") that names nobody; a
    # sign-off counts different observers and moderation statistics count markers by account.
    return _field(who, seen_by, Export.OTHERS_REMOVED, Erase.ANONYMISE)


COHORT = PersonalTable(
    "cohort",
    {"rubric_moves": _author("each move to another rubric version, with the id of who made it", PROVIDER_STAFF)},
    retention="observations",
    title="Rubric versions you moved a cohort to",
    not_personal=("name",),  # the cohort's name, chosen by the provider ("Spring 2026")
)
ENROLMENT = PersonalTable(
    "enrolment",
    {
        "trainee_id": _field("whose enrolment it is (kept for the cohort's register)", erase=Erase.ANONYMISE),
        "school": _field("the trainee's school", erase=Erase.ANONYMISE),
        "became_senco": _field("when the trainee became a SENCO", erase=Erase.ANONYMISE),
        "earlier_senco_months": _field("months served as a SENCO before, as stated", erase=Erase.ANONYMISE),
        "earlier_service": _field("earlier periods as a SENCO, here or elsewhere", erase=Erase.ANONYMISE),
        "head_teacher": _field("whether the trainee is a head teacher acting as SENCO", erase=Erase.ANONYMISE),
        "nasenco_started": _field("when the trainee started the NASENCO award", erase=Erase.ANONYMISE),
        "nasenco_completed": _field("when the trainee completed the NASENCO award", erase=Erase.ANONYMISE),
    },
    retention="enrolments",
    title="Enrolments",
    not_personal=("cohort_id",),  # refers to the cohort, not to a person
)
ENROLMENT_MENTOR = PersonalTable(
    "enrolment_mentor",
    {
        "enrolment_id": _field("the trainee a mentor is assigned to", erase=Erase.KEEP),
        "mentor_id": _field("a mentor assigned to the trainee", erase=Erase.DELETE),
    },
    retention="enrolments",
    title="Trainees you mentor",
)
OBSERVATION = PersonalTable(
    "observation",
    {
        "enrolment_id": _field("the trainee observed (kept: moderation statistics count it)", erase=Erase.ANONYMISE),
        "observer_id": _author("the mentor who observed"),
        "observed_on": _field("the day of the observation", erase=Erase.KEEP),
        "setting": _field("where the observation took place", erase=Erase.ANONYMISE),
        "present": _field("who was present, by role (never children's names)", erase=Erase.KEEP),
        "present_notes": _field("notes on who was present, by role", erase=Erase.ANONYMISE),
        "evidence": _field("the marks and comments the mentor wrote about the trainee", erase=Erase.ANONYMISE),
        "result": _field("the outcome the rubric gave", erase=Erase.ANONYMISE),
        "reflection": _field("the trainee's own reflection on the observation", erase=Erase.ANONYMISE),
        "reflected_at": _field("when the trainee wrote the reflection", erase=Erase.NULL),
    },
    retention="observations",
    title="Observations",
)
OBSERVATION_REVISION = PersonalTable(
    "observation_revision",
    {
        "observation_id": _field("the observation corrected", erase=Erase.KEEP),
        "author_id": _author("who corrected it"),
        "reason": _field("why it was corrected, in the corrector's words", erase=Erase.ANONYMISE),
        "before": _field("the observation's marks and comments before the correction", erase=Erase.ANONYMISE),
        "after": _field("the observation's marks and comments after the correction", erase=Erase.ANONYMISE),
    },
    retention="observations",
    title="Corrections to observations",
)
OBSERVATION_REQUEST = PersonalTable(
    "observation_request",
    {
        "enrolment_id": _field("the trainee who asked to be observed", erase=Erase.DELETE),
        "mentor_id": _field("the mentor asked", export=Export.OTHERS_REMOVED, erase=Erase.DELETE),
        "note": _field("the trainee's note to the mentor", erase=Erase.DELETE),
        "decline_reason": _field("why the mentor declined, in their words", erase=Erase.DELETE),
        "planned_on": _field("the day the mentor planned to observe", erase=Erase.DELETE),
        "observation_id": _field("the observation that answered it", erase=Erase.DELETE),
    },
    retention="observations",
    title="Requests to be observed",
)
SELF_ASSESSMENT = PersonalTable(
    "self_assessment",
    {
        "observation_id": _field("the observation it belongs to", erase=Erase.DELETE),
        "ratings": _field("the trainee's own levels on each criterion", erase=Erase.DELETE),
    },
    retention="observations",
    title="Self-assessments",
)
NEXT_STEP = PersonalTable(
    "next_step",
    {
        "observation_id": _field("the observation it was set on", erase=Erase.DELETE),
        "enrolment_id": _field("the trainee it is for", erase=Erase.DELETE),
        "text": _field("what the mentor asked the trainee to work on next", erase=Erase.DELETE),
        "set_by_id": _author("the mentor who set it"),
    },
    retention="observations",
    title="Next steps",
)
CASE_STUDY = PersonalTable(
    "case_study",
    {
        "enrolment_id": _field("the trainee's case study (kept for the cohort's register)", erase=Erase.KEEP),
        "submitted_on": _field("when the trainee submitted it (kept for the cohort's register)", erase=Erase.KEEP),
        "result": _field("the DfE's result (kept for the cohort's register)", erase=Erase.KEEP),
        "result_on": _field("when the result came (kept for the cohort's register)", erase=Erase.KEEP),
        "updated_by_id": _author("who last changed the record"),
    },
    retention="observations",
    title="Case study",
    not_personal=("window_opens", "window_closes"),  # the cohort's submission window, the same for all
)
MODERATION_SAMPLE = PersonalTable(
    "moderation_sample",
    {
        "drawn_by_id": _author("who drew the sample", PROVIDER_STAFF),
        "candidates": _field(
            "the observations it was drawn from, with the id of each observation's mentor",
            "moderators, designers, administrators",
            Export.NOT_EXPORTED,  # ids only: the sampled observations are exported as moderation items
            Erase.KEEP,  # the draw must be repeatable to be checked; ids name nobody once the account is erased
        ),
    },
    retention="observations",
    title="Moderation samples you drew",
)
MODERATION_ITEM = PersonalTable(
    "moderation_item",
    {
        "observation_id": _field("the trainee's observation second-marked", MODERATION_SIDE, erase=Erase.KEEP),
        "moderator_id": _author("the moderator who second-marked it", MODERATION_SIDE),
        "moderator_evidence": _field("the moderator's marks and comments", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "moderator_result": _field("the outcome of the moderator's marks", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "agreed_evidence": _field("the agreed marks", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "agreed_result": _field("the agreed outcome", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "agreed_reason": _field(
            "why the judgement was agreed, in the markers' words", MODERATION_SIDE, erase=Erase.ANONYMISE
        ),
        "agreed_by_id": _author("who agreed the judgement", MODERATION_SIDE),
    },
    retention="observations",
    title="Moderation (second marking)",
    not_personal=("sample_id",),  # the sample it was drawn in (a cohort's), not a person
)
MODERATION_APPEAL = PersonalTable(
    "moderation_appeal",
    {
        "item_id": _field("the moderated judgement appealed against", MODERATION_SIDE, erase=Erase.KEEP),
        "trainee_id": _field("the trainee who appealed", MODERATION_SIDE, erase=Erase.NULL),
        "reason": _field("why the trainee asked for a review, in their words", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "reviewer_id": _author("who reviewed the appeal", MODERATION_SIDE),
        "decision_reason": _field("why the reviewer decided as they did", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "previous_result": _field("the judgement appealed against", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "new_evidence": _field("the reviewer's new marks", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "new_result": _field("the new judgement", MODERATION_SIDE, erase=Erase.ANONYMISE),
    },
    retention="observations",
    title="Appeals",
)
CALIBRATION_EXEMPLAR = PersonalTable(
    "calibration_exemplar",
    {"created_by_id": _author("who wrote the exemplar", "mentors, designers, administrators")},
    retention="calibration",
    title="Calibration exemplars you wrote",
    # A written account of practice made up for calibration, and its agreed marks: no real person.
    not_personal=("account", "evidence"),
)
CALIBRATION_ATTEMPT = PersonalTable(
    "calibration_attempt",
    {
        "mentor_id": _field("the mentor who scored the exemplar", MENTOR_OWN, erase=Erase.DELETE),
        "evidence": _field("the mentor's marks for the exemplar", MENTOR_OWN, erase=Erase.DELETE),
        "result": _field("how the mentor's marks compared with the agreed ones", MENTOR_OWN, erase=Erase.DELETE),
    },
    retention="calibration",
    title="Calibration attempts",
    not_personal=("exemplar_id",),  # the exemplar scored, which describes no real person
)


class AssessmentsProvider(privacy.Provider):
    name = "Assessments"
    tables = (
        COHORT,
        ENROLMENT,
        ENROLMENT_MENTOR,
        OBSERVATION,
        OBSERVATION_REVISION,
        OBSERVATION_REQUEST,
        SELF_ASSESSMENT,
        NEXT_STEP,
        CASE_STUDY,
        MODERATION_SAMPLE,
        MODERATION_ITEM,
        MODERATION_APPEAL,
        CALIBRATION_EXEMPLAR,
        CALIBRATION_ATTEMPT,
    )
    # A cohort's settings: the sampling rates for new mentors in general, not for a person.
    impersonal = (ImpersonalTable("moderation_policy", ("new_mentor_first", "new_mentor_rate")),)

    def erase(self, person_id: int) -> list[str]:
        return erasure.erase(person_id)

    def export(self, person_id: int) -> dict[str, list[Row]]:
        """What is held about the person (as a trainee) and what they wrote about others (as a
        mentor, moderator, reviewer or provider), others given as :class:`~core.privacy.Other`."""
        scenarios = titles("scenario")
        observations = _observations(person_id)
        ids = [o.id for o in observations]
        return {
            "enrolment": [_enrolment(e) for e in _enrolments(person_id)],
            "enrolment_mentor": _mentoring(person_id),
            "observation": [_observation(o, person_id, scenarios) for o in observations],
            "observation_revision": [_revision(r, person_id) for r in _revisions(person_id, ids)],
            "observation_request": [_request(r, scenarios) for r in _requests(person_id)],
            "self_assessment": [_self_assessment(a) for a in _self_assessments(person_id)],
            "next_step": [_next_step(n, scenarios) for n in _next_steps(person_id)],
            "case_study": [_case_study(c) for c in _case_studies(person_id)],
            "moderation_sample": [_sample(m) for m in _samples(person_id)],
            "moderation_item": [_moderation(m, person_id) for m in _moderation_items(person_id, ids)],
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


def _revision(r: ObservationRevision, person_id: int) -> Row:
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


def _moderation(m: ModerationItem, person_id: int) -> Row:
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


def init_app(app: Flask) -> None:
    privacy.register(app, AssessmentsProvider())
