"""Aggregating observations and signing a competency off: the wrong answers of issue 8, each
with its inputs, and worked examples."""

from __future__ import annotations

import json
import pickle
from fractions import Fraction

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
    Result,
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


# ---- issue 20: examples a user would notice -----------------------------------------------------

# The analytic rubric with its three criteria weighted equally and no must-meet level.
EVEN = ANALYTIC | {"criteria": [dict(c, weight=1, critical_level=None) for c in ANALYTIC["criteria"]]}


def test_exactly_70_percent_over_five_observations_meets_the_70_percent_pass_mark():
    rubric = rubric_from_dict(ANALYTIC)
    history = [
        observed(rubric, d, {"voice": 3, "timelines": t, "actions": t}) for d, t in enumerate([3, 3, 3, 2, 2], 1)
    ]
    # Means: voice 3, timelines and actions 2.6 → (2×3 + 2.6 + 2.6) / 16 = 70 % exactly.
    combined = aggregate(rubric, history, AggregationPolicy("mean"))
    assert (combined.outcome, combined.value) == (Outcome.MET, 70.0)
    assert render_all(combined.reasons, rubric) == (
        "By the mean of each criterion, the weighted score is 70%, reaching the 70% needed.",
    )


def test_69_4_percent_is_not_yet_met_against_a_70_percent_pass_mark():
    rubric = rubric_from_dict(EVEN)
    history = [
        observed(rubric, 1, {"voice": 3, "timelines": 3, "actions": 3}),
        observed(rubric, 2, {"voice": 3, "timelines": 3, "actions": 3}),
        observed(rubric, 3, {"voice": 3, "timelines": 3, "actions": 1}),
    ]
    # Means 3, 3 and 7/3 of 4 each → 25/36 = 69.4 %.
    combined = aggregate(rubric, history, AggregationPolicy("mean"))
    assert combined.outcome is Outcome.NOT_YET_MET and combined.value == pytest.approx(100 * 25 / 36)
    # Stored to two places, shown whole.
    assert combined.reasons == (("aggregate_below", None, (("method", "mean"), ("percent", 69.44), ("needed", 70))),)
    assert render_all(combined.reasons, rubric) == (
        "By the mean of each criterion, the weighted score is 69%, below the 70% needed.",
    )


def test_exactly_a_fractional_pass_mark_of_62_5_percent_is_met():
    rubric = rubric_from_dict(ANALYTIC | {"threshold": 62.5})
    latest = observed(rubric, 1, {"voice": 3, "timelines": 2, "actions": 2})  # (6 + 2 + 2) / 16 = 62.5 %
    assert aggregate(rubric, [latest], AggregationPolicy("latest")).outcome is Outcome.MET


def test_decaying_average_leaves_out_a_criterion_where_it_was_not_applicable():
    rubric = rubric_from_dict(ANALYTIC)
    history = [
        observed(rubric, 1, {"voice": 2, "timelines": 4, "actions": 4}),
        observed(rubric, 2, {"voice": 3, "actions": 2}, na=("timelines",)),
        observed(rubric, 3, {"voice": 4, "timelines": 2, "actions": 2}),
    ]
    # Voice 0.65×4 + 0.35×(2+3)/2 = 3.475; timelines over its two observations 0.65×2 + 0.35×4 = 2.7;
    # actions 0.65×2 + 0.35×(4+2)/2 = 2.35 → (2×3.475 + 2.7 + 2.35) / 16 = 75 %.
    combined = aggregate(rubric, history, AggregationPolicy("decaying-average"))
    assert (combined.outcome, combined.value) == (Outcome.MET, pytest.approx(75.0))
    # The mean over the same observations: voice 3, timelines 3, actions 8/3 → 72.9 %.
    assert aggregate(rubric, history, AggregationPolicy("mean")).value == pytest.approx(100 * (6 + 3 + 8 / 3) / 16)


def test_a_criterion_never_applicable_leaves_both_sums():
    rubric = rubric_from_dict(ANALYTIC)
    history = [
        observed(rubric, 1, {"voice": 4, "actions": 2}, na=("timelines",)),
        observed(rubric, 2, {"voice": 3, "actions": 3}, na=("timelines",)),
    ]
    # Means: voice 3.5, actions 2.5 → (2×3.5 + 2.5) / (2×4 + 4) = 9.5 / 12 = 79.2 %.
    combined = aggregate(rubric, history, AggregationPolicy("mean"))
    assert (combined.outcome, combined.value) == (Outcome.MET, pytest.approx(100 * 9.5 / 12))


