"""The agreement report, each cohort's counts on the moderation pages, the sampling plan, and the
CSV exports (the report, the marks and the parts of the external moderation pack).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from assessments import agreement, sampling
from assessments.models import (
    Cohort,
    ModerationItem,
    ModerationPolicy,
    Observation,
    ObservationStatus,
)
from assessments.services.moderation.marking import comparison, rubric_of_item, status_of
from assessments.services.moderation.policy import policy_of
from assessments.services.moderation.samples import OUTCOMES, candidate_of, get_cohort, items_of_cohort, submitted_in
from competencies import engine
from competencies import services as competency_services
from core.csv_safe import write_csv
from core.extensions import db

# ---- the agreement report ------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """Figures for levels and for outcomes, grouped one way (overall, mentor, scenario, criterion)."""

    by: str
    levels: tuple[agreement.Summary, ...]
    outcomes: tuple[agreement.Summary, ...]

    def caption(self, what: str) -> str:
        """A table's caption, on the report page and in the pack: "Levels" or "Levels, by mentor"."""
        return what if self.by == "overall" else f"{what}, by {self.by}"

    @property
    def group_heading(self) -> str:
        return "Group" if self.by == "overall" else self.by.capitalize()


@dataclass(frozen=True)
class Report:
    cohort: Cohort
    marked: int
    level_scale: tuple[int, ...]
    sections: tuple[Section, ...]
    flags: tuple[agreement.MentorCheck, ...]
    policy: agreement.CalibrationPolicy
    names: dict[str, str]  # group key → words

    @property
    def empty(self) -> bool:
        return self.marked == 0

    def name(self, key: str) -> str:
        return self.names.get(key, key)

    @property
    def unflagged_words(self) -> str:
        """What stands for the list of flagged mentors when it is empty."""
        some_too_few = any(not c.flagged and c.figure.too_few for c in self.flags)
        return f"No mentor is below the threshold{' (some have too few pairs to judge)' if some_too_few else ''}."


def _pairs(items: Sequence[ModerationItem]) -> tuple[list[agreement.Pair], list[agreement.Pair], dict[str, str]]:
    """Level pairs (criteria both markers gave a level to) and outcome pairs, with names for keys."""
    levels, outcomes, names = [], [], {}
    for item in items:
        if item.moderator_result is None:
            continue
        o = item.observation
        rubric = rubric_of_item(item)
        mentor, moderator = (engine.Result.from_dict(r) for r in (o.result, item.moderator_result))
        who = f"person-{o.observer_id}" if o.observer_id else "nobody"
        names[who] = o.observer.name if o.observer else "A removed account"
        scenario = competency_services.get_scenario(o.scenario_key)
        names[o.scenario_key] = scenario.title if scenario else o.scenario_key
        outcomes.append(agreement.Pair(mentor.outcome.value, moderator.outcome.value, who, o.scenario_key, ""))
        theirs = moderator.levels_by_criterion
        for key, level in mentor.levels_by_criterion.items():
            other = theirs.get(key)
            if isinstance(level, int) and isinstance(other, int):
                criterion = f"{o.scenario_key}/{key}"
                names[criterion] = f"{rubric.title_of(key)} ({names[o.scenario_key]})"
                levels.append(agreement.Pair(level, other, who, o.scenario_key, criterion))
    return levels, outcomes, names


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    submitted: int
    sampled: int
    marked: int
    to_agree: int


def cohort_summary(cohort_id: int) -> CohortSummary | None:
    cohort = get_cohort(cohort_id)
    if cohort is None:
        return None
    items = items_of_cohort(cohort.id)
    return CohortSummary(
        cohort,
        len(submitted_in(cohort.id)),
        len(items),
        sum(1 for i in items if i.marked),
        sum(1 for i in items if status_of(i) in ("to-agree", "to-adjudicate")),
    )


def cohorts() -> list[CohortSummary]:
    """Every cohort with how far its moderation has gone."""
    return [s for c in db.session.scalars(select(Cohort.id).order_by(Cohort.id)) if (s := cohort_summary(c))]


@dataclass(frozen=True)
class PlanRow:
    name: str
    sampling: sampling.MentorSampling


