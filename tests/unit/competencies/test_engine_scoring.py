"""Scoring one observation: worked examples for each model, and what is refused."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from competencies.engine import (
    ENTRUSTMENT_SCALE,
    EngineError,
    Evidence,
    EvidenceError,
    Fault,
    FaultSeverity,
    Judgement,
    Outcome,
    Rubric,
    RubricError,
    RubricModel,
    evidence_from_dict,
    render,
    render_all,
    rubric_from_dict,
    rubric_to_dict,
    score,
    score_many,
    score_rows,
)

FOUR = [{"value": v, "label": label} for v, label in [(1, "Not yet"), (2, "Emerging"), (3, "Secure"), (4, "Strong")]]
# The tests' own analytic rubric, as in issue 8: voice weight 2 must-meet 3, timelines 1, actions 1, pass mark 70.
ANALYTIC = {
    "key": "annual-review",
    "title": "Lead an annual review",
    "model": "analytic",
    "threshold": 70,
    "criteria": [
        {"key": "voice", "title": "Keeps the child's voice central", "weight": 2, "critical_level": 3, "levels": FOUR},
        {"key": "timelines", "title": "Follows the statutory timelines", "weight": 1, "levels": FOUR},
        {"key": "actions", "title": "Agrees clear actions", "weight": 1, "levels": FOUR},
    ],
}
FAULTS = {
    "key": "screening",
    "title": "Screening assessment",
    "model": "faults",
    "fault_limit": 3,
    "criteria": [
        {"key": "manual", "title": "Follows the test manual"},
        {"key": "explain", "title": "Explains the result"},
    ],
    "fault_types": [
        {"key": "timing-slip", "title": "Lets a timing slip", "criterion": "manual", "severity": "minor"},
        {"key": "jargon", "title": "Uses jargon", "criterion": "explain", "severity": "minor"},
        {
            "key": "coaches-pupil",
            "title": "Coaches the pupil",
            "criterion": "manual",
            "severity": "serious",
            "fails_alone": True,
        },
        {
            "key": "diagnoses",
            "title": "Tells the parent a diagnosis",
            "criterion": "explain",
            "severity": "dangerous",
            "fails_alone": True,
            "why": "A screen cannot diagnose.",
        },
    ],
}
ENTRUST = {
    "key": "staff-training",
    "title": "Lead staff training",
    "model": "entrustment",
    "threshold": 4,
    "criteria": [
        {"key": "plan", "title": "Plans the session"},
        {"key": "deliver", "title": "Delivers it", "critical_level": 3},
    ],
}


def judged(**levels: int) -> Evidence:
    return Evidence(tuple(Judgement(k, v) for k, v in levels.items()))


def reasons(result, data=ANALYTIC):  # type: ignore[no-untyped-def]
    return render_all(result.reasons, rubric_from_dict(data))


def problems(error: EngineError) -> list[str]:
    return [p.path for p in error.problems]


# ---- each model, worked by hand -----------------------------------------------------------------


def test_analytic_score_is_weighted_and_meets_the_pass_mark():
    rubric = rubric_from_dict(ANALYTIC)
    # (2×3 + 1×3 + 1×2) / (2×4 + 1×4 + 1×4) = 11/16 = 68.75 % < 70 %
    result = score(rubric, judged(voice=3, timelines=3, actions=2))
    assert result.outcome is Outcome.NOT_YET_MET and result.percent == pytest.approx(68.75)
    assert reasons(result) == (
        "The weighted score is 69%, below the 70% needed. Lowest-rated: ‘Agrees clear actions’ at level 2 of 4.",
    )
    # (2×3 + 1×3 + 1×3) / 16 = 12/16 = 75 %
    assert score(rubric, judged(voice=3, timelines=3, actions=3)).outcome is Outcome.MET


def test_a_must_meet_criterion_cannot_be_traded_off_against_the_total():
    # (2×2 + 1×4 + 1×4) / 16 = 75 %: enough in total, but the child's voice is at 2 < 3.
    result = score(rubric_from_dict(ANALYTIC), judged(voice=2, timelines=4, actions=4))
    assert result.outcome is Outcome.NOT_YET_MET
    assert result.reasons[0] == ("must_meet_below", "voice", (("given", 2), ("needed", 3)))
    assert reasons(result)[0] == (
        "‘Keeps the child's voice central’ was at level 2 (Emerging); it must reach "
        "level 3 (Secure) whatever the total, so this is not yet met."
    )


def test_a_criterion_not_observed_gives_insufficient_evidence_naming_it():
    result = score(rubric_from_dict(ANALYTIC), judged(voice=4, timelines=4))
    assert result.outcome is Outcome.INSUFFICIENT_EVIDENCE
    assert "‘Agrees clear actions’ was not observed" in reasons(result)[0]


def test_not_applicable_is_left_out_of_the_score_and_differs_from_not_observed():
    rubric = rubric_from_dict(ANALYTIC)
    evidence = Evidence((Judgement("voice", 3), Judgement("timelines", not_applicable=True), Judgement("actions", 3)))
    # (2×3 + 1×3) / (2×4 + 1×4) = 9/12 = 75 %: timelines leave both sums.
    result = score(rubric, evidence)
    assert result.outcome is Outcome.MET and result.percent == 75 and result.levels_by_criterion["timelines"] == "n/a"
    with pytest.raises(EvidenceError, match="cannot be marked not applicable"):
        score(
            rubric,
            Evidence((Judgement("voice", not_applicable=True), Judgement("timelines", 3), Judgement("actions", 3))),
        )


def test_fault_model_allows_minor_faults_up_to_the_limit():
    rubric = rubric_from_dict(FAULTS)
    seen = (Judgement("manual"), Judgement("explain"))
    three = tuple(Fault("timing-slip") for _ in range(3))
    assert score(rubric, Evidence(seen, three)).outcome is Outcome.MET
    four = score(rubric, Evidence(seen, (*three, Fault("jargon"))))
    assert four.outcome is Outcome.NOT_YET_MET and four.minor_faults == 4
    assert reasons(four, FAULTS) == ("4 minor faults were recorded; no more than 3 are allowed.",)


def test_a_dangerous_fault_fails_the_observation_whatever_the_score():
    rubric = rubric_from_dict(FAULTS)
    result = score(
        rubric, Evidence((Judgement("manual"), Judgement("explain")), (Fault("diagnoses", note="said dyslexia"),))
    )
    assert result.outcome is Outcome.NOT_YET_MET and result.dangerous and result.blocked and result.percent == 0
    assert reasons(result, FAULTS)[0] == (
        "A dangerous fault under ‘Explains the result’, ‘Tells the parent a diagnosis’: "
        "said dyslexia. This fault means not yet met, whatever else went well."
    )


def test_a_fault_that_fails_alone_fails_any_model():
    analytic = ANALYTIC | {"fault_types": [{"key": "breach", "title": "Breaches confidentiality", "fails_alone": True}]}
    rubric = rubric_from_dict(analytic)
    result = score(rubric, Evidence(judged(voice=4, timelines=4, actions=4).judgements, (Fault("breach"),)))
    assert result.outcome is Outcome.NOT_YET_MET and result.reasons[0].code == "fault_fails"
    assert score(rubric, judged(voice=4, timelines=4, actions=4)).outcome is Outcome.MET


def test_a_mentor_may_record_a_fault_more_severe_never_less_than_one_that_fails_alone():
    rubric = rubric_from_dict(FAULTS)
    seen = (Judgement("manual"), Judgement("explain"))
    assert score(rubric, Evidence(seen, (Fault("jargon", FaultSeverity.SERIOUS),))).outcome is Outcome.NOT_YET_MET
    with pytest.raises(EvidenceError) as refused:
        score(rubric, Evidence(seen, (Fault("diagnoses", "minor"),)))
    assert problems(refused.value) == ["faults[0].severity"]


def test_an_unknown_fault_key_is_refused():
    with pytest.raises(EvidenceError) as refused:
        score(rubric_from_dict(FAULTS), Evidence((), (Fault("rude"),)))
    assert refused.value.problems[0] == ("faults[0].fault", "The rubric has no fault type ‘rude’")


def test_the_default_fault_limit_is_the_driving_tests_fifteen():
    assert rubric_from_dict({k: v for k, v in FAULTS.items() if k != "fault_limit"}).fault_limit == 15


def test_a_faults_rubric_must_name_its_fault_types():
    with pytest.raises(RubricError) as refused:
        rubric_from_dict(FAULTS | {"fault_types": []})
    assert problems(refused.value) == ["fault_types"]


def test_entrustment_uses_the_cited_o_score_and_needs_every_part_at_the_pass_level():
    rubric = rubric_from_dict(ENTRUST)
    assert [lv.label for lv in rubric.criteria[0].levels] == [label for _, label, _ in ENTRUSTMENT_SCALE]
    assert rubric.criteria[0].levels[4].label == "I did not need to be there"
    assert score(rubric, judged(plan=4, deliver=5)).outcome is Outcome.MET
    result = score(rubric, judged(plan=5, deliver=3))
    assert result.outcome is Outcome.NOT_YET_MET
    assert reasons(result, ENTRUST) == (
        "‘Delivers it’ was rated 3 (I had to prompt them from time to time); level 4 "
        "(I needed to be there in the room just in case) is needed to pass.",
    )


def test_the_engine_imports_no_framework():
    code = "import competencies.engine, sys; assert not {'flask', 'sqlalchemy'} & set(sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


# ---- issue 8, item 4: numbers the engine used to accept ------------------------------------------


def analytic_with(**changes):  # type: ignore[no-untyped-def]
    return ANALYTIC | changes


@pytest.mark.parametrize(
    "data, path",
    [
        (
            analytic_with(
                criteria=[
                    ANALYTIC["criteria"][1] | {"levels": [{"value": -2, "label": "a"}, {"value": -1, "label": "b"}]}
                ]
            ),
            "criteria[0].levels[0].value",
        ),
        (
            analytic_with(
                criteria=[
                    ANALYTIC["criteria"][1] | {"levels": [{"value": -1, "label": "a"}, {"value": 0, "label": "b"}]}
                ]
            ),
            "criteria[0].levels[0].value",
        ),
        (analytic_with(criteria=[ANALYTIC["criteria"][1] | {"weight": float("nan")}]), "criteria[0].weight"),
        (analytic_with(criteria=[ANALYTIC["criteria"][1] | {"weight": float("inf")}]), "criteria[0].weight"),
        (analytic_with(criteria=[ANALYTIC["criteria"][1] | {"weight": 10**400}]), "criteria[0].weight"),
        (analytic_with(threshold=0.5), "threshold"),
        (analytic_with(threshold=float("nan")), "threshold"),
        (analytic_with(threshold=101), "threshold"),
        (
            analytic_with(criteria=[ANALYTIC["criteria"][1] | {"levels": [FOUR[0], FOUR[2]]}]),
            "criteria[0].levels[1].value",
        ),
        (
            analytic_with(criteria=[ANALYTIC["criteria"][1] | {"levels": [FOUR[0] | {"value": True}, FOUR[1]]}]),
            "criteria[0].levels[0].value",
        ),
        (ENTRUST | {"threshold": 3.5}, "threshold"),
        (
            ENTRUST
            | {
                "threshold": 4,
                "criteria": [{"key": "a", "title": "A", "levels": [{"value": v, "label": str(v)} for v in (1, 2, 3)]}],
            },
            "threshold",
        ),
        (analytic_with(fault_limit=-1), "fault_limit"),
        (analytic_with(model="vibes"), "model"),
        (analytic_with(criteria=[]), "criteria"),
    ],
    ids=[
        "levels -2,-1",
        "levels -1,0",
        "NaN weight",
        "Infinity weight",
        "10**400 weight",
        "pass mark 0.5",
        "NaN pass mark",
        "pass mark 101",
        "levels with a gap",
        "True as a level",
        "pass level 3.5",
        "pass level 4 on a 1..3 scale",
        "negative fault limit",
        "unknown model",
        "no criteria",
    ],
)
def test_bad_numbers_are_refused_with_a_typed_error_and_path(data, path):
    with pytest.raises(RubricError) as refused:
        rubric_from_dict(data)
    assert path in problems(refused.value)


def test_weights_of_tenths_arriving_through_json_meet_a_mark_of_exactly_50():
    text = """{"key": "k", "title": "Tenths", "model": "analytic", "threshold": 50, "criteria": [
        {"key": "a", "title": "A", "weight": 0.1, "levels": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]},
        {"key": "b", "title": "B", "weight": 0.2, "levels": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]},
        {"key": "c", "title": "C", "weight": 0.3, "levels": [{"value": 0, "label": "No"}, {"value": 1, "label": "Yes"}]}]}"""
    data = json.loads(text)
    rubric = rubric_from_dict(data)
    # (0.1 + 0.2) / (0.1 + 0.2 + 0.3) is exactly one half; in binary floats it is 0.49999999999999994.
    result = score(rubric, judged(a=1, b=1, c=0))
    assert result.outcome is Outcome.MET
    assert render_all(result.reasons, rubric) == ("The weighted score is 50%, reaching the 50% needed.",)
    assert score(rubric, judged(a=0, b=0, c=1)).outcome is Outcome.MET  # 0.3 / 0.6
    assert score(rubric, judged(a=1, b=0, c=0)).outcome is Outcome.NOT_YET_MET


def test_a_custom_scale_never_scores_above_100_percent():
    custom = [{"value": v, "label": str(v)} for v in range(1, 10)]
    rubric = rubric_from_dict(ENTRUST | {"threshold": 5, "criteria": [{"key": "a", "title": "A", "levels": custom}]})
    top = score(rubric, judged(a=9))
    assert top.outcome is Outcome.MET and top.percent == 100
    analytic = rubric_from_dict(analytic_with(criteria=[{"key": "a", "title": "A", "levels": custom}]))
    assert score(analytic, judged(a=9)).percent == 100


def test_true_is_not_a_level():
    rubric = rubric_from_dict(ANALYTIC)
    with pytest.raises(EvidenceError):
        evidence_from_dict({"judgements": [{"criterion": "voice", "level": True}]})
    with pytest.raises(EvidenceError):
        Evidence((Judgement("voice", True),))  # type: ignore[arg-type]
    with pytest.raises(EvidenceError):
        score_rows(rubric, [(True, 4, 4)])


def test_a_rubric_built_directly_is_checked_like_one_from_a_dict():
    with pytest.raises(RubricError) as refused:
        Rubric("k", "T", RubricModel.ANALYTIC, (), threshold=0.5)
    assert problems(refused.value) == ["criteria", "threshold"]


def test_a_fault_can_be_written_with_a_plain_severity():
    assert Fault("m", "minor").severity is FaultSeverity.MINOR  # type: ignore[arg-type]
    with pytest.raises(EvidenceError):
        Fault("m", "catastrophic")  # type: ignore[arg-type]


def test_unknown_fields_are_refused_not_ignored():
    with pytest.raises(EvidenceError) as refused:
        evidence_from_dict({"judgments": [{"criterion": "voice", "level": 3}]})
    assert problems(refused.value) == ["judgments"]
    # A YAML descriptor with an unquoted comma becomes an extra key: it must not pass silently.
    level = {"value": 1, "label": "Absent", "descriptor": "Not gathered", "or mentioned.": None}
    bad = ANALYTIC | {"criteria": [ANALYTIC["criteria"][0] | {"levels": [level, *FOUR[1:]]}]}
    with pytest.raises(RubricError) as refused_rubric:
        rubric_from_dict(bad)
    assert refused_rubric.value.problems[0].path == "criteria[0].levels[0].or mentioned."


def test_criterion_problems_name_the_criterion_and_field():
    bad = ANALYTIC | {
        "criteria": [
            {"key": "a", "title": "A", "weight": -1, "levels": FOUR},
            {"key": "a", "title": "B", "weight": 0, "critical_level": 5, "levels": [FOUR[1], FOUR[0]]},
        ]
    }
    with pytest.raises(RubricError) as refused:
        rubric_from_dict(bad)
    assert problems(refused.value) == [
        "criteria[0].key",
        "criteria[0].weight",
        "criteria[1].key",
        "criteria[1].levels[1].value",
    ]


def test_weights_summing_to_zero_are_refused():
    zero = ANALYTIC | {"criteria": [dict(c, weight=0) for c in ANALYTIC["criteria"]]}
    with pytest.raises(RubricError, match="weights add up to zero"):
        rubric_from_dict(zero)


def test_judgements_for_unknown_criteria_or_off_the_scale_are_refused():
    rubric = rubric_from_dict(ANALYTIC)
    with pytest.raises(EvidenceError) as refused:
        score(rubric, judged(voice=3, timelines=7, actions=2, charisma=4))
    assert refused.value.problems == [
        ("judgements[1].level", "Level 7 is not on the scale of ‘Follows the statutory timelines’ (1 to 4)"),
        ("judgements[3].criterion", "The rubric has no criterion ‘charisma’"),
    ]


# ---- results as data ---------------------------------------------------------------------------


def test_rubrics_round_trip_through_dicts_and_keep_their_fingerprint():
    for data in (ANALYTIC, FAULTS, ENTRUST):
        rubric = rubric_from_dict(data)
        again = rubric_from_dict(json.loads(json.dumps(rubric_to_dict(rubric))))
        assert again == rubric and again.stamp == rubric.stamp and len(rubric.stamp.fingerprint) == 64
    changed = rubric_from_dict(ANALYTIC | {"threshold": 71})
    assert changed.stamp.fingerprint != rubric_from_dict(ANALYTIC).stamp.fingerprint


def test_identical_results_are_equal_picklable_and_stored_as_json():
    import pickle

    from competencies.engine import Result

    rubric = rubric_from_dict(FAULTS)
    evidence = evidence_from_dict(
        {
            "observation_id": "o1",
            "observed_at": "2026-03-03T10:30",
            "observer": "Ann",
            "setting": "School A",
            "judgements": [{"criterion": "manual", "comment": "calm"}, {"criterion": "explain"}],
            "faults": [{"fault": "jargon", "note": "said 'standard score'"}],
        }
    )
    first, second = score(rubric, evidence), score(rubric, evidence)
    assert first == second and pickle.loads(pickle.dumps(first)) == first
    stored = json.dumps(first.to_dict())
    assert Result.from_dict(json.loads(stored)) == first
    assert first.observation.observed_at == "2026-03-03T10:30:00.000000+00:00"
    assert first.rubric == rubric.stamp and first.engine_version


@pytest.mark.parametrize(
    "observed_at",
    ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-13-01T10:30", "yesterday", "20260303T1030"],
)
def test_a_moment_utc_cannot_hold_or_a_non_date_is_refused_at_observed_at(observed_at):
    with pytest.raises(EvidenceError) as refused:
        evidence_from_dict({"observed_at": observed_at, "judgements": []})
    assert [p.path for p in refused.value.problems] == ["observed_at"]


@pytest.mark.parametrize(
    ("observed_at", "stored"),
    [
        ("2026-03-03", "2026-03-03T00:00:00.000000+00:00"),
        ("2026-03-03T10:30Z", "2026-03-03T10:30:00.000000+00:00"),
        ("2026-03-03T10:30:15.5+01:00", "2026-03-03T09:30:15.500000+00:00"),
    ],
)
def test_a_moment_in_the_documented_pattern_is_kept_in_utc(observed_at, stored):
    assert evidence_from_dict({"observed_at": observed_at, "judgements": []}).observed_at == stored


def test_every_reason_code_renders_to_english():
    rubric = rubric_from_dict(ANALYTIC)
    result = score(rubric, judged(voice=2, timelines=1, actions=1))
    assert [r.code for r in result.reasons] == ["must_meet_below", "score_below"]
    assert all(render(r, rubric) and "{" not in render(r, rubric) for r in result.reasons)


# ---- many observations and rows ----------------------------------------------------------------


def test_scoring_in_a_batch_gives_the_same_results_as_one_by_one():
    rubric = rubric_from_dict(ANALYTIC)
    batch = [judged(voice=3, timelines=3, actions=3), judged(voice=1, timelines=4, actions=4), judged(voice=4)]
    assert score_many(rubric, batch) == [score(rubric, e) for e in batch]


def test_rows_of_levels_score_exactly_as_judgements_do():
    rubric = rubric_from_dict(ANALYTIC)
    rows = [(3, 3, 3), (2, 4, 4), (4, None, 4), (4, "n/a", 4)]
    one_by_one = [
        score(
            rubric,
            Evidence(
                tuple(
                    Judgement(k, None, "", True) if v == "n/a" else Judgement(k, v)
                    for k, v in zip(("voice", "timelines", "actions"), row)
                    if v is not None
                )
            ),
        )
        for row in rows
    ]
    assert score_rows(rubric, rows) == one_by_one


def test_a_row_that_does_not_fit_is_refused_naming_the_row_and_criterion():
    rubric = rubric_from_dict(ANALYTIC)
    with pytest.raises(EvidenceError) as refused:
        score_rows(rubric, [(3, 3, 3), (3, 9, 3)])
    assert refused.value.problems == [
        ("rows[1].judgements[1].level", "Level 9 is not on the scale of ‘Follows the statutory timelines’ (1 to 4)")
    ]
    with pytest.raises(EvidenceError, match="Give 3 levels"):
        score_rows(rubric, [(3, 3)])
    with pytest.raises(EvidenceError, match="A faults rubric records faults"):
        score_rows(rubric_from_dict(FAULTS), [(None, None)])


def test_a_null_descriptor_is_refused_where_it_is():
    level = {"value": 1, "label": "Absent", "descriptor": None}
    bad = ANALYTIC | {"criteria": [ANALYTIC["criteria"][0] | {"levels": [level, *FOUR[1:]]}]}
    with pytest.raises(RubricError) as refused:
        rubric_from_dict(bad)
    assert refused.value.problems[0].path == "criteria[0].levels[0].descriptor"
