"""Calibration exemplars (issue 14): a designer publishes a written account of practice in a
scenario with its agreed marks; mentors score it before they observe, blind to the agreed marks,
and then see how far they were from them, criterion by criterion. The moderation report shows
each of a cohort's mentors' calibration so far.

The comparison is :mod:`assessments.calibration`'s (plain Python); scoring is the engine's, with the
rubric version the exemplar was published with, so every attempt is judged by the same rubric.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from assessments import calibration
from assessments.models import (
    EXEMPLAR_ACCOUNT_MAX_LENGTH,
    EXEMPLAR_TITLE_MAX_LENGTH,
    CalibrationAttempt,
    CalibrationExemplar,
    Cohort,
    enrolment_mentor,
)
from assessments.models import Enrolment as EnrolmentRow
from competencies import engine
from competencies import services as competency_services
from competencies.models import RubricVersion
from core.accounts.models import User
from core.accounts.roles import Role
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, invalid, too_long
from core.unit_of_work import commit_or_conflict


def published_version(scenario_key: str) -> RubricVersion | None:
    """The scenario's latest published rubric version: the one a new exemplar is marked by."""
    scenario = competency_services.get_scenario(scenario_key)
    if scenario is None or not scenario.rubric.published:
        return None
    return scenario.rubric.published[-1]


def scenarios() -> list[Any]:
    return [s for s in competency_services.list_scenarios() if s.rubric.published]


def exemplars() -> list[CalibrationExemplar]:
    return list(db.session.scalars(select(CalibrationExemplar).order_by(CalibrationExemplar.id.desc())))


def get_exemplar(exemplar_id: int) -> CalibrationExemplar | None:
    return db.session.get(CalibrationExemplar, exemplar_id)


def rubric_of(exemplar: CalibrationExemplar) -> engine.Rubric:
    return competency_services.rubric_of(exemplar.rubric_version)


def _scored(rubric: engine.Rubric, marks: dict[str, Any], who: str, key: str) -> dict[str, Any]:
    # The engine scores an observation; an exemplar is scored as one, under its own made-up identity.
    evidence = {
        **marks,
        "observation_id": key,
        "observed_at": utcnow().date().isoformat(),
        "observer": who,
        "setting": "Calibration exemplar",
    }
    try:
        return engine.score(rubric, engine.evidence_from_dict(evidence)).to_dict()
    except engine.EngineError as error:
        raise invalid(error, "evidence") from None


def _judged(rubric: engine.Rubric, marks: dict[str, Any]) -> bool:
    return rubric.model is engine.RubricModel.FAULTS or any(
        j.get("level") is not None or j.get("not_applicable") for j in marks.get("judgements", [])
    )


def publish(
    designer_id: int, scenario_key: str, title: str, account: str, marks: dict[str, Any]
) -> CalibrationExemplar:
    """Publish an exemplar: a title, the written account of practice, and its agreed marks."""
    version = published_version(scenario_key)
    if version is None:
        raise Invalid("Choose a scenario with a published rubric", "scenario_key")
    rubric = competency_services.rubric_of(version)
    title, account = title.strip(), account.strip()
    problems = []
    if not title:
        problems.append(("title", "Enter a title for the exemplar"))
    elif len(title) > EXEMPLAR_TITLE_MAX_LENGTH:
        problems.append(("title", too_long(EXEMPLAR_TITLE_MAX_LENGTH, "Title")))
    if not account:
        problems.append(("account", "Enter the account of practice that mentors will score"))
    elif len(account) > EXEMPLAR_ACCOUNT_MAX_LENGTH:
        problems.append(("account", too_long(EXEMPLAR_ACCOUNT_MAX_LENGTH, "Account")))
    if not _judged(rubric, marks):
        problems.append(("judgements", "Choose the agreed level for at least one criterion"))
    if problems:
        raise Invalid(problems)
    exemplar = CalibrationExemplar(
        scenario_key=scenario_key,
        rubric_version_id=version.id,
        title=title,
        account=account,
        evidence=marks,
        created_by_id=designer_id,
    )
    exemplar.result = _scored(rubric, marks, f"person-{designer_id}", f"exemplar-{scenario_key}")
    db.session.add(exemplar)
    db.session.commit()
    return exemplar


