"""The cohort grid: a cohort's trainees × its observed scenarios, each cell the cohort's
aggregation of the trainee's submitted observations and whether sign-off is evidenced.

Loaded in a bounded number of queries whatever the cohort's size (a test counts them): the
enrolments with their people in one go, every submitted observation of the cohort in one query
(only the columns a cell needs), then the pure engine. The status filter needs every row's
cells, so rows are judged before the page is cut; a cohort is hundreds of trainees, not millions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from assessments.case_study_rules import in_words
from assessments.grid_rules import Cell, CellStatus, cell
from assessments.models import Cohort, Enrolment, ModerationItem, Observation, ObservationStatus, enrolment_mentor
from assessments.services import current_rubric
from assessments.services.case_study import dates_of
from assessments.services.cohorts import policies
from assessments.services.moderation import effective_result
from assessments.services.observations import overall, scenarios_for
from competencies import engine
from competencies import services as competency_services
from competencies.models import Scenario
from core.accounts.models import User
from core.csv_safe import write_csv
from core.extensions import db
from core.paging import PAGE_SIZE, Page, page_of
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number


@dataclass(frozen=True)
class GridFilters:
    mentor_id: int | None = None
    status: CellStatus | None = None
    scenario_key: str | None = None


@dataclass(frozen=True)
class GridRow:
    enrolment_id: int
    trainee: str
    school: str
    mentors: tuple[str, ...]
    cells: tuple[Cell, ...]  # in the order of the grid's scenarios
    case_study: str  # in words


@dataclass(frozen=True)
class Grid:
    cohort: Cohort
    scenarios: tuple[Scenario, ...]  # the columns shown (one, when filtered by scenario)
    all_scenarios: tuple[Scenario, ...]  # the filter's choices
    mentors: tuple[User, ...]  # the filter's choices: everyone mentoring in the cohort
    rows: Page[GridRow]


def library() -> list[Scenario]:
    """Every scenario with its rubric and versions, in three queries."""
    return competency_services.list_scenarios()


def submitted_results(
    enrolment_ids: Iterable[int] | None = None, cohort_id: int | None = None
) -> dict[tuple[int, str], list[engine.Result]]:
    """(enrolment id, scenario key) → the submitted results, in the order observed; one query,
    reading only the stored result (not the evidence) of each observation, and the judgement
    agreed after moderation, which replaces the mentor's."""
    query = (
        select(Observation.enrolment_id, Observation.scenario_key, Observation.result, ModerationItem.agreed_result)
        .outerjoin(ModerationItem, ModerationItem.observation_id == Observation.id)
        .where(Observation.status == ObservationStatus.SUBMITTED)
        .order_by(Observation.observed_on, Observation.id)
    )
    if cohort_id is not None:
        query = query.join(Enrolment, Enrolment.id == Observation.enrolment_id).where(Enrolment.cohort_id == cohort_id)
    if enrolment_ids is not None:
        query = query.where(Observation.enrolment_id.in_(list(enrolment_ids)))
    found: dict[tuple[int, str], list[engine.Result]] = defaultdict(list)
    for enrolment_id, scenario_key, result, agreed in db.session.execute(query):
        found[(enrolment_id, scenario_key)].append(engine.Result.from_dict(effective_result(result, agreed)))
    return found


class Judge:
    """Cells for one cohort's policies; each scenario's current rubric is parsed once."""

    def __init__(self, cohort: Cohort) -> None:
        self.cohort = cohort
        self.aggregation, self.sign_off = policies(cohort)
        self._rubrics: dict[str, engine.Rubric | None] = {}

    def rubric(self, scenario: Scenario) -> engine.Rubric | None:
        if scenario.key not in self._rubrics:
            version = current_rubric(scenario, self.cohort)  # the cohort's pin, as progress uses
            self._rubrics[scenario.key] = competency_services.rubric_of(version) if version else None
        return self._rubrics[scenario.key]

    def cell(self, scenario: Scenario, results: Sequence[engine.Result]) -> Cell:
        rubric = self.rubric(scenario)
        # Progress never mixes rubric versions silently: only results of the current rubric count here.
        counted = [r for r in results if rubric is not None and r.rubric.fingerprint == rubric.stamp.fingerprint]
        if rubric is None or not counted:
            return cell(None, False, 0, 0)
        aggregate = overall(rubric, counted, self.aggregation)
        decision = engine.sign_off(rubric, counted, self.sign_off)
        met = sum(1 for r in counted if r.outcome is engine.Outcome.MET)
        return cell(aggregate.outcome if aggregate else None, decision.evidenced, met, len(counted))


