"""What trainees and mentors add around a submitted observation: the trainee's self-assessment
and reflection, and the mentor's next step.

Self-assessment: while the mentor's record is still a draft, the trainee sees that the
observation exists (scenario, date, setting, observer: never the mentor's marks) and may rate
themselves on the same criteria. When the mentor submits, the trainee reads the mentor's marks and
both are shown side by side. Once submitted, the marks are visible, so a self-assessment can no
longer be started: a mentor who wants one saves a draft first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments import messages
from assessments.models import (
    NEXT_STEP_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    NextStep,
    NextStepStatus,
    Observation,
    ObservationStatus,
    SelfAssessment,
)
from assessments.services import moderation
from assessments.services.observations import get_observation_for_mentor, rateable_criteria
from competencies import engine
from competencies import services as competency_services
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, too_long


def observation_for_trainee(observation_id: int, trainee_id: int) -> Observation | None:
    """An observation of ``trainee_id`` (a draft too: its page shows no marks); anyone else's is not found."""
    found = db.session.get(Observation, observation_id)
    if found is None or found.enrolment.trainee_id != trainee_id:
        return None
    return found


def feedback_visible(observation: Observation) -> bool:
    """The trainee reads the mentor's marks only once the observation is submitted."""
    return observation.submitted


def awaiting_self_assessment(enrolment_ids: list[int]) -> list[Observation]:
    """Draft observations of these enrolments: the trainee may still rate themselves on them."""
    if not enrolment_ids:
        return []
    return list(
        db.session.scalars(
            select(Observation)
            .where(Observation.enrolment_id.in_(enrolment_ids), Observation.status == ObservationStatus.DRAFT)
            .order_by(Observation.observed_on, Observation.id)
        )
    )


# ---- self-assessment -----------------------------------------------------------------------


def self_assess(observation_id: int, trainee_id: int, ratings: dict[str, int | None]) -> SelfAssessment:
    """Store the trainee's own levels on a draft observation, once; the mentor's are shown beside
    them when the mentor submits."""
    observation = observation_for_trainee(observation_id, trainee_id)
    if observation is None:
        raise Invalid("Choose one of your observations", "observation_id")
    if observation.self_assessment is not None:
        return observation.self_assessment  # a second post (a double click) changes nothing
    if observation.submitted:
        raise Conflict(
            "Your mentor has already submitted this observation, so you can read their marks. "
            "Rate yourself on the next one before they submit it",
            "ratings",
        )
    criteria = {c.key: c for c in rateable_criteria(observation)}
    problems = []
    for key, level in ratings.items():
        criterion = criteria.get(key)
        if criterion is None:
            problems.append((f"ratings.{key}", "Rate only the criteria of this observation"))
        elif level is not None and level not in {lv.value for lv in criterion.levels}:
            problems.append(
                (f"ratings.{key}", f"Choose a level for ‘{criterion.title}’ from {criterion.bottom} to {criterion.top}")
            )
    if not any(v is not None for v in ratings.values()):
        problems.append(("ratings", "Rate yourself on at least one criterion"))
    if problems:
        raise Invalid(problems)
    found = SelfAssessment(observation_id=observation.id, ratings={k: v for k, v in ratings.items() if v is not None})
    db.session.add(found)
    try:
        db.session.commit()
    except IntegrityError:  # the same form posted twice at once: the first one won, as if saved once
        db.session.rollback()
        winner = db.session.scalar(select(SelfAssessment).where(SelfAssessment.observation_id == observation_id))
        if winner is None:
            raise
        return winner
    return found


@dataclass(frozen=True)
class SideBySide:
    criterion: str
    mine: str  # the trainee's level in words, or "Not rated"
    mentor: str  # the mentor's level in words


def side_by_side(observation: Observation) -> list[SideBySide]:
    """The trainee's level and the mentor's, criterion by criterion, once the mentor has submitted."""
    if observation.self_assessment is None or not observation.submitted:
        return []
    mentor_levels = {j["criterion"]: j for j in observation.evidence.get("judgements", [])}
    rows = []
    for criterion in rateable_criteria(observation):
        mine = observation.self_assessment.ratings.get(criterion.key)
        theirs = mentor_levels.get(criterion.key, {})
        if theirs.get("not_applicable"):
            mentor = "Not applicable"
        elif theirs.get("level") is None:
            mentor = "Not observed"
        else:
            mentor = f"{theirs['level']}: {criterion.label_of(theirs['level'])}"
        rows.append(
            SideBySide(criterion.title, "Not rated" if mine is None else f"{mine}: {criterion.label_of(mine)}", mentor)
        )
    return rows


@dataclass(frozen=True)
class Mark:
    """One criterion of a recorded observation as its page shows it."""

    criterion: str
    level: str  # "3: Secure", not observed or not applicable; "" on a faults rubric, which has no levels
    descriptor: str  # what that level means, in the rubric's words (as on the scoring form)
    comment: str


