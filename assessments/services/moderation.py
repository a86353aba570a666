"""Moderation: samples of submitted observations, blind second marking, agreed judgements and the
agreement report (issue 14).

Each function takes ids and plain values and owns its transaction. The rules live elsewhere:
which observations a random draw takes in :mod:`assessments.sampling`, the agreement figures in
:mod:`assessments.agreement`, scoring in :mod:`competencies.engine` (with the rubric version the
mentor's marks were scored by, so both markers are judged by one rubric).

Blindness is kept by construction: before the moderator has submitted, pages get a
:class:`BlindView`, which holds the observation's context and the mentor's comments and nothing
else, never the observation itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from assessments import agreement, messages, sampling
from assessments.models import (
    AGREED_REASON_MAX_LENGTH,
    GAP_MAX,
    Cohort,
    Enrolment,
    ModerationItem,
    ModerationPolicy,
    ModerationSample,
    Observation,
    ObservationStatus,
    SampleMethod,
    enrolment_mentor,
)
from assessments.services import scope
from assessments.services.observations import _scored
from competencies import engine
from competencies import services as competency_services
from core.accounts.models import User, utcnow
from core.accounts.roles import Role
from core.audit import Action, Subject, changed_fields, record
from core.csv_safe import write_csv
from core.database import commit_or_conflict
from core.extensions import db
from core.problems import Conflict, Invalid, too_long

DEFAULT_MINIMUM_KAPPA = Fraction(6, 10)  # "substantial" on Landis and Koch's (1977) bands begins at 0.61
MIN_PAIRS_MAX = 1_000
OUTCOMES = tuple(sorted(engine.Outcome, key=lambda o: o.rank))


# ---- samples -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    submitted: int
    sampled: int
    marked: int
    to_agree: int


def _submitted(cohort_id: int) -> list[Observation]:
    return list(
        db.session.scalars(
            select(Observation)
            .join(Enrolment)
            .where(Enrolment.cohort_id == cohort_id, Observation.status == ObservationStatus.SUBMITTED)
            .order_by(Observation.id)
        )
    )


def _items_of_cohort(cohort_id: int) -> list[ModerationItem]:
    return list(
        db.session.scalars(
            select(ModerationItem)
            .join(ModerationSample)
            .where(ModerationSample.cohort_id == cohort_id)
            .order_by(ModerationItem.id)
        )
    )


def cohort_summary(cohort_id: int) -> CohortSummary | None:
    cohort = get_cohort(cohort_id)
    if cohort is None:
        return None
    items = _items_of_cohort(cohort.id)
    return CohortSummary(
        cohort,
        len(_submitted(cohort.id)),
        len(items),
        sum(1 for i in items if i.marked),
        sum(1 for i in items if status_of(i) in ("to-agree", "to-adjudicate")),
    )


def cohorts() -> list[CohortSummary]:
    """Every cohort with how far its moderation has gone."""
    return [s for c in db.session.scalars(select(Cohort.id).order_by(Cohort.id)) if (s := cohort_summary(c))]


def get_cohort(cohort_id: int) -> Cohort | None:
    return db.session.get(Cohort, cohort_id)


def candidates(cohort_id: int) -> list[Observation]:
    """Submitted observations of the cohort not yet in any sample."""
    taken = set(db.session.scalars(select(ModerationItem.observation_id)))
    return [o for o in _submitted(cohort_id) if o.id not in taken]


def _candidate(o: Observation) -> sampling.Candidate:
    # strata by the people's ids and the scenario's key, which never change, not by names
    return sampling.Candidate(o.id, f"person-{o.observer_id}" if o.observer_id else "nobody", o.scenario_key)


def _moderator(person_id: int) -> User:
    person = db.session.get(User, person_id)
    if person is None or not person.active or Role.MODERATOR not in person.roles:
        raise Invalid("Only a moderator can do this", "moderator")
    return person


def _cohort_with_candidates(cohort_id: int) -> tuple[Cohort, list[Observation]]:
    cohort = get_cohort(cohort_id)
    if cohort is None:
        raise Invalid("Choose a cohort", "cohort_id")
    if not _submitted(cohort_id):
        raise Invalid("This cohort has no submitted observations yet, so there is nothing to sample", "cohort_id")
    found = candidates(cohort_id)
    if not found:
        raise Invalid("Every submitted observation of this cohort is already in a sample", "cohort_id")
    return cohort, found


def _save_sample(sample: ModerationSample, observation_ids: Iterable[int]) -> ModerationSample:
    sample.items = [ModerationItem(observation_id=i) for i in sorted(observation_ids)]
    db.session.add(sample)
    # Two moderators drawing at once: an observation is in one sample only (a unique rule), so the
    # later draw is refused whole and can be drawn again from what is left.
    commit_or_conflict(DRAWN_MEANWHILE, "cohort_id")
    return sample


DRAWN_MEANWHILE = (
    "Someone drew a sample from this cohort at the same time, so nothing was drawn. "
    "Check the samples, then draw again from the observations left"
)


def draw_random(cohort_id: int, moderator_id: int, percent: int, seed: str | None = None) -> ModerationSample:
    """A random ``percent`` % of the cohort's unsampled submitted observations, stratified by mentor
    and scenario. The seed (a new one unless given) and the candidates are recorded."""
    _moderator(moderator_id)
    seed = secrets.token_hex(8) if seed is None or not seed.strip() else seed.strip()
    problems = []
    try:
        sampling.check([sampling.Candidate(0, "", "")], percent, seed)  # the settings first, then the cohort
    except sampling.SamplingInputError as error:
        problems += [(p.path, p.message) for p in error.problems]
    if problems:
        raise Invalid(problems)
    cohort, found = _cohort_with_candidates(cohort_id)
    pool = [_candidate(o) for o in found]
    drawn = sampling.draw(pool, percent, seed)
    sample = ModerationSample(
        cohort_id=cohort.id,
        drawn_by_id=moderator_id,
        method=SampleMethod.RANDOM,
        percent=percent,
        seed=seed,
        candidates=[{"observation_id": c.observation_id, "mentor": c.mentor, "scenario": c.scenario} for c in pool],
    )
    return _save_sample(sample, drawn.chosen)


def draw_chosen(cohort_id: int, moderator_id: int, observation_ids: Sequence[int]) -> ModerationSample:
    """The observations the moderator ticked, each a submitted, unsampled one of this cohort."""
    _moderator(moderator_id)
    _, found = _cohort_with_candidates(cohort_id)
    if not observation_ids:
        raise Invalid("Choose at least one observation", "observation_ids")
    allowed = {o.id for o in found}
    if any(i not in allowed for i in observation_ids):
        raise Invalid("Choose observations from the list", "observation_ids")
    sample = ModerationSample(cohort_id=cohort_id, drawn_by_id=moderator_id, method=SampleMethod.CHOSEN)
    return _save_sample(sample, set(observation_ids))


def get_sample(sample_id: int) -> ModerationSample | None:
    return db.session.get(ModerationSample, sample_id)


def samples_of(cohort_id: int) -> list[ModerationSample]:
    return list(
        db.session.scalars(
            select(ModerationSample).where(ModerationSample.cohort_id == cohort_id).order_by(ModerationSample.id)
        )
    )


@dataclass(frozen=True)
class RedrawCheck:
    matches: bool
    drawn: tuple[int, ...]
    recorded: tuple[int, ...]


def redraw(sample: ModerationSample) -> RedrawCheck | None:
    """Draw a random sample again from its recorded seed and candidates: the same observations, or not."""
    if sample.method != SampleMethod.RANDOM or sample.seed is None or sample.percent is None:
        return None
    pool = [
        sampling.Candidate(int(c["observation_id"]), str(c["mentor"]), str(c["scenario"])) for c in sample.candidates
    ]
    drawn = sampling.draw(pool, sample.percent, sample.seed).chosen
    recorded = tuple(sorted(i.observation_id for i in sample.items))
    return RedrawCheck(drawn == recorded, drawn, recorded)


# ---- who may mark --------------------------------------------------------------------------


def status_of(item: ModerationItem) -> str:
    """to-mark, same (the marks agree), to-agree (they differ), to-adjudicate (by more than the
    cohort's gap: a third marker decides) or agreed."""
    if not item.marked:
        return "to-mark"
    if item.agreed:
        return "agreed"
    if item.adjudicate:
        return "to-adjudicate"
    return "to-agree" if differs(item) else "same"


STATUS_WORDS = {
    "to-mark": "To mark",
    "same": "Same marks",
    "to-agree": "Marks differ: to agree",
    "to-adjudicate": "Far apart: a third marker decides",
    "agreed": "Agreed",
}


def adjudication_gap(cohort_id: int) -> int:
    found = db.session.get(ModerationPolicy, cohort_id)
    return found.adjudication_gap if found else 1


def gap(item: ModerationItem) -> int:
    """The largest difference between the two markers' levels on any criterion both levelled."""
    if item.moderator_result is None:
        return 0
    mentor = engine.Result.from_dict(item.observation.result).levels_by_criterion
    moderator = engine.Result.from_dict(item.moderator_result).levels_by_criterion
    return max(
        (abs(a - b) for k, a in mentor.items() if isinstance(a, int) and isinstance(b := moderator.get(k), int)),
        default=0,
    )


def third_marker_refusal(item: ModerationItem, person_id: int) -> str | None:
    """Why this person may not adjudicate: they marked it, or mentor the trainee."""
    if person_id in (item.moderator_id, item.observation.observer_id):
        return "You have already marked this observation, so a third marker must decide."
    if person_id in _mentors_of(item.observation.enrolment_id):
        return "You mentor this trainee, so a third marker must decide."
    return None


def _is_moderator(person_id: int) -> bool:
    person = db.session.get(User, person_id)
    return person is not None and person.active and Role.MODERATOR in person.roles


# Designers and administrators can open every observation's record and marks, so they cannot mark blind.
STAFF_ROLES = frozenset({Role.DESIGNER, Role.ADMIN})
STAFF_REFUSAL = (
    "You are also a designer or an administrator and can read the mentor’s marks, "
    "so you cannot mark observations blind. Ask a moderator without those roles."
)


def _roles_of(person_id: int) -> frozenset[Role]:
    person = db.session.get(User, person_id)
    return frozenset(person.roles) if person is not None else frozenset()


def _mentors_of(enrolment_id: int) -> set[int]:
    return set(
        db.session.scalars(select(enrolment_mentor.c.mentor_id).where(enrolment_mentor.c.enrolment_id == enrolment_id))
    )


def refusal(item: ModerationItem, moderator_id: int) -> str | None:
    """Why this moderator may not mark this item blind, in words; None if they may."""
    o = item.observation
    if o.observer_id == moderator_id:
        return "You made this observation, so someone else must moderate it."
    if moderator_id in _mentors_of(o.enrolment_id):
        return "You mentor this trainee and can read the mentor’s marks, so you cannot mark this observation blind."
    if STAFF_ROLES & _roles_of(moderator_id):
        return STAFF_REFUSAL
    if item.marked and item.moderator_id != moderator_id:
        return "Another moderator has already marked this observation."
    return None


def agreed_result_of(observation_id: int) -> dict[str, Any] | None:
    """The judgement agreed after moderation, which replaces the mentor's; None if there is none."""
    item = item_of_observation(observation_id)
    return item.agreed_result if item is not None and item.agreed else None


def effective_result(mentor_result: dict[str, Any], agreed: dict[str, Any] | None) -> dict[str, Any]:
    """The result that counts: the judgement agreed after moderation if there is one, else the mentor's.
    Every reader of an observation's outcome (pages, records, the grid and register) goes through it."""
    return agreed if agreed else mentor_result


def get_item(item_id: int) -> ModerationItem | None:
    return db.session.get(ModerationItem, item_id)


def item_of_observation(observation_id: int) -> ModerationItem | None:
    return db.session.scalar(select(ModerationItem).where(ModerationItem.observation_id == observation_id))


# ---- blind marking -------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    criterion: str
    text: str


@dataclass(frozen=True)
class BlindView:
    """What a moderator may read before marking: the context and the mentor's written evidence.
    Deliberately no levels, faults, outcome or reasons."""

    item_id: int
    trainee: str
    scenario: str
    observed_on: Any
    setting: str
    present: tuple[str, ...]
    rubric_title: str
    rubric_version: int
    comments: tuple[Comment, ...]


def blind_view(item: ModerationItem) -> BlindView:
    o = item.observation
    rubric = competency_services.rubric_of(o.rubric_version)
    scenario = competency_services.get_scenario(o.scenario_key)
    comments = tuple(
        Comment(rubric.title_of(j.get("criterion")), str(j["comment"]))
        for j in o.evidence.get("judgements", [])
        if j.get("comment")
    )
    return BlindView(
        item.id,
        o.enrolment.trainee.name,
        scenario.title if scenario else o.scenario_key,
        o.observed_on,
        o.setting,
        tuple(o.present),
        o.rubric_version.rubric.title,
        o.rubric_version.number,
        comments,
    )


def rubric_of_item(item: ModerationItem) -> engine.Rubric:
    """The rubric version the mentor's marks were scored by: both markers are scored by it."""
    return competency_services.rubric_of(item.observation.rubric_version)


def _commit(tell: Callable[[], None] | None = None) -> None:
    """Commit, after ``tell`` writes the messages about the change (it flushes, so inside the ``try``)."""
    try:
        if tell is not None:
            tell()
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Conflict("Someone changed this moderation since you opened it. Check it and try again") from None


def record_marks(observation_id: int, moderator_id: int, marks: dict[str, Any]) -> ModerationItem:
    """The moderator's own levels and faults for a sampled observation, scored by the same engine
    and rubric version as the mentor's. Refused for an observation not in a sample, one's own
    observation, a trainee one mentors, and one another moderator has marked; marks once given
    are not changed (the agreed judgement is where they are settled)."""
    moderator = _moderator(moderator_id)
    item = item_of_observation(observation_id)
    if item is None:
        raise Invalid("This observation is not in a moderation sample", "observation_id")
    why = refusal(item, moderator_id)
    if why:
        raise Invalid(why, "observation_id")
    if item.marked:
        raise Conflict("You have already marked this observation")
    rubric = rubric_of_item(item)
    judged = [j for j in marks.get("judgements", []) if j.get("level") is not None or j.get("not_applicable")]
    if rubric.model is not engine.RubricModel.FAULTS and not judged:
        # a blank form is a slip, not a second marking: it would count as "not observed" throughout
        raise Invalid("Choose your level for at least one criterion", "judgements")
    item.moderator_result = _scored(item.observation, moderator.id, rubric, marks)
    item.moderator_evidence = marks
    item.moderator_id = moderator_id
    item.marked_at = utcnow()
    item.adjudicate = gap(item) > adjudication_gap(item.sample.cohort_id)
    _commit(lambda: _tell_if_settled(item, moderator_id))
    return item


def _tell_if_settled(item: ModerationItem, actor_id: int) -> None:
    """Moderation that ends here (the same marks, or a judgement agreed) is news for the trainee and mentor."""
    if status_of(item) in ("same", "agreed"):
        messages.tell_moderation_finished(item, actor_id)


# ---- side by side and the agreed judgement -------------------------------------------------


def may_see_both(item: ModerationItem, person_id: int) -> bool:
    """After the moderator has submitted: that moderator and the mentor who made the observation
    (while they still mentor the trainee: scope's rule); and, for an observation sent to
    adjudication, any other moderator who may decide it."""
    if not item.marked:
        return False
    if person_id == item.moderator_id or scope.observer_still_mentors(item.observation, person_id):
        return True
    return item.adjudicate and _is_moderator(person_id) and third_marker_refusal(item, person_id) is None


def may_agree(item: ModerationItem, person_id: int) -> bool:
    """Who records the final judgement: the two markers together, or the third marker alone."""
    if item.adjudicate:
        return _is_moderator(person_id) and third_marker_refusal(item, person_id) is None
    return may_see_both(item, person_id)


def _faults(result: engine.Result) -> dict[str, int]:
    counts: dict[str, int] = {}
    for f in result.faults:
        counts[f.fault] = counts.get(f.fault, 0) + 1
    return counts


def differs(item: ModerationItem) -> bool:
    """Marks differ when any level, any fault count or the outcome differs."""
    if item.moderator_result is None:
        return False
    mentor = engine.Result.from_dict(item.observation.result)
    moderator = engine.Result.from_dict(item.moderator_result)
    return (
        mentor.levels_by_criterion != moderator.levels_by_criterion
        or _faults(mentor) != _faults(moderator)
        or mentor.outcome is not moderator.outcome
    )


@dataclass(frozen=True)
class Row:
    """One line of the side-by-side table: a criterion or a fault type."""

    title: str
    mentor: str
    moderator: str
    agreed: str | None

    @property
    def differs(self) -> bool:
        return self.mentor != self.moderator


@dataclass(frozen=True)
class Marks:
    outcome: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    item: ModerationItem
    status: str
    criteria: tuple[Row, ...]
    faults: tuple[Row, ...]
    mentor: Marks
    moderator: Marks
    agreed: Marks | None

    @property
    def status_words(self) -> str:
        return STATUS_WORDS[self.status]


def _level_words(rubric: engine.Rubric, key: str, level: int | str | None) -> str:
    if level is None:
        return "Not observed"
    if level == "n/a":
        return "Not applicable"
    if level == "observed":
        return "Observed"
    criterion = rubric.criterion(key)
    return f"{level}: {criterion.label_of(int(level))}" if criterion else str(level)


def _marks(result: engine.Result, rubric: engine.Rubric) -> Marks:
    return Marks(result.outcome.value, engine.render_all(result.reasons, rubric))


def comparison(item: ModerationItem) -> Comparison:
    """Both sets of marks, and the agreed one when recorded, criterion by criterion."""
    rubric = rubric_of_item(item)
    assert item.moderator_result is not None
    mentor = engine.Result.from_dict(item.observation.result)
    moderator = engine.Result.from_dict(item.moderator_result)
    agreed = engine.Result.from_dict(item.agreed_result) if item.agreed_result else None
    levels = [r.levels_by_criterion for r in (mentor, moderator)]
    agreed_levels = agreed.levels_by_criterion if agreed else {}
    criteria = tuple(
        Row(
            c.title,
            _level_words(rubric, c.key, levels[0].get(c.key)),
            _level_words(rubric, c.key, levels[1].get(c.key)),
            _level_words(rubric, c.key, agreed_levels.get(c.key)) if agreed else None,
        )
        for c in rubric.criteria
    )
    counts = [_faults(mentor), _faults(moderator), _faults(agreed) if agreed else {}]
    faults = tuple(
        Row(
            k.title,
            str(counts[0].get(k.key, 0)),
            str(counts[1].get(k.key, 0)),
            str(counts[2].get(k.key, 0)) if agreed else None,
        )
        for k in rubric.fault_types
    )
    return Comparison(
        item,
        status_of(item),
        criteria,
        faults,
        _marks(mentor, rubric),
        _marks(moderator, rubric),
        _marks(agreed, rubric) if agreed else None,
    )


def agree(
    item_id: int, person_id: int, marks: dict[str, Any], reason: str, lock_version: int | None = None
) -> ModerationItem:
    """Record the judgement moderator and mentor agreed (or the third marker decided, where their
    levels were further apart than the cohort's gap), with the reason; it replaces the mentor's
    marks in the trainee's progress (both stay in the history). Only where the marks differ."""
    item = db.session.get(ModerationItem, item_id)
    person = db.session.get(User, person_id)
    if item is None or person is None or not may_see_both(item, person_id):
        raise Invalid("Choose a moderated observation of yours", "item_id")
    if not may_agree(item, person_id):
        raise Invalid(third_marker_refusal(item, person_id) or "A third marker must decide", "item_id")
    if lock_version is not None and lock_version != item.lock_version:
        raise Conflict("Someone changed this moderation since you opened it. Check it and try again")
    if item.agreed:
        raise Conflict("An agreed judgement is already recorded for this observation")
    if not differs(item):
        raise Invalid("The two sets of marks are the same, so the mentor’s judgement stands", "item_id")
    reason = reason.strip()
    if not reason:
        raise Invalid("Enter the reason for the agreed judgement", "reason")
    if len(reason) > AGREED_REASON_MAX_LENGTH:
        raise Invalid(too_long(AGREED_REASON_MAX_LENGTH, "Reason"), "reason")
    item.agreed_result = _scored(item.observation, person.id, rubric_of_item(item), marks)
    item.agreed_evidence = marks
    item.agreed_reason = reason
    item.agreed_by_id = person_id
    item.agreed_at = utcnow()
    _commit(lambda: _tell_if_settled(item, person_id))
    return item


def items_for_mentor(mentor_id: int) -> list[ModerationItem]:
    """Moderated observations the mentor made, once the moderator has submitted."""
    return [
        i
        for i in db.session.scalars(
            select(ModerationItem)
            .join(Observation)
            .where(Observation.observer_id == mentor_id, scope.currently_mentored_by(mentor_id))
            .order_by(ModerationItem.id)
        )
        if i.marked
    ]


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


def policy_of(cohort_id: int) -> agreement.CalibrationPolicy:
    found = db.session.get(ModerationPolicy, cohort_id)
    if found is None:
        return agreement.CalibrationPolicy(agreement.Measure.WEIGHTED_KAPPA, DEFAULT_MINIMUM_KAPPA)
    return agreement.CalibrationPolicy(agreement.Measure.WEIGHTED_KAPPA, Fraction(found.minimum_kappa), found.min_pairs)


def holds_results(cohort_id: int) -> bool:
    found = db.session.get(ModerationPolicy, cohort_id)
    return bool(found and found.hold_results)


def held_observations(cohort_id: int) -> set[int]:
    """Observations whose outcome a trainee may not read yet: sampled in a cohort that holds
    results, and not yet marked, or marked differently and not yet agreed."""
    if not holds_results(cohort_id):
        return set()
    return {
        i.observation_id
        for i in _items_of_cohort(cohort_id)
        if status_of(i) in ("to-mark", "to-agree", "to-adjudicate")
    }


def _observations(ids: Iterable[int]) -> list[Observation]:
    return list(db.session.scalars(select(Observation).where(Observation.id.in_(list(ids))).order_by(Observation.id)))


def held_of_enrolment(enrolment_id: int) -> set[int]:
    """The enrolment's observations held back from its trainee (see :func:`held_observations`)."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        return set()
    held = held_observations(enrolment.cohort_id)
    return (
        set(
            db.session.scalars(
                select(Observation.id).where(Observation.enrolment_id == enrolment_id, Observation.id.in_(held))
            )
        )
        if held
        else set()
    )


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
    observations = _submitted(cohort_id)
    firsts = (
        _first_observations({o.observer_id for o in observations if o.observer_id}, settings.new_first)
        if settings.new_first
        else set()
    )
    for o in observations:
        who = _candidate(o).mentor
        submitted[who] = submitted.get(who, 0) + 1
        early[who] = early.get(who, 0) + (o.id in firsts)
        names[who] = o.observer.name if o.observer else "A removed account"
    sampled: dict[str, int] = {}
    for item in _items_of_cohort(cohort_id):
        who = _candidate(item.observation).mentor
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


POLICY_CHANGED = "Someone changed these moderation settings since you opened the page. Check them and save again"


def policy_version(cohort_id: int) -> int:
    """The settings' version for a form to carry back (0 while the cohort has the defaults)."""
    found = db.session.get(ModerationPolicy, cohort_id)
    return found.lock_version if found else 0


RATE_MESSAGE = "Enter the rate as a whole number from 1 to 100"
NEW_FIRST_MESSAGE = sampling.NEW_FIRST_MESSAGE
INTERIM_SHARE_MESSAGE = sampling.INTERIM_SHARE_MESSAGE


def set_policy(
    cohort_id: int,
    minimum_kappa: str,
    min_pairs: int | None,
    hold_results: bool | None = None,
    sample_rate: int | None = None,
    raised_rate: int | None = None,
    gap_levels: int | None = None,
    new_rate: int | None = None,
    new_first: int | None = None,
    interim_share: int | None = None,
    interim_on: date | None = None,
    lock_version: int | None = None,
    actor_id: int | None = None,
) -> agreement.CalibrationPolicy:
    """The provider's threshold for flagging a mentor: a quadratic-weighted kappa from -1 to 1,
    and the fewest pairs that may flag anyone; whether trainees wait for moderation; and the
    sampling plan's rates (percentages of each mentor's observations). ``lock_version`` is the
    version the settings were read at (:func:`policy_version`): a save from a staler page is refused."""
    if get_cohort(cohort_id) is None:
        raise Invalid("Choose a cohort", "cohort_id")
    if lock_version is not None and lock_version != policy_version(cohort_id):
        raise Conflict(POLICY_CHANGED)
    problems = []
    try:
        minimum = Decimal(minimum_kappa.strip())
        if (
            not minimum.is_finite()
            or not agreement.KAPPA_MIN <= minimum <= agreement.KAPPA_MAX
            or len(minimum_kappa.strip()) > 10
        ):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        problems.append(("minimum_kappa", "Enter the minimum kappa as a number from -1 to 1, like 0.6"))
    if min_pairs is None or not 1 <= min_pairs <= MIN_PAIRS_MAX:
        problems.append(("min_pairs", f"Enter the fewest pairs as a whole number from 1 to {MIN_PAIRS_MAX:,}"))
    for name, value in (("sample_rate", sample_rate), ("raised_rate", raised_rate)):
        if value is not None and not sampling.PERCENT_MIN <= value <= sampling.PERCENT_MAX:
            problems.append((name, RATE_MESSAGE))
    if new_rate is not None and not sampling.PERCENT_MIN <= new_rate <= sampling.PERCENT_MAX:
        problems.append(("new_mentor_rate", RATE_MESSAGE))
    if new_first is not None and not 0 <= new_first <= sampling.NEW_FIRST_MAX:
        problems.append(("new_mentor_first", NEW_FIRST_MESSAGE))
    if interim_share is not None and not 0 <= interim_share <= sampling.PERCENT_MAX:
        problems.append(("interim_share", INTERIM_SHARE_MESSAGE))
    if gap_levels is not None and not 0 <= gap_levels <= GAP_MAX:
        problems.append(("adjudication_gap", f"Enter the gap as a whole number of levels from 0 to {GAP_MAX}"))
    if problems:
        raise Invalid(problems)
    # Read before the settings change (so before anything is flushed): what stops being held.
    released = held_observations(cohort_id) if hold_results is False else set()
    found = db.session.get(ModerationPolicy, cohort_id) or ModerationPolicy(cohort_id=cohort_id)
    found.adjudication_gap = gap_levels if gap_levels is not None else found.adjudication_gap or 1
    found.sample_rate = sample_rate if sample_rate is not None else found.sample_rate or sampling.DEFAULT_RATE
    found.raised_rate = raised_rate if raised_rate is not None else found.raised_rate or sampling.DEFAULT_RAISED_RATE
    found.new_mentor_rate = new_rate if new_rate is not None else found.new_mentor_rate or sampling.DEFAULT_NEW_RATE
    found.new_mentor_first = (
        new_first
        if new_first is not None
        else (found.new_mentor_first if found.new_mentor_first is not None else sampling.DEFAULT_NEW_FIRST)
    )
    found.interim_share = (
        interim_share
        if interim_share is not None
        else (found.interim_share if found.interim_share is not None else sampling.DEFAULT_INTERIM_SHARE)
    )
    found.interim_on = interim_on  # blank: no interim date
    found.minimum_kappa = str(minimum.normalize())
    found.min_pairs = min_pairs
    if hold_results is not None:
        found.hold_results = hold_results
    db.session.add(found)
    if fields := changed_fields(found):
        record(Action.SETTINGS_CHANGED, Subject("cohort", cohort_id), settings="moderation", fields=fields)
    try:
        # Results no longer held back: each trainee whose result was waiting may read it now.
        messages.tell_results_released(_observations(released), actor_id)
        db.session.commit()
    except (StaleDataError, IntegrityError):  # saved by someone else between our read and write
        db.session.rollback()
        raise Conflict(POLICY_CHANGED) from None
    return policy_of(cohort_id)


def report_view(f: agreement.Figure) -> str:
    """A figure in a table cell: the number only when there are enough pairs behind it."""
    return agreement.shown(f)


def report(cohort_id: int) -> Report | None:
    """Exact and adjacent agreement and quadratic-weighted kappa on levels, exact agreement and
    kappa on outcomes: overall, per mentor, per scenario and per criterion; mentors flagged."""
    cohort = get_cohort(cohort_id)
    if cohort is None:
        return None
    items = _items_of_cohort(cohort_id)
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
    for item in _items_of_cohort(cohort_id):
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
