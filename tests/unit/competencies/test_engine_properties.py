"""Properties of the rubric engine over generated rubrics of every model × every method.

Locally each property tries a few dozen examples; with ``CI`` set, the "engine-ci" profile
tries 1,000 each. A slow reference written with Fractions re-derives every aggregate.
"""

from __future__ import annotations

import json
import math
import os
import pickle
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competencies.engine import (
    Aggregate,
    AggregationMethod,
    AggregationPolicy,
    EngineError,
    Evidence,
    EvidenceError,
    Fault,
    FaultSeverity,
    Judgement,
    Outcome,
    Result,
    Rubric,
    RubricModel,
    SignOff,
    SignOffPolicy,
    aggregate,
    evidence_from_dict,
    render_all,
    rubric_from_dict,
    rubric_to_dict,
    score,
    score_rows,
    sign_off,
)

settings.register_profile(
    "engine-dev",
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "engine-ci",
    max_examples=1_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# Applied per test, so loading it changes no one else's hypothesis tests.
PROFILE = settings.get_profile("engine-ci" if os.environ.get("CI") else "engine-dev")

WEIGHTS = ["0", "0.1", "0.2", "0.3", "0.25", "1", "2", "3.5"]
MARKS = ["1", "33.3", "50", "60", "62.5", "70", "75", "99.9", "100"]
METHODS = list(AggregationMethod)
FAULT_METHODS = [AggregationMethod.LATEST, AggregationMethod.N_TIMES]


@st.composite
def rubrics(draw: Any, model: RubricModel | None = None) -> Rubric:
    """A valid rubric of any model, built from JSON text as a designer's file would be."""
    model = model or draw(st.sampled_from(list(RubricModel)))
    n = draw(st.integers(1, 4))
    keys = [f"c{i}" for i in range(n)]
    criteria: list[dict[str, Any]] = []
    data: dict[str, Any] = {"key": "generated", "title": "Generated", "model": model.value}
    if model is RubricModel.ANALYTIC:
        for i, key in enumerate(keys):
            base = draw(st.sampled_from([0, 1]))
            size = draw(st.integers(2, 5))
            critical = draw(st.none() | st.integers(base, base + size - 1))
            weight = draw(st.sampled_from(WEIGHTS[1:] if i == 0 else WEIGHTS))
            criteria.append(
                {
                    "key": key,
                    "title": key.upper(),
                    "weight": json.loads(weight),
                    "critical_level": critical,
                    "levels": [{"value": base + j, "label": f"L{base + j}"} for j in range(size)],
                }
            )
        data["threshold"] = json.loads(draw(st.sampled_from(MARKS)))
    elif model is RubricModel.ENTRUSTMENT:
        pass_level = draw(st.integers(1, 5))
        data["threshold"] = pass_level
        for key in keys:
            critical = draw(st.none() | st.integers(1, 5))
            criterion: dict[str, Any] = {"key": key, "title": key.upper(), "critical_level": critical}
            if draw(st.booleans()):
                top = draw(st.integers(max(pass_level, critical or 1, 2), 7))
                criterion["levels"] = [{"value": v, "label": f"L{v}"} for v in range(1, top + 1)]
            criteria.append(criterion)
    else:
        data["fault_limit"] = draw(st.integers(0, 4))
        criteria = [{"key": key, "title": key.upper()} for key in keys]
    kinds = draw(st.integers(1 if model is RubricModel.FAULTS else 0, 4))
    data["fault_types"] = [
        {
            "key": f"f{i}",
            "title": f"Fault {i}",
            "criterion": draw(st.none() | st.sampled_from(keys)),
            "severity": draw(st.sampled_from(["minor", "minor", "serious", "dangerous"])),
            "fails_alone": draw(st.booleans()),
        }
        for i in range(kinds)
    ]
    data["criteria"] = criteria
    return rubric_from_dict(json.loads(json.dumps(data)))


@st.composite
def evidence_for(draw: Any, rubric: Rubric, day: int = 1, complete: bool | None = None) -> Evidence:
    judgements = []
    for c in rubric.criteria:
        choice = draw(st.sampled_from(["level"] * 6 + ["n/a", "missing"])) if complete is None else "level"
        if choice == "missing":
            continue
        if choice == "n/a" and c.critical_level is None:
            judgements.append(Judgement(c.key, not_applicable=True))
        elif rubric.model is RubricModel.FAULTS:
            judgements.append(Judgement(c.key))
        else:
            judgements.append(Judgement(c.key, draw(st.sampled_from([lv.value for lv in c.levels]))))
    faults = []
    for _ in range(draw(st.integers(0, 3)) if rubric.fault_types else 0):
        kind = draw(st.sampled_from(rubric.fault_types))
        severities = [s for s in FaultSeverity if not kind.fails_alone or s.rank >= kind.severity.rank]
        faults.append(Fault(kind.key, draw(st.none() | st.sampled_from(severities))))
    oid = f"o{draw(st.integers(0, 99)):02d}-{day}"
    return Evidence(
        tuple(judgements),
        tuple(faults),
        oid,
        f"2026-03-{1 + day % 28:02d}",
        draw(st.sampled_from(["Ann", "Bob"])),
        draw(st.sampled_from(["School A", "School B"])),
    )


@st.composite
def histories(draw: Any, model: RubricModel | None = None) -> tuple[Rubric, list[Result], AggregationPolicy]:
    rubric = draw(rubrics(model))
    count = draw(st.integers(1, 5))
    results = [score(rubric, draw(evidence_for(rubric, day))) for day in range(count)]
    unique = {r.observation.id: r for r in results}
    methods = FAULT_METHODS if rubric.model is RubricModel.FAULTS else METHODS
    policy = AggregationPolicy(
        draw(st.sampled_from(methods)),
        decay_weight=draw(st.sampled_from([0.65, 0.5, 0.2])),
        times=draw(st.integers(1, 4)),
    )
    return rubric, list(unique.values()), policy


# ---- a slow reference, in Fractions ------------------------------------------------------------


def reference(rubric: Rubric, results: list[Result], policy: AggregationPolicy) -> Outcome:
    counted = sorted(
        (r for r in results if r.outcome is not Outcome.INSUFFICIENT_EVIDENCE),
        key=lambda r: (r.observation.observed_at, r.observation.id),
    )
    if not counted:
        return Outcome.INSUFFICIENT_EVIDENCE
    if counted[-1].blocked:
        return Outcome.NOT_YET_MET
    if policy.method is AggregationMethod.N_TIMES:
        met = sum(r.outcome is Outcome.MET for r in counted)
        return Outcome.MET if met >= policy.times else Outcome.NOT_YET_MET
    if rubric.model is RubricModel.FAULTS:
        return counted[-1].outcome
    complete = [r for r in counted if r.complete]
    if not complete:
        return Outcome.NOT_YET_MET
    levels: dict[str, Fraction] = {}
    for c in rubric.criteria:
        series = [Fraction(r.levels_by_criterion[c.key]) for r in complete if r.levels_by_criterion[c.key] != "n/a"]
        if not series:
            continue
        w = policy.decay_weight
        levels[c.key] = {
            AggregationMethod.LATEST: lambda s: s[-1],
            AggregationMethod.HIGHEST: max,
            AggregationMethod.MEAN: lambda s: sum(s) / len(s),
            AggregationMethod.DECAYING_AVERAGE: lambda s: (
                s[-1] if len(s) == 1 else w * s[-1] + (1 - w) * sum(s[:-1]) / (len(s) - 1)
            ),
        }[policy.method](series)
    if not levels:
        return Outcome.INSUFFICIENT_EVIDENCE
    for c in rubric.criteria:
        if c.key in levels and c.critical_level is not None and levels[c.key] < c.critical_level:
            return Outcome.NOT_YET_MET
    if rubric.model is RubricModel.ENTRUSTMENT:
        return Outcome.MET if all(v >= rubric.threshold for v in levels.values()) else Outcome.NOT_YET_MET
    earned = sum(Fraction(c.weight) * levels[c.key] for c in rubric.criteria if c.key in levels)
    possible = sum(Fraction(c.weight) * c.top for c in rubric.criteria if c.key in levels)
    if possible == 0:
        return Outcome.INSUFFICIENT_EVIDENCE
    return Outcome.MET if 100 * earned / possible >= Fraction(rubric.threshold) else Outcome.NOT_YET_MET


# ---- the properties ----------------------------------------------------------------------------


@PROFILE
@given(st.data())
def test_the_aggregate_of_one_observation_is_its_outcome_for_every_model_and_method(data):
    rubric = data.draw(rubrics())
    result = score(rubric, data.draw(evidence_for(rubric)))
    for method in FAULT_METHODS if rubric.model is RubricModel.FAULTS else METHODS:
        assert aggregate(rubric, [result], AggregationPolicy(method, times=1)).outcome is result.outcome, method


@PROFILE
@given(histories())
def test_every_aggregate_agrees_with_a_slow_reference_in_fractions(history):
    rubric, results, policy = history
    assert aggregate(rubric, results, policy).outcome is reference(rubric, results, policy)


@PROFILE
@given(histories())
def test_a_must_meet_level_below_its_threshold_or_a_blocking_fault_in_the_latest_is_never_met(history):
    rubric, results, policy = history
    combined = aggregate(rubric, results, policy)
    counted = sorted(
        (r for r in results if r.outcome is not Outcome.INSUFFICIENT_EVIDENCE),
        key=lambda r: (r.observation.observed_at, r.observation.id),
    )
    if counted and counted[-1].blocked:
        assert combined.outcome is not Outcome.MET
    if any(r.code == "must_meet_below" for r in combined.reasons):
        assert combined.outcome is not Outcome.MET


def _raise_one_level(rubric: Rubric, evidence: Evidence, which: int) -> Evidence | None:
    graded = [
        i
        for i, j in enumerate(evidence.judgements)
        if j.level is not None and j.level < rubric.criterion(j.criterion).top
    ]  # type: ignore[union-attr]
    if not graded:
        return None
    i = graded[which % len(graded)]
    judgements = list(evidence.judgements)
    judgements[i] = judgements[i]._replace(level=judgements[i].level + 1)  # type: ignore[operator]
    return Evidence(
        tuple(judgements),
        evidence.faults,
        evidence.observation_id,
        evidence.observed_at,
        evidence.observer,
        evidence.setting,
    )


@PROFILE
@given(st.data())
def test_raising_a_level_never_lowers_an_outcome_or_an_aggregate(data):
    rubric = data.draw(rubrics(data.draw(st.sampled_from([RubricModel.ANALYTIC, RubricModel.ENTRUSTMENT]))))
    evidences = [data.draw(evidence_for(rubric, day)) for day in range(data.draw(st.integers(1, 4)))]
    position = data.draw(st.integers(0, len(evidences) - 1))
    raised = _raise_one_level(rubric, evidences[position], data.draw(st.integers(0, 10)))
    if raised is None:
        return
    before, after = score(rubric, evidences[position]), score(rubric, raised)
    assert after.outcome.rank >= before.outcome.rank
    policy = AggregationPolicy(data.draw(st.sampled_from(METHODS)), times=data.draw(st.integers(1, 3)))
    others = [score(rubric, e) for e in evidences]
    history_before = {r.observation.id: r for r in others}
    history_after = dict(history_before) | {after.observation.id: after}
    if len(history_before) == len(evidences):
        assert (
            aggregate(rubric, list(history_after.values()), policy).outcome.rank
            >= aggregate(rubric, list(history_before.values()), policy).outcome.rank
        )


@PROFILE
@given(st.data())
def test_adding_a_fault_never_makes_an_observation_or_an_aggregate_met(data):
    rubric = data.draw(rubrics())
    if not rubric.fault_types:
        return
    evidences = [data.draw(evidence_for(rubric, day)) for day in range(data.draw(st.integers(1, 4)))]
    position = data.draw(st.integers(0, len(evidences) - 1))
    kind = data.draw(st.sampled_from(rubric.fault_types))
    target = evidences[position]
    faulted = Evidence(
        target.judgements,
        (*target.faults, Fault(kind.key)),
        target.observation_id,
        target.observed_at,
        target.observer,
        target.setting,
    )
    before, after = score(rubric, target), score(rubric, faulted)
    # A failing fault may turn insufficient evidence into not yet met (issue 8, item 3); it never gives met.
    assert after.outcome is not Outcome.MET or before.outcome is Outcome.MET
    history = {score(rubric, e).observation.id: score(rubric, e) for e in evidences}
    if len(history) != len(evidences):
        return
    methods = FAULT_METHODS if rubric.model is RubricModel.FAULTS else METHODS
    policy = AggregationPolicy(data.draw(st.sampled_from(methods)), times=data.draw(st.integers(1, 3)))
    was = aggregate(rubric, list(history.values()), policy)
    now = aggregate(rubric, list((history | {after.observation.id: after}).values()), policy)
    assert now.outcome is not Outcome.MET or was.outcome is Outcome.MET


@PROFILE
@given(histories())
def test_percent_and_value_are_always_between_0_and_100(history):
    rubric, results, policy = history
    assert all(0 <= r.percent <= 100 for r in results)
    value = aggregate(rubric, results, policy).value
    assert value is None or 0 <= value <= 100


@PROFILE
@given(histories())
def test_results_aggregates_and_sign_offs_round_trip_through_json_and_pickle(history):
    rubric, results, policy = history
    combined = aggregate(rubric, results, policy)
    decision = sign_off(rubric, results, SignOffPolicy())
    for value, kind in [*((r, Result) for r in results), (combined, Aggregate), (decision, SignOff)]:
        assert kind.from_dict(json.loads(json.dumps(value.to_dict()))) == value
        assert pickle.loads(pickle.dumps(value)) == value
    assert rubric_from_dict(json.loads(json.dumps(rubric_to_dict(rubric)))) == rubric
    assert all(render_all(r.reasons, rubric) for r in results)


JUNK = st.sampled_from(
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        10**400,
        True,
        False,
        None,
        "x",
        "",
        [],
        {},
        -1,
        0,
        3.5,
        0.5,
        101,
        2**63,
        "\ud800",
        [1, 2],
        {"a": 1},
    ]
)


