"""A cohort's moderation policy: the agreement threshold, the sampling rates and held results."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from assessments import agreement, messages, sampling
from assessments.models import (
    GAP_MAX,
    Enrolment,
    ModerationPolicy,
    Observation,
)
from assessments.services.moderation.marking import status_of
from assessments.services.moderation.samples import DEFAULT_MINIMUM_KAPPA, MIN_PAIRS_MAX, get_cohort, items_of_cohort
from core.audit import Action, Subject, changed_fields, record
from core.extensions import db
from core.problems import Conflict, Invalid
from core.unit_of_work import saving


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
        i.observation_id for i in items_of_cohort(cohort_id) if status_of(i) in ("to-mark", "to-agree", "to-adjudicate")
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
        with saving(POLICY_CHANGED):  # a stale version: saved by someone else between our read and write
            # Results no longer held back: each trainee whose result was waiting may read it now.
            messages.tell_results_released(_observations(released), actor_id)
            db.session.commit()
    except IntegrityError:  # the cohort's first policy, made by someone else meanwhile: the same conflict
        raise Conflict(POLICY_CHANGED) from None
    return policy_of(cohort_id)
