"""Who may mark, blind second marking, the two markers side by side and the agreed judgement.

Blindness is kept by construction: before the moderator has submitted, pages get a
:class:`BlindView`, which holds the observation's context and the mentor's comments and nothing
else, never the observation itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from assessments import messages
from assessments.models import (
    AGREED_REASON_MAX_LENGTH,
    ModerationItem,
    ModerationPolicy,
    Observation,
    enrolment_mentor,
)
from assessments.services import scope
from assessments.services.moderation.samples import active_moderator
from assessments.services.observations import scored_result
from competencies import engine
from competencies import services as competency_services
from core.accounts.models import User
from core.accounts.roles import STAFF, Role
from core.clock import utcnow
from core.extensions import db
from core.problems import Conflict, Invalid, too_long
from core.unit_of_work import saving

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
    if person_id in mentors_of(item.observation.enrolment_id):
        return "You mentor this trainee, so a third marker must decide."
    return None


def is_moderator(person_id: int) -> bool:
    person = db.session.get(User, person_id)
    return person is not None and person.active and Role.MODERATOR in person.roles


# Staff can open every observation's record and marks, so they cannot mark blind.
STAFF_REFUSAL = (
    "You are also a designer or an administrator and can read the mentor’s marks, "
    "so you cannot mark observations blind. Ask a moderator without those roles."
)


def _roles_of(person_id: int) -> frozenset[Role]:
    person = db.session.get(User, person_id)
    return frozenset(person.roles) if person is not None else frozenset()


def mentors_of(enrolment_id: int) -> set[int]:
    return set(
        db.session.scalars(select(enrolment_mentor.c.mentor_id).where(enrolment_mentor.c.enrolment_id == enrolment_id))
    )


def refusal(item: ModerationItem, moderator_id: int) -> str | None:
    """Why this moderator may not mark this item blind, in words; None if they may."""
    o = item.observation
    if o.observer_id == moderator_id:
        return "You made this observation, so someone else must moderate it."
    if moderator_id in mentors_of(o.enrolment_id):
        return "You mentor this trainee and can read the mentor’s marks, so you cannot mark this observation blind."
    if _roles_of(moderator_id).intersection(STAFF):
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


def commit_marking(tell: Callable[[], None] | None = None) -> None:
    """Commit, after ``tell`` writes the messages about the change (it flushes, so inside the unit)."""
    with saving("Someone changed this moderation since you opened it. Check it and try again"):
        if tell is not None:
            tell()
        db.session.commit()


def record_marks(observation_id: int, moderator_id: int, marks: dict[str, Any]) -> ModerationItem:
    """The moderator's own levels and faults for a sampled observation, scored by the same engine
    and rubric version as the mentor's. Refused for an observation not in a sample, one's own
    observation, a trainee one mentors, and one another moderator has marked; marks once given
    are not changed (the agreed judgement is where they are settled)."""
    moderator = active_moderator(moderator_id)
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
    item.moderator_result = scored_result(item.observation, moderator.id, rubric, marks)
    item.moderator_evidence = marks
    item.moderator_id = moderator_id
    item.marked_at = utcnow()
    item.adjudicate = gap(item) > adjudication_gap(item.sample.cohort_id)
    commit_marking(lambda: _tell_if_settled(item, moderator_id))
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
    return item.adjudicate and is_moderator(person_id) and third_marker_refusal(item, person_id) is None


def may_agree(item: ModerationItem, person_id: int) -> bool:
    """Who records the final judgement: the two markers together, or the third marker alone."""
    if item.adjudicate:
        return is_moderator(person_id) and third_marker_refusal(item, person_id) is None
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
    item.agreed_result = scored_result(item.observation, person.id, rubric_of_item(item), marks)
    item.agreed_evidence = marks
    item.agreed_reason = reason
    item.agreed_by_id = person_id
    item.agreed_at = utcnow()
    commit_marking(lambda: _tell_if_settled(item, person_id))
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