@dataclass(frozen=True)
class PlanSettings:
    rate: int
    raised_rate: int
    new_rate: int
    new_first: int
    interim_share: int
    interim_on: date | None


def rates(cohort_id: int) -> tuple[int, int]:
    found = db.session.get(ModerationPolicy, cohort_id)
    return (found.sample_rate, found.raised_rate) if found else (sampling.DEFAULT_RATE, sampling.DEFAULT_RAISED_RATE)


def plan_settings(cohort_id: int) -> PlanSettings:
    found = db.session.get(ModerationPolicy, cohort_id)
    if found is None:
        return PlanSettings(
            sampling.DEFAULT_RATE,
            sampling.DEFAULT_RAISED_RATE,
            sampling.DEFAULT_NEW_RATE,
            sampling.DEFAULT_NEW_FIRST,
            sampling.DEFAULT_INTERIM_SHARE,
            None,
        )
    return PlanSettings(
        found.sample_rate,
        found.raised_rate,
        found.new_mentor_rate,
        found.new_mentor_first,
        found.interim_share,
        found.interim_on,
    )


def _first_observations(mentor_ids: Iterable[int], first: int) -> set[int]:
    """Each mentor's first ``first`` submitted observations anywhere (by when submitted): a new
    mentor's, which the plan samples at the higher rate."""
    found: set[int] = set()
    for mentor_id in mentor_ids:
        found |= set(
            db.session.scalars(
                select(Observation.id)
                .where(Observation.observer_id == mentor_id, Observation.status == ObservationStatus.SUBMITTED)
                .order_by(Observation.submitted_at, Observation.id)
                .limit(first)
            )
        )
    return found


def sampling_plan(cohort_id: int) -> list[PlanRow]:
    """Each mentor's sampling so far against the cohort's plan: the rate (raised for mentors
    flagged for calibration, higher for a new mentor's first observations), the interim share
    due by the interim date; those sampled short of it flagged."""
    submitted: dict[str, int] = {}
    early: dict[str, int] = {}
    names: dict[str, str] = {}
    settings = plan_settings(cohort_id)
    observations = submitted_in(cohort_id)
    firsts = (
        _first_observations({o.observer_id for o in observations if o.observer_id}, settings.new_first)
        if settings.new_first
        else set()
    )
    for o in observations:
        who = candidate_of(o).mentor
        submitted[who] = submitted.get(who, 0) + 1
        early[who] = early.get(who, 0) + (o.id in firsts)
        names[who] = o.observer.name if o.observer else "A removed account"
    sampled: dict[str, int] = {}
    for item in items_of_cohort(cohort_id):
        who = candidate_of(item.observation).mentor
        sampled[who] = sampled.get(who, 0) + 1
    found = report(cohort_id)
    flagged = frozenset(c.mentor for c in found.flags if c.flagged) if found else frozenset()
    return [
        PlanRow(names[m.mentor], m)
        for m in sampling.plan(
            submitted,
            sampled,
            settings.rate,
            settings.raised_rate,
            flagged,
            early,
            settings.new_rate,
            settings.interim_share,
        )
    ]


def report_view(f: agreement.Figure) -> str:
    """A figure in a table cell: the number only when there are enough pairs behind it."""
    return agreement.shown(f)