def marks_of(observation: Observation) -> list[Mark]:
    """Each criterion's recorded level with its descriptor, and the mentor's comment, in rubric
    order; a faults rubric's criteria only where the mentor commented."""
    rubric = competency_services.rubric_of(observation.rubric_version)
    judged = {j["criterion"]: j for j in observation.evidence.get("judgements", [])}
    marks = []
    for criterion in rubric.criteria:
        judgement = judged.get(criterion.key, {})
        comment = str(judgement.get("comment") or "")
        value = judgement.get("level")
        if rubric.model is engine.RubricModel.FAULTS:
            if comment:
                marks.append(Mark(criterion.title, "", "", comment))
            continue
        if judgement.get("not_applicable"):
            words, descriptor = engine.NOT_APPLICABLE_WORDS, ""
        elif value is None:
            words, descriptor = engine.NOT_OBSERVED_WORDS, ""
        else:
            level = next((lv for lv in criterion.levels if lv.value == int(value)), None)
            words = f"{value}: {criterion.label_of(int(value))}"
            descriptor = engine.descriptor_of(rubric.model, level) if level else ""
        marks.append(Mark(criterion.title, words, descriptor, comment))
    return marks


# ---- reflection ----------------------------------------------------------------------------


def reflect(observation_id: int, trainee_id: int, text: str) -> Observation:
    """The trainee's reflection on a submitted observation; they may rewrite it."""
    observation = observation_for_trainee(observation_id, trainee_id)
    if observation is None or not observation.submitted:
        raise Invalid("Choose one of your observations", "observation_id")
    text = text.strip()
    if not text:
        raise Invalid("Enter your reflection", "reflection")
    if len(text) > REFLECTION_MAX_LENGTH:
        raise Invalid(too_long(REFLECTION_MAX_LENGTH, "Reflection"), "reflection")
    observation.reflection = text
    observation.reflected_at = utcnow()
    db.session.commit()
    return observation


# ---- next steps ----------------------------------------------------------------------------


def set_next_step(observation_id: int, mentor_id: int, criterion_key: str, text: str) -> NextStep:
    """The one next step of a submitted observation, tied to one of its criteria; setting it again replaces it."""
    observation = get_observation_for_mentor(observation_id, mentor_id)
    if observation is None or not observation.submitted:
        raise Invalid("Choose one of your submitted observations", "observation_id")
    rubric = competency_services.rubric_of(observation.rubric_version)
    problems = []
    if criterion_key not in {c.key for c in rubric.criteria}:
        problems.append(("criterion_key", "Choose a criterion of this observation's rubric"))
    text = text.strip()
    if not text:
        problems.append(("text", "Enter the next step, for example ‘Ask the pupil’s views before the parents’"))
    elif len(text) > NEXT_STEP_MAX_LENGTH:
        problems.append(("text", too_long(NEXT_STEP_MAX_LENGTH, "Next step")))
    if problems:
        raise Invalid(problems)
    step = db.session.scalar(select(NextStep).where(NextStep.observation_id == observation.id))
    if step is None:
        step = NextStep(
            observation_id=observation.id, enrolment_id=observation.enrolment_id, scenario_key=observation.scenario_key
        )
        db.session.add(step)
    step.criterion_key, step.text, step.set_by_id = criterion_key, text, mentor_id
    step.status = NextStepStatus.OPEN
    held = observation.id in moderation.held_of_enrolment(observation.enrolment_id)
    messages.tell_next_step_set(observation, held, mentor_id)
    db.session.commit()
    return step


def next_step_of(observation_id: int) -> NextStep | None:
    return db.session.scalar(select(NextStep).where(NextStep.observation_id == observation_id))


def open_next_steps(
    enrolment_ids: list[int], scenario_key: str | None = None, held: frozenset[int] = frozenset()
) -> list[NextStep]:
    """Open next steps of these enrolments (one scenario's, if given), oldest first: one query.
    Those of ``held`` observations (results held back until moderated) are left out."""
    if not enrolment_ids:
        return []
    query = select(NextStep).where(NextStep.enrolment_id.in_(enrolment_ids), NextStep.status == NextStepStatus.OPEN)
    if held:
        query = query.where(NextStep.observation_id.not_in(held))
    if scenario_key is not None:
        query = query.where(NextStep.scenario_key == scenario_key)
    return list(db.session.scalars(query.order_by(NextStep.created_at, NextStep.id)))


def review_next_step(next_step_id: int, mentor_id: int, done: bool, today: date) -> NextStep:
    """The mentor marks a next step done (it closes) or not yet (it stays open, seen today)."""
    step = db.session.get(NextStep, next_step_id)
    if step is None or get_observation_for_mentor(step.observation_id, mentor_id) is None:
        raise Invalid("Choose a next step of one of your trainees", "next_step_id")
    step.status = NextStepStatus.DONE if done else NextStepStatus.OPEN
    step.reviewed_on = today
    db.session.commit()
    return step


def criterion_title(step: NextStep) -> str:
    rubric = competency_services.rubric_of(step.observation.rubric_version)
    return rubric.title_of(step.criterion_key)
