"""Scoring one observation: worked examples for each model, and what is refused."""
from __future__ import annotations

import subprocess
import sys

import pytest

from competencies.engine import (
    Evidence,
    EvidenceError,
    Fault,
    FaultSeverity,
    Judgement,
    Outcome,
    RubricError,
    evidence_from_dict,
    rubric_from_dict,
    rubric_to_dict,
    score,
    score_many,
    score_rows,
)

FOUR = [{"value": v, "label": label} for v, label in [(1, "Not yet"), (2, "Emerging"), (3, "Secure"), (4, "Strong")]]
ANALYTIC = {
    "key": "annual-review", "title": "Lead an annual review", "model": "analytic", "threshold": 70,
    "criteria": [
        {"key": "voice", "title": "Keeps the child's voice central", "weight": 2, "critical_level": 3, "levels": FOUR},
        {"key": "timelines", "title": "Follows the statutory timelines", "weight": 1, "levels": FOUR},
        {"key": "actions", "title": "Agrees clear actions", "weight": 1, "levels": FOUR},
    ],
}
FAULTS = {
    "key": "screening", "title": "Screening assessment", "model": "faults", "fault_limit": 3,
    "criteria": [{"key": "manual", "title": "Follows the test manual"}, {"key": "explain", "title": "Explains the result"}],
}
ENTRUST = {
    "key": "staff-training", "title": "Lead staff training", "model": "entrustment", "threshold": 4,
    "criteria": [{"key": "plan", "title": "Plans the session"}, {"key": "deliver", "title": "Delivers it", "critical_level": 3}],
}


def judged(**levels: int) -> Evidence:
    return Evidence(tuple(Judgement(k, v) for k, v in levels.items()))


def test_analytic_score_is_weighted_and_meets_the_threshold():
    rubric = rubric_from_dict(ANALYTIC)
    # (2×3 + 1×3 + 1×2) / (2×4 + 1×4 + 1×4) = 11/16 = 68.75 % < 70 %
    result = score(rubric, judged(voice=3, timelines=3, actions=2))
    assert result.outcome is Outcome.NOT_YET_MET and result.score == pytest.approx(68.75)
    assert "The weighted score is 69%, below the 70% needed. Lowest-rated: ‘Agrees clear actions’ at level 2 of 4." in result.reasons
    # (2×3 + 1×3 + 1×3) / 16 = 12/16 = 75 %
    assert score(rubric, judged(voice=3, timelines=3, actions=3)).outcome is Outcome.MET


def test_a_must_meet_criterion_cannot_be_traded_off_against_the_total():
    # (2×2 + 1×4 + 1×4) / 16 = 12/16 = 75 %: enough in total, but the child's voice is at 2 < 3.
    result = score(rubric_from_dict(ANALYTIC), judged(voice=2, timelines=4, actions=4))
    assert result.outcome is Outcome.NOT_YET_MET
    assert result.reasons[0] == ("‘Keeps the child's voice central’ was judged at level 2 (Emerging); it must reach "
                                 "level 3 (Secure) whatever the total, so this is not yet met.")


def test_a_criterion_not_observed_gives_insufficient_evidence_naming_it():
    result = score(rubric_from_dict(ANALYTIC), judged(voice=4, timelines=4))
    assert result.outcome is Outcome.INSUFFICIENT_EVIDENCE
    assert "‘Agrees clear actions’ was not observed" in result.reasons[0]


def test_fault_model_allows_minor_faults_up_to_the_limit():
    rubric = rubric_from_dict(FAULTS)
    seen = (Judgement("manual"), Judgement("explain"))
    three = tuple(Fault("manual", FaultSeverity.MINOR) for _ in range(3))
    assert score(rubric, Evidence(seen, three)).outcome is Outcome.MET
    four = score(rubric, Evidence(seen, (*three, Fault("explain", FaultSeverity.MINOR))))
    assert four.outcome is Outcome.NOT_YET_MET
    assert "4 minor faults were recorded; no more than 3 are allowed." in four.reasons


def test_a_dangerous_fault_fails_the_observation_whatever_the_score():
    rubric = rubric_from_dict(FAULTS)
    result = score(rubric, Evidence((Judgement("manual"), Judgement("explain")),
                                    (Fault("explain", FaultSeverity.DANGEROUS, "told the parent a diagnosis"),)))
    assert result.outcome is Outcome.NOT_YET_MET and result.dangerous and result.percent == 0
    assert result.reasons[0].startswith("A dangerous fault under ‘Explains the result’: told the parent a diagnosis.")


def test_the_default_fault_limit_is_the_driving_tests_fifteen():
    assert rubric_from_dict({k: v for k, v in FAULTS.items() if k != "fault_limit"}).fault_limit == 15


def test_entrustment_needs_every_part_at_the_unsupervised_level():
    rubric = rubric_from_dict(ENTRUST)
    assert score(rubric, judged(plan=4, deliver=5)).outcome is Outcome.MET
    result = score(rubric, judged(plan=5, deliver=3))
    assert result.outcome is Outcome.NOT_YET_MET and result.score == 3
    assert "‘Delivers it’ was rated 3 (Prompted); level 4 (On call) is needed to do this unsupervised." in result.reasons