def attempt_of(exemplar_id: int, mentor_id: int) -> CalibrationAttempt | None:
    return db.session.scalar(
        select(CalibrationAttempt).where(
            CalibrationAttempt.exemplar_id == exemplar_id, CalibrationAttempt.mentor_id == mentor_id
        )
    )


SCORED_ALREADY = "You have already scored this exemplar"


def score(exemplar_id: int, mentor_id: int, marks: dict[str, Any]) -> CalibrationAttempt:
    """A mentor's own marks for an exemplar, once: then the agreed marks are shown beside them."""
    exemplar = get_exemplar(exemplar_id)
    mentor = db.session.get(User, mentor_id)
    if exemplar is None or mentor is None or Role.MENTOR not in mentor.roles:
        raise Invalid("Choose an exemplar", "exemplar_id")
    if attempt_of(exemplar.id, mentor_id) is not None:
        raise Conflict(SCORED_ALREADY, "exemplar_id")
    rubric = rubric_of(exemplar)
    if not _judged(rubric, marks):
        raise Invalid("Choose your level for at least one criterion", "judgements")
    found = CalibrationAttempt(
        exemplar_id=exemplar.id,
        mentor_id=mentor_id,
        evidence=marks,
        result=_scored(rubric, marks, f"person-{mentor_id}", f"exemplar-{exemplar.id}"),
    )
    db.session.add(found)
    commit_or_conflict(SCORED_ALREADY, "exemplar_id")  # the same form sent twice at once: the first stands
    return found


def gaps(attempt: CalibrationAttempt) -> tuple[calibration.CriterionGap, ...]:
    exemplar = attempt.exemplar
    rubric = rubric_of(exemplar)
    mine = engine.Result.from_dict(attempt.result).levels_by_criterion
    agreed = engine.Result.from_dict(exemplar.result).levels_by_criterion
    return calibration.compare([c.key for c in rubric.criteria], mine, agreed)


@dataclass(frozen=True)
class GapRow:
    title: str
    mine: str
    agreed: str
    words: str
    same: bool


def gap_rows(attempt: CalibrationAttempt) -> tuple[GapRow, ...]:
    """The comparison in words, for the mentor's page."""
    rubric = rubric_of(attempt.exemplar)

    def words(key: str, level: calibration.Level) -> str:
        if level is None:
            return "Not observed"
        if level == "n/a":
            return "Not applicable"
        criterion = rubric.criterion(key)
        return f"{level}: {criterion.label_of(int(level))}" if criterion and isinstance(level, int) else str(level)

    return tuple(
        GapRow(rubric.title_of(g.criterion), words(g.criterion, g.mine), words(g.criterion, g.agreed), g.words, g.same)
        for g in gaps(attempt)
    )


def for_mentor(mentor_id: int) -> list[tuple[CalibrationExemplar, CalibrationAttempt | None]]:
    return [(e, attempt_of(e.id, mentor_id)) for e in exemplars()]


@dataclass(frozen=True)
class MentorCalibration:
    name: str
    summary: calibration.Summary


def cohort_calibration(cohort_id: int) -> list[MentorCalibration]:
    """The calibration so far of each mentor with a trainee in the cohort, by name."""
    if db.session.get(Cohort, cohort_id) is None:
        return []
    mentor_ids = set(
        db.session.scalars(
            select(enrolment_mentor.c.mentor_id)
            .join(EnrolmentRow, EnrolmentRow.id == enrolment_mentor.c.enrolment_id)
            .where(EnrolmentRow.cohort_id == cohort_id)
        )
    )
    found = []
    for mentor in db.session.scalars(select(User).where(User.id.in_(mentor_ids)).order_by(User.name)):
        attempts = db.session.scalars(select(CalibrationAttempt).where(CalibrationAttempt.mentor_id == mentor.id))
        found.append(MentorCalibration(mentor.name, calibration.summarise(gaps(a) for a in attempts)))
    return found