def _enrolments(cohort_id: int, mentor_id: int | None) -> list[Enrolment]:
    query = (
        select(Enrolment)
        .join(User, User.id == Enrolment.trainee_id)
        .where(Enrolment.cohort_id == cohort_id)
        .options(selectinload(Enrolment.trainee), selectinload(Enrolment.mentors), selectinload(Enrolment.case_study))
        .order_by(User.name, Enrolment.id)
    )
    if mentor_id is not None:
        query = query.where(
            Enrolment.id.in_(select(enrolment_mentor.c.enrolment_id).where(enrolment_mentor.c.mentor_id == mentor_id))
        )
    return list(db.session.scalars(query))


def cohort_mentors(cohort_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.id.in_(
                    select(enrolment_mentor.c.mentor_id).join(Enrolment).where(Enrolment.cohort_id == cohort_id)
                )
            )
            .order_by(User.name, User.id)
        )
    )


def _rows(cohort: Cohort, filters: GridFilters) -> tuple[list[GridRow], list[Scenario], list[Scenario]]:
    every = scenarios_for(cohort.programme_version, library())
    # An unknown scenario (a stale or edited address) shows every scenario rather than an empty grid.
    shown = [s for s in every if s.key == filters.scenario_key] or every
    judge = Judge(cohort)
    results = submitted_results(cohort_id=cohort.id)
    rows = []
    for e in _enrolments(cohort.id, filters.mentor_id):
        cells = tuple(judge.cell(s, results.get((e.id, s.key), ())) for s in shown)
        if filters.status is not None and all(c.status is not filters.status for c in cells):
            continue
        rows.append(
            GridRow(
                e.id,
                e.trainee.name,
                e.school,
                tuple(m.name for m in e.mentors),
                cells,
                in_words(dates_of(e.case_study)),
            )
        )
    return rows, shown, every


def _cohort(cohort_id: int) -> Cohort | None:
    return db.session.scalar(
        select(Cohort).where(Cohort.id == cohort_id).options(selectinload(Cohort.programme_version))
    )


def cohort_grid(cohort_id: int, filters: GridFilters, page: int = 1, size: int = PAGE_SIZE) -> Grid | None:
    """One page of the cohort's grid, filtered; None if there is no such cohort."""
    cohort = _cohort(cohort_id)
    if cohort is None:
        return None
    rows, shown, every = _rows(cohort, filters)
    return Grid(cohort, tuple(shown), tuple(every), tuple(cohort_mentors(cohort_id)), page_of(rows, page, size))


def grid_csv(cohort_id: int, filters: GridFilters) -> str | None:
    """The same grid (every row that passes the filters) as CSV text, written by core.csv_safe."""
    cohort = _cohort(cohort_id)
    if cohort is None:
        return None
    rows, shown, _ = _rows(cohort, filters)
    header: list[Any] = ["Trainee", "School", "Mentors", *(s.title for s in shown), "Case-study assessment"]
    body = ([r.trainee, r.school, "; ".join(r.mentors), *(c.text for c in r.cells), r.case_study] for r in rows)
    return write_csv([header, *body])


def parse_filters(mentor: str | None, status: str | None, scenario: str | None) -> GridFilters:
    """The filter form's GET values; anything unknown means "any" rather than an error page."""
    mentor_id = whole_number(mentor, RECORD_NUMBER_MAX)
    known = {s.value for s in CellStatus}
    scenario_key = scenario if scenario and len(scenario) <= 80 else None
    return GridFilters(mentor_id, CellStatus(status) if status in known else None, scenario_key)
