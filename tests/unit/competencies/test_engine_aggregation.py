"""Aggregating observations and signing a competency off: the wrong answers of issue 8, each
with its inputs, and worked examples."""

from __future__ import annotations

import json
import pickle

import pytest

from competencies.engine import (
    Aggregate,
    AggregationMethod,
    AggregationPolicy,
    Evidence,
    EvidenceError,
    Fault,
    Judgement,
    Missing,
    Outcome,
    PolicyError,
    SignOff,
    SignOffPolicy,
    aggregate,
    render_all,
    render_missing,
    rubric_from_dict,
    score,
    sign_off,
)
from tests.unit.competencies.test_engine_scoring import ANALYTIC, ENTRUST, FAULTS

VALUE_METHODS = [
    AggregationMethod.LATEST,
    AggregationMethod.HIGHEST,
    AggregationMethod.MEAN,
    AggregationMethod.DECAYING_AVERAGE,
]


def observed(
    rubric,
    day: int,
    levels: dict | None = None,
    faults=(),
    observer="Ann",
    setting="School A",  # type: ignore[no-untyped-def]
    oid: str | None = None,
    na=(),
):  # type: ignore[no-untyped-def]
    judgements = tuple(Judgement(k, v) for k, v in (levels or {}).items()) + tuple(
        Judgement(k, not_applicable=True) for k in na
    )
    return score(
        rubric, Evidence(judgements, tuple(faults), oid or f"obs-{day:02d}", f"2026-03-{day:02d}", observer, setting)
    )


def seen_faults(*faults: str):  # type: ignore[no-untyped-def]
    return {"manual": None, "explain": None}, tuple(Fault(f) for f in faults)


# ---- issue 8, item 1: aggregation bypassed must-meet --------------------------------------------


@pytest.mark.parametrize("method", VALUE_METHODS)
def test_aggregation_never_bypasses_a_must_meet_criterion(method):
    rubric = rubric_from_dict(ANALYTIC)
    # 75 %, but the child's voice at 2 is below its must-meet level of 3.
    result = observed(rubric, 1, {"voice": 2, "timelines": 4, "actions": 4})
    assert result.outcome is Outcome.NOT_YET_MET
    combined = aggregate(rubric, [result], AggregationPolicy(method))
    assert combined.outcome is Outcome.NOT_YET_MET
    assert combined.reasons[0].code == "must_meet_below" and combined.reasons[0].criterion == "voice"


# ---- issue 8, item 2: the aggregate of one observation is its outcome -------------------------


@pytest.mark.parametrize("method", [*VALUE_METHODS, AggregationMethod.N_TIMES])
def test_one_observation_at_62_5_percent_against_60_aggregates_to_met(method):
    rubric = rubric_from_dict(
        ANALYTIC | {"threshold": 60, "criteria": [dict(c, critical_level=None) for c in ANALYTIC["criteria"]]}
    )
    result = observed(rubric, 1, {"voice": 3, "timelines": 2, "actions": 2})  # (6 + 2 + 2) / 16 = 62.5 %
    assert result.outcome is Outcome.MET
    assert aggregate(rubric, [result], AggregationPolicy(method, times=1)).outcome is Outcome.MET


@pytest.mark.parametrize("method", [AggregationMethod.LATEST, AggregationMethod.N_TIMES])
def test_fifteen_minor_faults_pass_alone_and_aggregated(method):
    rubric = rubric_from_dict({k: v for k, v in FAULTS.items() if k != "fault_limit"})
    levels, faults = seen_faults(*["timing-slip"] * 15)
    result = observed(rubric, 1, levels, faults)
    assert result.outcome is Outcome.MET
    assert aggregate(rubric, [result], AggregationPolicy(method, times=1)).outcome is Outcome.MET


@pytest.mark.parametrize("method", [*VALUE_METHODS, AggregationMethod.N_TIMES])
def test_entrustment_at_its_pass_level_is_met_alone_and_aggregated(method):
    rubric = rubric_from_dict(ENTRUST | {"threshold": 3})
    result = observed(rubric, 1, {"plan": 3, "deliver": 3})
    assert result.outcome is Outcome.MET
    combined = aggregate(rubric, [result], AggregationPolicy(method, times=1))
    assert combined.outcome is Outcome.MET