def report(cohort_id: int) -> Report | None:
    """Exact and adjacent agreement and quadratic-weighted kappa on levels, exact agreement and
    kappa on outcomes: overall, per mentor, per scenario and per criterion; mentors flagged."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        return None
    items = items_of_cohort(cohort_id)
    levels, outcomes, names = _pairs(items)
    scale = tuple(sorted({p.mentor_rating for p in levels} | {p.moderator_rating for p in levels}))  # type: ignore[type-var]
    if scale:
        scale = tuple(range(min(scale), max(scale) + 1))  # type: ignore[call-overload]  # equally spaced, gaps included
    policy = policy_of(cohort_id)
    n = policy.min_pairs
    groupings = (
        ("overall", lambda p: ""),
        ("mentor", lambda p: p.mentor),
        ("scenario", lambda p: p.scenario),
        ("criterion", lambda p: p.criterion),
    )
    sections = tuple(
        Section(
            by,
            agreement.report(levels, scale, agreement.LEVEL_MEASURES, key, n) if levels else (),
            agreement.report(outcomes, [o.value for o in OUTCOMES], agreement.OUTCOME_MEASURES, key, n)
            if by != "criterion" and outcomes
            else (),
        )
        for by, key in groupings
    )
    flags = agreement.flag_mentors(levels, scale, policy) if levels else ()
    names[""] = "All sampled observations"
    return Report(cohort, sum(1 for i in items if i.marked), scale, sections, flags, policy, names)  # type: ignore[arg-type]


# ---- CSV (the report's export, and the parts of the external moderation pack) --------------


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    return write_csv([header, *rows])


REPORT_HEADER = (
    "grouping",
    "group",
    "marks",
    "measure",
    "value",
    "ci95_low",
    "ci95_high",
    "pairs",
    "too_few_pairs",
    "note",
)


def _interval(f: agreement.Figure) -> tuple[float | None, float | None]:
    if f.interval is None or f.too_few:
        return None, None
    return round(f.interval[0], 4), round(f.interval[1], 4)


def report_csv(cohort_id: int) -> str | None:
    """The agreement report as CSV: one row per figure. A figure on too few pairs has no value."""
    found = report(cohort_id)
    if found is None:
        return None
    rows = []
    for section in found.sections:
        for what, summaries in (("levels", section.levels), ("outcomes", section.outcomes)):
            for s in summaries:
                for f in s.figures:
                    shown = None if f.value is None or f.too_few else float(round(f.value, 4))
                    rows.append(
                        (
                            section.by,
                            found.name(s.key),
                            what,
                            agreement.MEASURE_NAMES[f.measure],
                            shown,
                            *_interval(f),
                            f.pairs,
                            "yes" if f.too_few else "no",
                            " ".join(agreement.render(r) for r in f.reasons),
                        )
                    )
    for check in found.flags:
        rows.append(
            (
                "calibration",
                found.name(check.mentor),
                "levels",
                agreement.MEASURE_NAMES[check.figure.measure],
                None if check.figure.value is None or check.figure.too_few else float(round(check.figure.value, 4)),
                *_interval(check.figure),
                check.figure.pairs,
                "yes" if check.figure.too_few else "no",
                ("Flagged for calibration. " if check.flagged else "") + agreement.render(check.reason),
            )
        )
    return _csv(REPORT_HEADER, rows)


MARKS_HEADER = (
    "observation",
    "trainee",
    "scenario",
    "observed_on",
    "mentor",
    "moderator",
    "status",
    "marker",
    "criterion_or_fault",
    "mark",
    "outcome",
)


def marks_csv(cohort_id: int) -> str:
    """Every sampled observation's marks, one row per criterion and fault type for each of mentor,
    moderator and the agreed judgement: the marks part of the external moderation pack."""
    rows: list[Sequence[object]] = []
    for item in items_of_cohort(cohort_id):
        o = item.observation
        head = (
            o.id,
            o.enrolment.trainee.name,
            o.scenario_key,
            o.observed_on.isoformat(),
            o.observer.name if o.observer else "",
            item.moderator.name if item.moderator else "",
            status_of(item),
        )
        if not item.marked:
            rows.append((*head, "", "", "", ""))
            continue
        c = comparison(item)
        for marker, outcome, pick in (
            ("mentor", c.mentor.outcome, lambda r: r.mentor),
            ("moderator", c.moderator.outcome, lambda r: r.moderator),
            ("agreed", c.agreed.outcome if c.agreed else None, lambda r: r.agreed),
        ):
            if outcome is None:
                continue
            for row in (*c.criteria, *c.faults):
                rows.append((*head, marker, row.title, pick(row), outcome))
    return _csv(MARKS_HEADER, rows)


def pack_csv_parts(cohort_id: int) -> dict[str, str]:
    """The CSV files of the external moderation pack (the PDF work zips them with its PDF)."""
    return {"marks.csv": marks_csv(cohort_id), "agreement.csv": report_csv(cohort_id) or ""}