def test_a_must_meet_criterion_below_its_level_on_average_says_by_how_much():
    rubric = rubric_from_dict(ANALYTIC)
    history = [observed(rubric, d, {"voice": v, "timelines": 4, "actions": 4}) for d, v in [(1, 2), (2, 2), (3, 3)]]
    combined = aggregate(rubric, history, AggregationPolicy("mean"))
    assert combined.outcome is Outcome.NOT_YET_MET
    assert combined.reasons[0] == ("must_meet_below", "voice", (("given", 2.33), ("needed", 3)))
    assert render_all(combined.reasons, rubric)[0] == (
        "‘Keeps the child's voice central’ was at level 2.3; it must reach level 3 (Secure) whatever the total, "
        "so this is not yet met."
    )


def test_entrustment_below_the_pass_level_on_average_over_three_observations_is_not_yet_met():
    rubric = rubric_from_dict(ENTRUST | {"threshold": 3})
    history = [observed(rubric, d, {"plan": p, "deliver": 4}) for d, p in [(1, 2), (2, 2), (3, 3)]]
    combined = aggregate(rubric, history, AggregationPolicy("mean"))
    assert combined.outcome is Outcome.NOT_YET_MET
    # Planning at 7/3 on average, stored to two places.
    assert combined.reasons == (("below_pass_level", "plan", (("given", 2.33), ("needed", 3))),)


def test_with_leave_out_only_the_current_rubric_versions_observations_count():
    old = rubric_from_dict(ANALYTIC)
    new = rubric_from_dict(ANALYTIC | {"threshold": 60, "version": 2})
    history = [
        observed(old, 1, {"voice": 4, "timelines": 4, "actions": 4}),  # 100 %, the old version
        observed(new, 2, {"voice": 1, "timelines": 1, "actions": 1}),  # 25 %, this version
    ]
    for method in ("highest", "mean"):
        combined = aggregate(new, history, AggregationPolicy(method, mixed_rubrics="leave-out"))
        assert (combined.outcome, combined.value, combined.counted) == (Outcome.NOT_YET_MET, 25.0, 1)


def test_one_observation_submitted_three_times_is_refused_not_counted_three_times():
    rubric = rubric_from_dict(ANALYTIC)
    once = observed(rubric, 1, {"voice": 4, "timelines": 4, "actions": 4})
    with pytest.raises(EvidenceError) as refused:
        aggregate(rubric, [once, once, once], AggregationPolicy("n-times", times=3))
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("results[1].observation.id", "Observation ‘obs-01’ appears twice")
    ]


def test_only_observations_failed_by_a_fault_with_nothing_applicable_are_not_yet_met():
    data = ANALYTIC | {
        "criteria": [dict(c, critical_level=None) for c in ANALYTIC["criteria"]],
        "fault_types": [{"key": "breach", "title": "Breaches confidentiality", "fails_alone": True}],
    }
    rubric = rubric_from_dict(data)
    failed = observed(rubric, 1, {}, (Fault("breach"),), na=("voice", "timelines", "actions"))
    combined = aggregate(rubric, [failed], AggregationPolicy("mean"))
    assert (combined.outcome, combined.value) == (Outcome.NOT_YET_MET, None)
    assert [r.code for r in combined.reasons] == ["latest_fault_blocks", "nothing_applicable"]


def test_only_a_criterion_of_weight_0_applicable_gives_no_score_and_is_not_yet_met_after_a_fault():
    criteria = [
        dict(ANALYTIC["criteria"][0], critical_level=None),
        dict(ANALYTIC["criteria"][1], weight=0),
        ANALYTIC["criteria"][2],
    ]
    fault = [{"key": "breach", "title": "Breaches confidentiality", "fails_alone": True}]
    rubric = rubric_from_dict(ANALYTIC | {"criteria": criteria, "fault_types": fault})
    failed = observed(rubric, 1, {"timelines": 3}, (Fault("breach"),), na=("voice", "actions"))
    combined = aggregate(rubric, [failed], AggregationPolicy("mean"))
    assert (combined.outcome, combined.value) == (Outcome.NOT_YET_MET, None)
    assert [r.code for r in combined.reasons] == ["latest_fault_blocks", "nothing_applicable"]