def test_faults_do_not_average():
    with pytest.raises(PolicyError) as refused:
        aggregate(rubric_from_dict(FAULTS), [], AggregationPolicy("mean"))
    assert refused.value.problems[0].path == "method"


# ---- issue 8, item 3: a dangerous fault never disappears --------------------------------------


def test_a_dangerous_fault_on_a_partly_observed_observation_is_not_yet_met_and_blocks_sign_off():
    rubric = rubric_from_dict(FAULTS)
    result = observed(rubric, 5, {"manual": None}, (Fault("diagnoses"),))  # "explain" not observed
    assert result.outcome is Outcome.NOT_YET_MET and result.dangerous
    earlier = [
        observed(rubric, d, *seen_faults(), observer=o, setting=s)
        for d, o, s in [(1, "Ann", "School A"), (2, "Bob", "School B"), (3, "Ann", "School B")]
    ]
    decision = sign_off(rubric, [*earlier, result], SignOffPolicy())
    assert not decision.evidenced
    assert {m.code for m in decision.missing} == {"latest_met", "no_dangerous_recently"}


def test_an_examiner_who_records_only_a_failing_fault_gets_not_yet_met():
    rubric = rubric_from_dict(FAULTS)
    result = observed(rubric, 1, None, (Fault("coaches-pupil"),))
    assert result.outcome is Outcome.NOT_YET_MET
    assert [r.code for r in result.reasons] == ["fault_fails", "not_observed"]


@pytest.mark.parametrize("method", VALUE_METHODS)
def test_a_serious_fault_in_the_latest_observation_blocks_met_whatever_the_method(method):
    rubric = rubric_from_dict(ANALYTIC | {"fault_types": [{"key": "breach", "title": "Breach", "severity": "serious"}]})
    top = {"voice": 4, "timelines": 4, "actions": 4}
    history = [observed(rubric, d, top) for d in (1, 2, 3)] + [observed(rubric, 4, top, (Fault("breach"),))]
    combined = aggregate(rubric, history, AggregationPolicy(method))
    assert combined.outcome is Outcome.NOT_YET_MET and combined.reasons[0].code == "latest_fault_blocks"


# ---- issue 8, item 5: order and identity ------------------------------------------------------


def test_ties_in_time_are_broken_by_observation_id_not_input_order():
    rubric = rubric_from_dict(ANALYTIC)
    good = observed(rubric, 5, {"voice": 4, "timelines": 4, "actions": 4}, oid="a")  # 100 %
    poor = observed(rubric, 5, {"voice": 1, "timelines": 1, "actions": 1}, oid="b")  # 25 %: "b" sorts last
    policy = AggregationPolicy("latest")
    assert aggregate(rubric, [good, poor], policy) == aggregate(rubric, [poor, good], policy)
    assert aggregate(rubric, [good, poor], policy).outcome is Outcome.NOT_YET_MET


def test_an_empty_observer_or_setting_is_refused_at_sign_off():
    rubric = rubric_from_dict(ANALYTIC)
    anonymous = observed(rubric, 1, {"voice": 4, "timelines": 4, "actions": 4}, observer="")
    with pytest.raises(EvidenceError) as refused:
        sign_off(rubric, [anonymous], SignOffPolicy())
    assert refused.value.problems[0].path == "results[0].observation.observer"


def test_three_met_observations_then_a_failure_are_not_evidenced_the_latest_must_be_met():
    rubric = rubric_from_dict(ANALYTIC)
    top = {"voice": 4, "timelines": 4, "actions": 4}
    history = [
        observed(rubric, 1, top, observer="Ann", setting="School A"),
        observed(rubric, 2, top, observer="Bob", setting="School B"),
        observed(rubric, 3, top, observer="Cy", setting="School C"),
        observed(rubric, 4, {"voice": 1, "timelines": 1, "actions": 1}, observer="Ann"),
    ]  # 25 %
    decision = sign_off(rubric, history, SignOffPolicy())
    assert not decision.evidenced and decision.missing == (Missing("latest_met", 0, 1),)
    assert sign_off(rubric, history[:3], SignOffPolicy()).evidenced


