"""Signing a competency off, example by example: the sign-off policy's bounds, the window of recent
observations a dangerous fault blocks, rubric versions, and which criteria were never yet met."""

from __future__ import annotations

import pytest

from competencies.engine import (
    EvidenceError,
    Fault,
    FaultSeverity,
    Missing,
    PolicyError,
    SignOffPolicy,
    rubric_from_dict,
    sign_off,
)
from tests.unit.competencies.test_engine_aggregation import observed, seen_faults
from tests.unit.competencies.test_engine_scoring import ANALYTIC, ENTRUST, FAULTS

TOP = {"voice": 4, "timelines": 4, "actions": 4}


# ---- the policy --------------------------------------------------------------------------------


def test_the_loosest_sign_off_policy_is_allowed_one_met_observation_and_nothing_else():
    policy = SignOffPolicy(min_met=1, min_observers=0, min_settings=0, no_dangerous_in_last=0)
    rubric = rubric_from_dict(ANALYTIC)
    assert sign_off(rubric, [observed(rubric, 1, TOP)], policy).evidenced


def test_a_sign_off_policy_may_ask_for_up_to_1000_of_anything_and_no_more():
    SignOffPolicy(min_met=1_000, min_observers=1_000, min_settings=1_000, no_dangerous_in_last=1_000)
    with pytest.raises(PolicyError) as refused:
        SignOffPolicy(min_met=1_001)
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("min_met", "Enter a whole number from 1 to 1,000")
    ]


def test_an_unknown_choice_for_other_rubric_versions_is_refused_naming_the_field():
    with pytest.raises(PolicyError) as refused:
        SignOffPolicy(mixed_rubrics="guess")
    assert [p.path for p in refused.value.problems] == ["mixed_rubrics"]
    assert refused.value.problems[0].message.startswith("Choose one of: refuse, leave-out")


def test_sign_off_without_a_policy_is_refused_saying_what_to_give():
    rubric = rubric_from_dict(ANALYTIC)
    with pytest.raises(PolicyError) as refused:
        sign_off(rubric, [], {"min_met": 3})  # type: ignore[arg-type]
    assert [(p.path, p.message) for p in refused.value.problems] == [("policy", "Give a SignOffPolicy")]


def test_an_unnamed_observer_is_refused_saying_why():
    rubric = rubric_from_dict(ANALYTIC)
    with pytest.raises(EvidenceError) as refused:
        sign_off(rubric, [observed(rubric, 1, TOP, observer="  ")], SignOffPolicy())
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("results[0].observation.observer", "Name the observer: an unnamed one cannot be told apart")
    ]


# ---- rubric versions ---------------------------------------------------------------------------


def test_sign_off_refuses_observations_scored_with_another_rubric_version_unless_told_to_leave_them_out():
    old = rubric_from_dict(ANALYTIC)
    new = rubric_from_dict(ANALYTIC | {"threshold": 60, "version": 2})
    history = [
        observed(old, 1, TOP, observer="Ann", setting="School A"),
        observed(new, 2, TOP, observer="Bob", setting="School B"),
    ]
    with pytest.raises(EvidenceError) as refused:
        sign_off(new, history, SignOffPolicy(min_met=1))
    assert [p.path for p in refused.value.problems] == ["results[0].rubric"]
    decision = sign_off(new, history, SignOffPolicy(min_met=1, mixed_rubrics="leave-out"))
    # Only version 2's observation counts: one met, by one observer in one setting.
    assert (decision.met, decision.observers) == (1, ("Bob",))


# ---- a dangerous fault in the last M observations -----------------------------------------------


def four_observations_with_a_dangerous_fault_in_the_second():  # type: ignore[no-untyped-def]
    rubric = rubric_from_dict(FAULTS)
    clean = seen_faults()
    history = [
        observed(rubric, 1, *clean, observer="Ann", setting="School A"),
        observed(rubric, 2, clean[0], (Fault("diagnoses"),), observer="Bob", setting="School B"),
        observed(rubric, 3, *clean, observer="Bob", setting="School B"),
        observed(rubric, 4, *clean, observer="Cy", setting="School C"),
    ]
    return rubric, history


def test_a_dangerous_fault_in_the_second_of_four_observations_blocks_sign_off_over_the_last_three():
    rubric, history = four_observations_with_a_dangerous_fault_in_the_second()
    decision = sign_off(rubric, history, SignOffPolicy(no_dangerous_in_last=3))
    assert not decision.evidenced
    assert decision.missing == (Missing("no_dangerous_recently", 1, 0),)  # one found, none allowed