def test_no_complete_observation_is_not_yet_met_and_says_so():
    rubric = rubric_from_dict(ANALYTIC | {"fault_types": [{"key": "breach", "title": "Breach", "fails_alone": True}]})
    # Failed by a fault with only the child's voice observed: counted, but not complete.
    partial = observed(rubric, 1, {"voice": 4}, (Fault("breach"),))
    combined = aggregate(rubric, [partial], AggregationPolicy("mean"))
    assert combined.outcome is Outcome.NOT_YET_MET
    assert [r.code for r in combined.reasons] == ["latest_fault_blocks", "no_complete_observation"]


def test_an_aggregation_policy_takes_each_option_by_name_and_writes_them_as_json():
    policy = AggregationPolicy.parse("decaying-average", decay_weight=0.6, times=2, mixed_rubrics="leave-out")
    assert (policy.decay_weight, policy.times, policy.mixed_rubrics.value) == (Fraction(3, 5), 2, "leave-out")
    assert json.loads(json.dumps(policy.to_dict())) == {
        "method": "decaying-average",
        "decay_weight": "3/5",
        "times": 2,
        "mixed_rubrics": "leave-out",
    }


def test_an_unknown_aggregation_option_is_refused_naming_it_and_the_known_ones():
    with pytest.raises(PolicyError) as refused:
        AggregationPolicy.parse("mean", weights=2)
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("weights", "Unknown option; expected decay_weight, times or mixed_rubrics")
    ]


def test_entrustment_met_says_so_and_its_value_is_the_lowest_part_on_its_scale():
    rubric = rubric_from_dict(ENTRUST | {"threshold": 3})
    history = [observed(rubric, d, {"plan": 4, "deliver": 3}) for d in (1, 2)]
    combined = aggregate(rubric, history, AggregationPolicy("mean"))
    # On the scale 1 to 5, planning at 4 is 75 % of the way up and delivering at 3 is 50 %: the lower counts.
    assert (combined.outcome, combined.value) == (Outcome.MET, 50.0)
    assert combined.reasons == (("entrusted", None, (("needed", 3),)),)
    assert render_all(combined.reasons, rubric) == (
        "Every part was rated at least 3: trusted at the level needed to pass.",
    )


def test_a_faults_rubric_by_latest_takes_the_latest_observations_value_and_reasons():
    rubric = rubric_from_dict(FAULTS)
    two_slips = observed(rubric, 1, *seen_faults("jargon", "jargon"))
    combined = aggregate(rubric, [two_slips], AggregationPolicy("latest"))
    assert (combined.outcome, combined.value) == (Outcome.MET, two_slips.percent)
    assert render_all(combined.reasons, rubric) == (
        "2 minor faults (no more than 3 allowed) and no serious or dangerous fault.",
    )
    # A dangerous fault in the latest: its own reason says so, once, with no second "latest fault" reason.
    dangerous = observed(rubric, 2, seen_faults()[0], (Fault("diagnoses"),))
    combined = aggregate(rubric, [two_slips, dangerous], AggregationPolicy("latest"))
    assert combined.outcome is Outcome.NOT_YET_MET and combined.reasons == dangerous.reasons


def test_a_serious_fault_in_the_latest_observation_names_that_observation():
    rubric = rubric_from_dict(ANALYTIC | {"fault_types": [{"key": "breach", "title": "Breach", "severity": "serious"}]})
    latest = observed(rubric, 4, {"voice": 4, "timelines": 4, "actions": 4}, (Fault("breach"),))
    combined = aggregate(rubric, [latest], AggregationPolicy("latest"))
    assert combined.reasons[0] == ("latest_fault_blocks", None, (("observation", "obs-04"),))
    assert render_all(combined.reasons, rubric)[0] == (
        "The latest observation has a fault that fails it, so this is not yet met whatever came before."
    )


def test_no_observation_with_enough_evidence_says_so():
    rubric = rubric_from_dict(ANALYTIC)
    combined = aggregate(rubric, [observed(rubric, 1, {"voice": 4})], AggregationPolicy("mean"))
    assert combined.reasons == (("no_counted_observation", None, ()),)
    assert render_all(combined.reasons, rubric) == ("No observation with enough evidence yet.",)