def test_sign_off_says_what_is_missing_as_data_and_which_criteria_were_never_met():
    rubric = rubric_from_dict(ANALYTIC)
    history = [
        observed(rubric, 1, {"voice": 4, "timelines": 1, "actions": 4}, observer="Ann", setting="School A"),
        observed(rubric, 2, {"voice": 3, "timelines": 2, "actions": 4}, observer="Ann", setting="School A"),
    ]
    decision = sign_off(rubric, history, SignOffPolicy(min_met=3, min_observers=2, min_settings=2))
    assert decision.missing == (
        Missing("met_observations", 2, 3),
        Missing("observers", 1, 2),
        Missing("settings", 1, 2),
    )
    assert decision.observers == ("Ann",) and decision.settings == ("School A",)
    # Timelines never reached 70 % of its top level (3 of 4) in any observation.
    assert decision.never_met == ("timelines",)
    assert [render_missing(m) for m in decision.missing] == [
        "1 more met observation (2 of 3 so far).",
        "Met with 2 different observers (1 so far): one more needs a new observer.",
        "Met in 2 different settings (1 so far): one more needs another setting.",
    ]


# ---- issue 8, item 6: n times ------------------------------------------------------------------


def test_n_times_keeps_the_count_apart_from_the_value():
    rubric = rubric_from_dict(ANALYTIC)
    history = [
        observed(rubric, 1, {"voice": 4, "timelines": 4, "actions": 4}),  # 100 %
        observed(rubric, 2, {"voice": 1, "timelines": 1, "actions": 1}),  # 25 %, not met
        observed(rubric, 3, {"voice": 3, "timelines": 3, "actions": 3}),  # 75 %
        observed(rubric, 4, {"voice": 4, "timelines": 3, "actions": 3}),
    ]  # 87.5 %
    combined = aggregate(rubric, history, AggregationPolicy("n-times", times=3))
    assert combined.outcome is Outcome.MET and combined.count == 3 and combined.counted == 4
    assert combined.value == pytest.approx((100 + 75 + 87.5) / 3)  # the mean of the met ones, as Canvas shows
    assert render_all(combined.reasons, rubric) == ("Met in 3 of 4 observations; 3 needed.",)


# ---- the rule, worked by hand ------------------------------------------------------------------


# Voice over time 2, 3, 4; timelines and actions 4, 2, 2 (weights 2, 1, 1; top level 4; pass mark 76 %).
@pytest.mark.parametrize(
    "method, outcome, percent",
    [
        ("latest", Outcome.NOT_YET_MET, 100 * (8 + 2 + 2) / 16),  # 4, 2, 2 → 75 %
        ("highest", Outcome.MET, 100.0),  # 4, 4, 4
        ("mean", Outcome.NOT_YET_MET, 100 * (6 + 8 / 3 + 8 / 3) / 16),  # 3, 8/3, 8/3 → 70.8 %
        # 0.65 × newest + 0.35 × mean of the earlier: voice 0.65×4 + 0.35×2.5 = 3.475,
        # timelines and actions 0.65×2 + 0.35×3 = 2.35 → (6.95 + 4.7) / 16 = 72.8 %
        ("decaying-average", Outcome.NOT_YET_MET, 100 * (6.95 + 2.35 + 2.35) / 16),
    ],
)
def test_each_method_aggregates_levels_then_applies_the_rule(method, outcome, percent):
    rubric = rubric_from_dict(ANALYTIC | {"threshold": 76})
    history = [
        observed(rubric, 1, {"voice": 2, "timelines": 4, "actions": 4}),
        observed(rubric, 2, {"voice": 3, "timelines": 2, "actions": 2}),
        observed(rubric, 3, {"voice": 4, "timelines": 2, "actions": 2}),
    ]
    combined = aggregate(rubric, history, AggregationPolicy(method))
    assert (combined.outcome, combined.value) == (outcome, pytest.approx(percent))


