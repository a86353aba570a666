"""The rule behind the Participants page's "Differs" tag (dfe.differences)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dfe.differences import AtDfe, Here, differences

STATUSES = st.sampled_from(["active", "deferred", "withdrawn"])
SCHEDULES = st.sampled_from(["npq-specialist-autumn", "npq-specialist-spring"])
RESULTS = st.sampled_from([None, "passed", "not-passed", "withdrawn"])
OUTCOMES = st.sampled_from([None, "passed", "failed", "voided"])


def test_withdrawn_at_the_dfe_but_active_here_is_said_in_words() -> None:
    assert differences(Here("active"), AtDfe("withdrawn")) == ["Withdrawn at the DfE, active here"]


def test_a_passed_case_study_with_no_outcome_at_the_dfe_differs() -> None:
    assert differences(Here("active", "passed"), AtDfe("active")) == ["No outcome at the DfE, case study passed here"]
    assert differences(Here("active", "not-passed"), AtDfe("active", latest_outcome="failed")) == []
    assert differences(Here("active", "not-passed"), AtDfe("active", latest_outcome="passed")) == [
        "Outcome passed at the DfE, case study not passed here"
    ]


def test_a_schedule_differs_only_when_both_sides_know_it() -> None:
    assert differences(Here("active", schedule="npq-specialist-autumn"), AtDfe("active")) == []
    assert differences(Here("active"), AtDfe("active", "npq-specialist-spring")) == []
    assert differences(Here("active", schedule="npq-specialist-autumn"), AtDfe("active", "npq-specialist-spring")) == [
        "Schedule npq-specialist-spring at the DfE, npq-specialist-autumn for this trainee's cohort here"
    ]


def test_nothing_read_from_the_dfe_yet_is_no_difference_unless_a_result_waits() -> None:
    assert differences(Here("withdrawn"), AtDfe()) == []


@given(STATUSES, RESULTS, SCHEDULES)
def test_the_same_on_both_sides_never_differs(status: str, result: str | None, schedule: str) -> None:
    outcome = {"passed": "passed", "not-passed": "failed"}.get(result or "")
    assert differences(Here(status, result, schedule), AtDfe(status, schedule, outcome)) == []


@given(STATUSES, RESULTS, SCHEDULES, STATUSES, SCHEDULES, OUTCOMES)
def test_a_different_training_status_is_always_named(
    status: str, result: str | None, schedule: str, remote: str, remote_schedule: str, outcome: str | None
) -> None:
    found = differences(Here(status, result, schedule), AtDfe(remote, remote_schedule, outcome))
    assert (f"{remote.capitalize()} at the DfE, {status} here" in found) == (status != remote)
    assert all(words and words[0].isupper() for words in found)