@pytest.mark.parametrize(
    "change, path",
    [
        ({"criteria": []}, "criteria"),
        ({"threshold": 0}, "threshold"),
        ({"threshold": 101}, "threshold"),
        ({"fault_limit": -1}, "fault_limit"),
        ({"model": "vibes"}, "model"),
    ],
)
def test_invalid_rubrics_raise_a_typed_error_naming_the_field(change, path):
    with pytest.raises(RubricError) as refused:
        rubric_from_dict(ANALYTIC | change)
    assert path in [p for p, _ in refused.value.errors]


def test_criterion_problems_name_the_criterion_and_field():
    bad = ANALYTIC | {"criteria": [
        {"key": "a", "title": "A", "weight": -1, "levels": FOUR},
        {"key": "a", "title": "B", "weight": 0, "critical_level": 5, "levels": [FOUR[1], FOUR[0]]},
    ]}
    with pytest.raises(RubricError) as refused:
        rubric_from_dict(bad)
    paths = [p for p, _ in refused.value.errors]
    assert paths == ["criteria[0].key", "criteria[0].weight", "criteria[1].key", "criteria[1].levels[1].value",
                     "criteria[1].critical_level", "criteria"]


def test_weights_summing_to_zero_are_refused():
    zero = ANALYTIC | {"criteria": [dict(c, weight=0) for c in ANALYTIC["criteria"]]}
    with pytest.raises(RubricError, match="weights add up to zero"):
        rubric_from_dict(zero)


def test_judgements_for_unknown_criteria_or_off_the_scale_are_refused():
    rubric = rubric_from_dict(ANALYTIC)
    with pytest.raises(EvidenceError) as refused:
        score(rubric, judged(voice=3, timelines=7, actions=2, charisma=4))
    assert refused.value.errors == [
        ("judgements[1].level", "Level 7 is not on the scale of ‘Follows the statutory timelines’ (1 to 4)"),
        ("judgements[3].criterion", "The rubric has no criterion ‘charisma’"),
    ]
    with pytest.raises(EvidenceError):
        evidence_from_dict({"faults": [{"criterion": "voice", "severity": "catastrophic"}]})


def test_rubrics_round_trip_through_dicts():
    for data in (ANALYTIC, FAULTS, ENTRUST):
        rubric = rubric_from_dict(data)
        assert rubric_from_dict(rubric_to_dict(rubric)) == rubric


def test_the_engine_imports_no_framework():
    code = "import competencies.engine, sys; assert not {'flask', 'sqlalchemy'} & set(sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_unknown_fields_are_refused_not_ignored():
    # A YAML descriptor with an unquoted comma becomes an extra key: it must not pass silently.
    level = {"value": 1, "label": "Absent", "descriptor": "Not gathered", "or mentioned.": None}
    bad = ANALYTIC | {"criteria": [ANALYTIC["criteria"][0] | {"levels": [level, *FOUR[1:]]}]}
    with pytest.raises(RubricError) as refused:
        rubric_from_dict(bad)
    assert refused.value.errors[0][0] == "criteria[0].levels[0].or mentioned."


def test_scoring_in_a_batch_gives_the_same_results_as_one_by_one():
    rubric = rubric_from_dict(ANALYTIC)
    batch = [judged(voice=3, timelines=3, actions=3), judged(voice=1, timelines=4, actions=4), judged(voice=4)]
    assert [(r.outcome, r.score, r.reasons) for r in score_many(rubric, batch)] == \
        [(r.outcome, r.score, r.reasons) for r in (score(rubric, e) for e in batch)]


def test_rows_of_levels_score_exactly_as_judgements_do():
    rubric = rubric_from_dict(ANALYTIC)
    rows = [(3, 3, 3), (2, 4, 4), (4, None, 4)]
    by_rows = score_rows(rubric, rows)
    one_by_one = [score(rubric, judged(**{k: v for k, v in zip(("voice", "timelines", "actions"), row) if v is not None}))
                  for row in rows]
    assert [(r.outcome, r.score, r.reasons) for r in by_rows] == [(r.outcome, r.score, r.reasons) for r in one_by_one]


def test_a_row_that_does_not_fit_is_refused_naming_the_row_and_criterion():
    rubric = rubric_from_dict(ANALYTIC)
    with pytest.raises(EvidenceError) as refused:
        score_rows(rubric, [(3, 3, 3), (3, 9, 3)])
    assert refused.value.errors == [("rows[1].judgements[1].level",
                                     "Level 9 is not on the scale of ‘Follows the statutory timelines’ (1 to 4)")]
    with pytest.raises(EvidenceError, match="Give 3 levels"):
        score_rows(rubric, [(3, 3)])
    with pytest.raises(ValueError, match="Faults rubrics record faults"):
        score_rows(rubric_from_dict(FAULTS), [(None, None)])