def test_observations_without_an_id_are_never_taken_for_the_same_one():
    rubric = rubric_from_dict(ANALYTIC)
    top = (Judgement("voice", 4), Judgement("timelines", 4), Judgement("actions", 4))
    history = [score(rubric, Evidence(top, (), "", f"2026-03-0{d}", "Ann", "School A")) for d in (1, 2)]
    combined = aggregate(rubric, history, AggregationPolicy("n-times", times=2))
    assert (combined.outcome, combined.count) == (Outcome.MET, 2)


def test_what_aggregate_is_given_is_refused_field_by_field_with_what_to_give():
    rubric = rubric_from_dict(ANALYTIC)
    result = observed(rubric, 1, {"voice": 4, "timelines": 4, "actions": 4})
    refusals = [
        (lambda: aggregate(rubric, [result], "latest"), "policy", "Give an AggregationPolicy"),
        (
            lambda: aggregate(None, [result], AggregationPolicy("latest")),
            "rubric",
            "Give the Rubric the results were scored with",
        ),
        (lambda: aggregate(rubric, "obs-01", AggregationPolicy("latest")), "results", "Give the results as a list"),
        (
            lambda: aggregate(rubric, [result, "obs-02"], AggregationPolicy("latest")),
            "results[1]",
            "Each result is a Result from score()",
        ),
        (
            lambda: aggregate(rubric_from_dict(FAULTS), [], AggregationPolicy("mean")),
            "method",
            "A faults rubric is aggregated by latest or n times: faults do not average",
        ),
    ]
    for call, path, message in refusals:
        with pytest.raises((PolicyError, EvidenceError)) as refused:
            call()
        assert [(p.path, p.message) for p in refused.value.problems] == [(path, message)]


def test_a_result_of_another_rubric_version_is_refused_saying_which_version_and_what_to_do():
    old = rubric_from_dict(ANALYTIC)
    new = rubric_from_dict(ANALYTIC | {"threshold": 60, "version": 2})
    with pytest.raises(EvidenceError) as refused:
        aggregate(new, [observed(old, 1, {"voice": 4, "timelines": 4, "actions": 4})], AggregationPolicy("latest"))
    assert [(p.path, p.message) for p in refused.value.problems] == [
        (
            "results[0].rubric",
            "Scored with another form of the rubric (‘annual-review’ version 1); rescore it, or choose to leave such results out",
        )
    ]


def test_every_impossible_aggregation_option_is_refused_at_once_with_what_to_enter():
    with pytest.raises(PolicyError) as refused:
        AggregationPolicy.parse("median", decay_weight=2, times=1_001, mixed_rubrics="guess")
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("method", "Choose one of: latest, highest, mean, decaying-average, n-times"),
        ("mixed_rubrics", "Choose one of: refuse, leave-out"),
        ("decay_weight", "Enter the weight of the newest observation as a number above 0 and below 1"),
        ("times", "Enter how many met observations are needed as a whole number from 1 to 1,000"),
    ]


def test_n_times_may_ask_for_1_to_1000_met_observations():
    assert AggregationPolicy("n-times", times=1).times == 1
    assert AggregationPolicy("n-times", times=1_000).times == 1_000


def test_only_results_from_score_are_aggregated_not_look_alikes():
    class LookAlike(Result):
        pass

    rubric = rubric_from_dict(ANALYTIC)
    copy = LookAlike._make(observed(rubric, 1, {"voice": 4, "timelines": 4, "actions": 4}))
    with pytest.raises(EvidenceError) as refused:
        aggregate(rubric, [copy], AggregationPolicy("latest"))
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("results", "Each result is a Result from score()")
    ]


def test_an_observation_given_again_later_in_the_list_is_refused_where_it_appears_again():
    rubric = rubric_from_dict(ANALYTIC)
    first, second = (observed(rubric, d, {"voice": 4, "timelines": 4, "actions": 4}) for d in (1, 2))
    with pytest.raises(EvidenceError) as refused:
        aggregate(rubric, [first, second, first], AggregationPolicy("n-times", times=3))
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("results[2].observation.id", "Observation ‘obs-01’ appears twice")
    ]


def test_results_may_be_given_as_a_tuple():
    rubric = rubric_from_dict(ANALYTIC)
    history = [observed(rubric, d, {"voice": 4, "timelines": 3, "actions": 3}) for d in (1, 2)]
    policy = AggregationPolicy("mean")
    assert aggregate(rubric, tuple(history), policy) == aggregate(rubric, history, policy)