def _mutate(data: Any, path: list[Any], junk: Any) -> Any:
    if not path:
        return junk
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = _mutate(copy[head], rest, junk)
    return copy


def _paths(data: Any, prefix: list[Any]) -> list[list[Any]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, [*prefix, key])
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _paths(value, [*prefix, i])
    return found


@PROFILE
@given(st.data())
def test_every_generated_invalid_input_raises_the_engines_typed_error_and_nothing_else(data):
    rubric = data.draw(rubrics())
    as_dict = rubric_to_dict(rubric)
    path = data.draw(st.sampled_from(_paths(as_dict, [])))
    junk = data.draw(JUNK)
    extra = data.draw(st.booleans())
    mutated = _mutate(as_dict, path, junk)
    if extra and isinstance(mutated, dict):
        mutated = {**mutated, "judgments": 1}
    try:
        rubric_from_dict(mutated)
    except EngineError:
        pass
    evidence = data.draw(evidence_for(rubric))
    raw = {
        "judgements": [dict(zip(("criterion", "level", "comment", "not_applicable"), j)) for j in evidence.judgements],
        "faults": [{"fault": f.fault, "severity": f.severity.value if f.severity else None} for f in evidence.faults],
    }
    try:
        score(rubric, evidence_from_dict(_mutate(raw, data.draw(st.sampled_from(_paths(raw, []))), data.draw(JUNK))))
    except EngineError:
        pass
    try:
        AggregationPolicy.parse(
            data.draw(st.sampled_from(["mean", "latest", "median", None])),
            **{data.draw(st.sampled_from(["times", "decay_weight", "mixed_rubrics", "x"])): data.draw(JUNK)},
        )
    except EngineError:
        pass
    try:
        SignOffPolicy(
            **{
                data.draw(
                    st.sampled_from(["min_met", "min_observers", "min_settings", "no_dangerous_in_last"])
                ): data.draw(JUNK)
            }
        )
    except EngineError:
        pass