def test_a_dangerous_fault_older_than_the_window_no_longer_blocks_sign_off():
    rubric, history = four_observations_with_a_dangerous_fault_in_the_second()
    assert sign_off(rubric, history, SignOffPolicy(no_dangerous_in_last=2)).evidenced


def test_a_window_of_no_observations_lets_an_old_dangerous_fault_pass():
    rubric, history = four_observations_with_a_dangerous_fault_in_the_second()
    assert sign_off(rubric, history, SignOffPolicy(no_dangerous_in_last=0)).evidenced


# ---- criteria never yet met ----------------------------------------------------------------------


def test_a_criterion_only_ever_not_applicable_is_listed_as_never_met():
    rubric = rubric_from_dict(ANALYTIC)
    history = [observed(rubric, d, {"voice": 4, "actions": 4}, na=("timelines",)) for d in (1, 2)]
    assert sign_off(rubric, history, SignOffPolicy()).never_met == ("timelines",)


def test_a_criterion_at_exactly_the_pass_mark_of_its_top_level_was_met():
    rubric = rubric_from_dict(ANALYTIC | {"threshold": 75})
    # Timelines at 3 of 4 is exactly 75 %.
    decision = sign_off(rubric, [observed(rubric, 1, {"voice": 4, "timelines": 3, "actions": 4})], SignOffPolicy())
    assert decision.never_met == ()


def test_a_criterion_just_under_a_pass_mark_with_a_fraction_was_not_met():
    rubric = rubric_from_dict(ANALYTIC | {"threshold": 75.5})
    # Timelines at 3 of 4 is 75 %, under 75.5 %; actions at 4 of 4 is well over it.
    decision = sign_off(rubric, [observed(rubric, 1, {"voice": 4, "timelines": 3, "actions": 4})], SignOffPolicy())
    assert decision.never_met == ("timelines",)


def test_a_must_meet_criterion_at_exactly_its_level_was_met():
    rubric = rubric_from_dict(ANALYTIC)
    # The child's voice at 3, its must-meet level.
    decision = sign_off(rubric, [observed(rubric, 1, {"voice": 3, "timelines": 4, "actions": 4})], SignOffPolicy())
    assert decision.never_met == ()


def test_entrustment_at_exactly_the_pass_level_was_met():
    rubric = rubric_from_dict(ENTRUST | {"threshold": 3})
    decision = sign_off(rubric, [observed(rubric, 1, {"plan": 3, "deliver": 3})], SignOffPolicy())
    assert decision.never_met == ()


def test_entrustment_below_a_must_meet_level_above_the_pass_level_was_not_met():
    criteria = [
        {"key": "plan", "title": "Plans the session"},
        {"key": "deliver", "title": "Delivers it", "critical_level": 4},
    ]
    rubric = rubric_from_dict(ENTRUST | {"threshold": 3, "criteria": criteria})
    # Both at the pass level 3, but delivering must reach 4.
    decision = sign_off(rubric, [observed(rubric, 1, {"plan": 3, "deliver": 3})], SignOffPolicy())
    assert decision.never_met == ("deliver",)


def test_a_serious_fault_leaves_its_own_criterion_never_met_and_not_the_other():
    rubric = rubric_from_dict(FAULTS)
    levels, _ = seen_faults()
    decision = sign_off(rubric, [observed(rubric, 1, levels, (Fault("coaches-pupil"),))], SignOffPolicy())
    assert decision.never_met == ("manual",)


def test_a_minor_fault_does_not_stop_its_criterion_being_met():
    rubric = rubric_from_dict(FAULTS)
    decision = sign_off(rubric, [observed(rubric, 1, *seen_faults("jargon"))], SignOffPolicy())
    assert decision.never_met == ()


def test_a_minor_fault_recorded_as_serious_stops_its_criterion_being_met():
    rubric = rubric_from_dict(FAULTS)
    levels, _ = seen_faults()
    decision = sign_off(
        rubric, [observed(rubric, 1, levels, (Fault("jargon", FaultSeverity.SERIOUS),))], SignOffPolicy()
    )
    assert decision.never_met == ("explain",)


def test_entrustment_on_a_scale_from_0_with_a_pass_level_of_0_was_met_at_0():
    levels = [{"value": v, "label": f"Level {v}"} for v in range(5)]
    rubric = rubric_from_dict(
        ENTRUST | {"threshold": 0, "criteria": [{"key": "plan", "title": "Plans", "levels": levels}]}
    )
    decision = sign_off(rubric, [observed(rubric, 1, {"plan": 0})], SignOffPolicy(min_met=1))
    assert decision.met == 1 and decision.never_met == ()