def test_decaying_average_weights_the_newest_observation():
    rubric = rubric_from_dict(ENTRUST | {"threshold": 3, "criteria": [{"key": "plan", "title": "Plans"}]})
    history = [observed(rubric, 1, {"plan": 1}), observed(rubric, 2, {"plan": 4})]
    newest_heavy = aggregate(rubric, history, AggregationPolicy("decaying-average", decay_weight=0.65))
    newest_light = aggregate(rubric, history, AggregationPolicy("decaying-average", decay_weight=0.35))
    # 0.65×4 + 0.35×1 = 2.95 < 3; 0.35×4 + 0.65×1 = 2.05: both below 3, told apart by their value.
    assert newest_heavy.value != newest_light.value
    assert (
        aggregate(
            rubric,
            [*history, observed(rubric, 3, {"plan": 4})],
            AggregationPolicy("decaying-average", decay_weight=0.65),
        ).outcome
        is Outcome.MET
    )  # 0.65×4 + 0.35×2.5


def test_insufficient_evidence_is_not_counted_and_none_counted_is_insufficient():
    rubric = rubric_from_dict(ANALYTIC)
    partial = observed(rubric, 1, {"voice": 4})
    combined = aggregate(rubric, [partial], AggregationPolicy("mean"))
    assert combined.outcome is Outcome.INSUFFICIENT_EVIDENCE and combined.counted == 0


# ---- rubric identity -----------------------------------------------------------------------------


def test_results_of_another_rubric_version_are_refused_unless_told_how():
    old = rubric_from_dict(ANALYTIC)
    new = rubric_from_dict(ANALYTIC | {"threshold": 60, "version": 2})
    top = {"voice": 4, "timelines": 4, "actions": 4}
    history = [observed(old, 1, top), observed(new, 2, top)]
    with pytest.raises(EvidenceError) as refused:
        aggregate(new, history, AggregationPolicy("latest"))
    assert refused.value.problems[0].path == "results[0].rubric"
    combined = aggregate(new, history, AggregationPolicy("latest", mixed_rubrics="leave-out"))
    assert combined.outcome is Outcome.MET and combined.counted == 1
    assert render_all(combined.reasons, new)[0] == (
        "1 observation scored with another version of the rubric was left out; only version 2 counts."
    )


# ---- issue 8, item 4: policies --------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        {"times": float("nan")},
        {"times": 2.5},
        {"times": 0},
        {"times": True},
        {"decay_weight": 1},
        {"decay_weight": float("nan")},
        {"decay_weight": 0},
        {"mixed_rubrics": "guess"},
        {"weights": 2},
    ],
)
def test_impossible_aggregation_options_are_refused(options):
    with pytest.raises(PolicyError):
        AggregationPolicy.parse("mean", **options)


def test_an_unknown_method_is_a_typed_error():
    with pytest.raises(PolicyError) as refused:
        AggregationPolicy.parse("median")
    assert refused.value.problems[0].path == "method"


@pytest.mark.parametrize(
    "options", [{"min_met": float("nan")}, {"min_met": 0}, {"min_observers": -1}, {"min_settings": 1.5}]
)
def test_impossible_sign_off_policies_are_refused(options):
    with pytest.raises(PolicyError):
        SignOffPolicy(**options)


# ---- issue 8, item 7: results can be stored ---------------------------------------------------


def test_aggregates_and_sign_offs_are_equal_picklable_and_round_trip_through_json():
    rubric = rubric_from_dict(ANALYTIC)
    history = [
        observed(rubric, d, {"voice": 4, "timelines": 3, "actions": 3}, observer=o, setting=s)
        for d, o, s in [(1, "Ann", "A"), (2, "Bob", "B"), (3, "Cy", "C")]
    ]
    combined = aggregate(rubric, history, AggregationPolicy("decaying-average"))
    decision = sign_off(rubric, history, SignOffPolicy())
    assert decision.evidenced
    for value, kind in ((combined, Aggregate), (decision, SignOff)):
        assert pickle.loads(pickle.dumps(value)) == value
        assert kind.from_dict(json.loads(json.dumps(value.to_dict()))) == value
    with pytest.raises(EvidenceError):
        Aggregate.from_dict(decision.to_dict())
    with pytest.raises(EvidenceError):
        SignOff.from_dict(decision.to_dict() | {"schema": 99})
