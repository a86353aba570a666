"""Aggregating observations and signing a competency off, with worked examples and properties."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competencies.engine import (
    AggregationMethod,
    AggregationPolicy,
    Evidence,
    Fault,
    FaultSeverity,
    Judgement,
    Outcome,
    Result,
    RubricError,
    ScoredObservation,
    SignOffPolicy,
    aggregate,
    rubric_from_dict,
    score,
    score_rows,
    sign_off,
)
from tests.unit.competencies.test_engine_scoring import ANALYTIC, FAULTS

# A three-criterion entrustment rubric (levels 1 to 4 are on its 1-to-5 scale).
ENTRUST_4 = {"key": "e", "title": "E", "model": "entrustment", "threshold": 3,
             "criteria": [{"key": k, "title": k.title(), "critical_level": 2 if k == "voice" else None}
                          for k in ("voice", "timelines", "actions")]}


def obs(percent: float, seq: int, outcome: Outcome = Outcome.MET, observer: str = "a", setting: str = "s1",
        dangerous: bool = False) -> ScoredObservation:
    return ScoredObservation(Result.with_reasons(outcome, percent, percent, (), dangerous), seq, observer, setting)


HISTORY = [obs(50, 1, Outcome.NOT_YET_MET), obs(70, 2, Outcome.NOT_YET_MET), obs(90, 3)]


@pytest.mark.parametrize(
    "method, expected",
    [
        ("latest", 90.0),
        ("highest", 90.0),
        ("mean", 70.0),                          # (50 + 70 + 90) / 3
        ("decaying-average", 0.65 * 90 + 0.35 * 60),  # newest 90; earlier mean (50 + 70) / 2 = 60 → 79.5
    ],
)
def test_each_method_worked_by_hand(method, expected):
    result = aggregate(list(reversed(HISTORY)), AggregationPolicy.parse(method))
    assert result.value == pytest.approx(expected)
    assert result.outcome is (Outcome.MET if expected >= 75 else Outcome.NOT_YET_MET)


def test_n_times_met_counts_met_observations():
    assert aggregate(HISTORY, AggregationPolicy.parse("n-times", times=1)).outcome is Outcome.MET
    result = aggregate(HISTORY, AggregationPolicy.parse("n-times", times=2))
    assert result.outcome is Outcome.NOT_YET_MET and result.reasons == ("Met in 1 of 3 observations; 2 needed.",)


def test_decaying_average_of_one_observation_is_that_observation():
    assert aggregate([obs(40, 1)], AggregationPolicy.parse("decaying-average")).value == 40


def test_an_unknown_method_is_a_typed_error():
    with pytest.raises(RubricError) as refused:
        AggregationPolicy.parse("median")
    assert refused.value.errors[0][0] == "method"


def test_sign_off_says_which_condition_is_missing():
    three_met_one_observer = [obs(90, i, observer="a", setting=f"s{i}") for i in range(3)]
    result = sign_off(three_met_one_observer, SignOffPolicy(min_met=3, min_observers=2, min_settings=2))
    assert not result.evidenced and result.missing == ("min_observers",)
    assert "Still needed: met with 1 of 2 different observers" in result.reasons


def test_a_recent_dangerous_fault_blocks_sign_off():
    history = [obs(90, 1, observer="a", setting="x"), obs(90, 2, observer="b", setting="y"),
               obs(0, 3, Outcome.NOT_YET_MET, dangerous=True), obs(90, 4, observer="c", setting="z")]
    assert sign_off(history, SignOffPolicy(3, 2, 2, no_dangerous_in_last=2)).missing == ("no_dangerous_in_last",)
    assert sign_off(history, SignOffPolicy(3, 2, 2, no_dangerous_in_last=1)).evidenced


percents = st.floats(0, 100, allow_nan=False)
histories = st.lists(st.tuples(percents, st.booleans()), max_size=12)


def _observations(pairs) -> list[ScoredObservation]:  # type: ignore[no-untyped-def]
    return [obs(p, i, Outcome.MET if met else Outcome.NOT_YET_MET) for i, (p, met) in enumerate(pairs)]


@given(histories)
def test_an_empty_or_any_history_never_raises_and_empty_is_insufficient(pairs):
    for method in AggregationMethod:
        result = aggregate(_observations(pairs), AggregationPolicy.parse(method.value))
        if not pairs:
            assert result.outcome is Outcome.INSUFFICIENT_EVIDENCE


@given(histories.filter(bool), st.randoms())
def test_order_free_methods_ignore_the_order_of_observations(pairs, random):
    observations = _observations(pairs)
    shuffled = [ScoredObservation(o.result, n, o.observer) for n, o in enumerate(random.sample(observations, len(observations)))]
    for method in ("highest", "mean", "n-times"):
        policy = AggregationPolicy.parse(method)
        assert aggregate(observations, policy).value == pytest.approx(aggregate(shuffled, policy).value)


@given(st.lists(percents, min_size=1, max_size=12), st.floats(0.01, 0.99))
def test_decaying_average_lies_between_min_and_max(values, weight):
    result = aggregate([obs(v, i) for i, v in enumerate(values)], AggregationPolicy.parse("decaying-average", decay_weight=weight))
    assert min(values) - 1e-9 <= result.value <= max(values) + 1e-9


levels = st.integers(1, 4)


@given(levels, levels, levels, st.sampled_from(["voice", "timelines", "actions"]))
def test_raising_any_level_never_lowers_the_outcome(voice, timelines, actions, raised):
    rubric = rubric_from_dict(ANALYTIC)
    given_levels = {"voice": voice, "timelines": timelines, "actions": actions}
    before = score(rubric, Evidence(tuple(Judgement(k, v) for k, v in given_levels.items())))
    given_levels[raised] = min(4, given_levels[raised] + 1)
    after = score(rubric, Evidence(tuple(Judgement(k, v) for k, v in given_levels.items())))
    assert after.outcome.rank >= before.outcome.rank and after.score >= before.score


severities = st.sampled_from(list(FaultSeverity))


@given(st.lists(st.tuples(st.sampled_from(["manual", "explain"]), severities), max_size=8),
       st.sampled_from(["manual", "explain"]), severities)
def test_adding_a_fault_never_raises_the_outcome(faults, criterion, severity):
    rubric = rubric_from_dict(FAULTS)
    seen = (Judgement("manual"), Judgement("explain"))
    existing = tuple(Fault(c, s) for c, s in faults)
    before = score(rubric, Evidence(seen, existing))
    after = score(rubric, Evidence(seen, (*existing, Fault(criterion, severity))))
    assert after.outcome.rank <= before.outcome.rank and after.percent <= before.percent


row_levels = st.one_of(st.none(), st.integers(1, 4))


@given(st.lists(st.tuples(row_levels, row_levels, row_levels), max_size=6),
       st.sampled_from([ANALYTIC, ENTRUST_4]))
def test_bulk_rows_and_single_judgements_always_agree(rows, data):
    # score_rows has a fast path of its own; it must never disagree with score().
    rubric = rubric_from_dict(data)
    keys = [c.key for c in rubric.criteria]
    for row, fast in zip(rows, score_rows(rubric, rows)):
        slow = score(rubric, Evidence(tuple(Judgement(k, v) for k, v in zip(keys, row) if v is not None)))
        assert (fast.outcome, fast.score, fast.percent, fast.reasons) == (slow.outcome, slow.score, slow.percent, slow.reasons)