@PROFILE
@given(st.data())
def test_bulk_rows_agree_with_score_on_valid_and_invalid_rows(data):
    rubric = data.draw(rubrics(data.draw(st.sampled_from([RubricModel.ANALYTIC, RubricModel.ENTRUSTMENT]))))
    cells = st.one_of(
        st.sampled_from(sorted({lv.value for c in rubric.criteria for lv in c.levels})),
        st.just(None),
        st.just("n/a"),
        st.sampled_from([-1, 99, True, 2.5, "3"]),
    )
    row = data.draw(st.lists(cells, min_size=len(rubric.criteria), max_size=len(rubric.criteria)))
    try:
        bulk: Any = score_rows(rubric, [row])[0]
    except EvidenceError:
        bulk = EvidenceError
    try:
        judgements = tuple(
            Judgement(c.key, None, "", True) if isinstance(v, str) and v == "n/a" else Judgement(c.key, v)
            for c, v in zip(rubric.criteria, row)
            if v is not None
        )
        single: Any = score(rubric, Evidence(judgements))
    except EvidenceError:
        single = EvidenceError
    assert bulk == single


@PROFILE
@given(st.data())
def test_decaying_average_with_the_weights_swapped_gives_a_different_value_when_newest_differs(data):
    rubric = data.draw(rubrics(RubricModel.ANALYTIC))
    evidences = [data.draw(evidence_for(rubric, day, complete=True)) for day in range(data.draw(st.integers(2, 4)))]
    results = list({r.observation.id: r for r in (score(rubric, e) for e in evidences)}.values())
    counted = sorted(
        (r for r in results if r.outcome is not Outcome.INSUFFICIENT_EVIDENCE),
        key=lambda r: (r.observation.observed_at, r.observation.id),
    )
    heavy = aggregate(rubric, results, AggregationPolicy("decaying-average", decay_weight=0.65))
    light = aggregate(rubric, results, AggregationPolicy("decaying-average", decay_weight=0.35))
    # Observation percents stand for their levels unless a fault zeroed one.
    if len(counted) >= 2 and heavy.value is not None and not any(r.blocked for r in counted):
        newest = counted[-1].percent
        earlier = sum(r.percent for r in counted[:-1]) / (len(counted) - 1)
        if not math.isclose(newest, earlier) and not any("n/a" in r.levels for r in counted):
            assert not math.isclose(heavy.value, light.value)
