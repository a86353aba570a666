"""Which declarations the app proposes: examples a provider would check by hand against the DfE's
2024 autumn schedule for specialist NPQs, then properties that hold for any enrolment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.case_study_rules import CaseStudyResult
from assessments.reasons import Reason, RuleInputError
from dfe.declaration_rules import (
    DeclarationRule,
    EnrolmentEvidence,
    NotYet,
    Outcome,
    Proposal,
    describe,
    propose,
)
from dfe.milestones import RETRACTED, DeclarationState, DeclarationType, MilestoneWindow, TrainingStatus, windows

STARTED, RETAINED_1, RETAINED_2, COMPLETED = DeclarationType
AUTUMN_2024 = windows("npq-specialist-autumn", 2024)  # opens 1 Oct 2024; 25 Nov 2024, 26 May 2025, 21 Feb 2026
RULE = DeclarationRule()
TODAY = date(2025, 4, 1)
ENGAGED = EnrolmentEvidence(
    observations=(date(2024, 11, 20), date(2025, 1, 15), date(2025, 3, 10)), first_attended=date(2024, 10, 3)
)


def by_type(outcomes: list[Outcome]) -> dict[DeclarationType, Outcome]:
    return {o.declaration_type: o for o in outcomes}


def words(outcomes: list[Outcome]) -> dict[DeclarationType, str]:
    return {o.declaration_type: describe(o.reason) for o in outcomes}


def test_an_engaged_trainee_gets_started_and_retained_1_proposed_with_the_dates_the_rule_was_met():
    found = by_type(propose(ENGAGED, AUTUMN_2024, {}, RULE, TODAY))
    assert found[STARTED] == Proposal(STARTED, date(2024, 10, 3), None, found[STARTED].reason)
    assert found[RETAINED_1] == Proposal(RETAINED_1, date(2024, 11, 20), None, found[RETAINED_1].reason)
    assert isinstance(found[RETAINED_2], NotYet) and isinstance(found[COMPLETED], NotYet)
    said = words(list(found.values()))
    assert (
        said[STARTED]
        == "Started: first attended on 3 October 2024, within the started period 1 October 2024 to 25 November 2024"
    )
    assert said[RETAINED_1] == (
        "Retained 1: engagement number 2 (the provider's rule needs 2) on 20 November 2024, "
        "within the retained 1 period 1 October 2024 to 26 May 2025"
    )
    assert said[RETAINED_2].startswith("Retained 2: not a milestone in this schedule")
    assert said[COMPLETED] == "Completed: no case study result yet"


def test_the_outcomes_come_one_per_type_in_milestone_order():
    assert [o.declaration_type for o in propose(ENGAGED, AUTUMN_2024, {}, RULE, TODAY)] == list(DeclarationType)


def test_a_declared_type_is_not_proposed_again_but_a_voided_one_is():
    found = by_type(propose(ENGAGED, AUTUMN_2024, {"started": "paid"}, RULE, TODAY))
    assert isinstance(found[STARTED], NotYet)
    assert describe(found[STARTED].reason) == "Started: already declared to the DfE (state: paid)"
    assert isinstance(found[RETAINED_1], Proposal)  # a declared start lets retained-1 follow
    again = by_type(
        propose(ENGAGED, AUTUMN_2024, {"started": "voided", "retained-1": "awaiting_clawback"}, RULE, TODAY)
    )
    assert isinstance(again[STARTED], Proposal) and isinstance(again[RETAINED_1], Proposal)


def test_the_provider_can_ask_for_more_engagement_before_retained_1():
    found = by_type(propose(ENGAGED, AUTUMN_2024, {}, DeclarationRule(3, 5), TODAY))
    assert found[RETAINED_1].declaration_date == date(2025, 1, 15)
    few = EnrolmentEvidence(first_attended=date(2024, 10, 3))
    said = words(propose(few, AUTUMN_2024, {}, DeclarationRule(3, 5), TODAY))
    assert said[RETAINED_1] == "Retained 1: 1 engagement recorded so far, and the provider's rule needs 3"


def test_nothing_recorded_proposes_nothing_and_says_so():
    said = words(propose(EnrolmentEvidence(), AUTUMN_2024, {}, RULE, TODAY))
    assert said[STARTED] == "Started: no attendance or observation recorded yet"
    assert said[RETAINED_1] == "Retained 1: waits for the started declaration"


def test_engagement_before_the_period_opens_waits_for_the_first_engagement_inside_it():
    early = EnrolmentEvidence(first_attended=date(2024, 9, 20))
    found = by_type(propose(early, AUTUMN_2024, {}, RULE, date(2024, 9, 30)))
    assert isinstance(found[STARTED], NotYet)
    assert describe(found[STARTED].reason) == (
        "Started: reached on 20 September 2024, before the started period opens on 1 October 2024; "
        "the next engagement from then will count"
    )
    later = EnrolmentEvidence(first_attended=date(2024, 9, 20), observations=(date(2024, 10, 5),))
    found = by_type(propose(later, AUTUMN_2024, {}, RULE, date(2024, 10, 6)))
    assert found[STARTED].declaration_date == date(2024, 10, 5)
    assert found[RETAINED_1].declaration_date == date(2024, 10, 5)  # the 2nd engagement, also inside the period


def test_a_start_after_the_milestone_date_is_left_for_a_person_to_raise_with_the_dfe():
    late = EnrolmentEvidence(first_attended=date(2024, 12, 2), observations=(date(2025, 1, 10),))
    said = words(propose(late, AUTUMN_2024, {}, RULE, TODAY))
    assert (
        said[STARTED]
        == "Started: reached on 2 December 2024, but the period closed on 25 November 2024: talk to the DfE"
    )
    assert said[RETAINED_1] == "Retained 1: waits for the started declaration"


def test_a_deferred_trainee_gets_nothing_while_deferred():
    deferred = EnrolmentEvidence(
        observations=ENGAGED.observations,
        first_attended=ENGAGED.first_attended,
        training_status=TrainingStatus.DEFERRED,
        status_since=date(2025, 2, 1),
    )
    found = propose(deferred, AUTUMN_2024, {"started": "eligible"}, RULE, TODAY)
    assert not any(isinstance(o, Proposal) for o in found)
    assert words(found)[RETAINED_1] == (
        "Retained 1: nothing is proposed while the trainee is deferred (since 1 February 2025)"
    )


def test_a_withdrawn_trainee_gets_only_what_was_reached_before_the_withdrawal_date():
    withdrawn = EnrolmentEvidence(
        observations=(date(2024, 11, 1), date(2024, 11, 5)),
        first_attended=date(2024, 10, 3),
        training_status=TrainingStatus.WITHDRAWN,
        status_since=date(2024, 11, 1),
    )
    found = by_type(propose(withdrawn, AUTUMN_2024, {}, RULE, TODAY))
    assert found[STARTED].declaration_date == date(2024, 10, 3)
    assert describe(found[RETAINED_1].reason) == (
        "Retained 1: the trainee withdrew on 1 November 2024, before this was reached "
        "(a declaration must be dated before the withdrawal)"
    )


def case_study(result: CaseStudyResult, on: date) -> EnrolmentEvidence:
    return EnrolmentEvidence(
        observations=ENGAGED.observations,
        first_attended=ENGAGED.first_attended,
        case_study_result=result,
        case_study_result_on=on,
    )


def test_completed_carries_has_passed_from_the_case_study_result_and_its_date():
    today = date(2026, 2, 1)
    passed = by_type(propose(case_study(CaseStudyResult.PASSED, date(2026, 1, 12)), AUTUMN_2024, {}, RULE, today))
    assert passed[COMPLETED] == Proposal(COMPLETED, date(2026, 1, 12), True, passed[COMPLETED].reason)
    assert describe(passed[COMPLETED].reason) == (
        "Completed: case study passed on 12 January 2026, within the completed period 1 October 2024 to 21 February 2026"
    )
    failed = by_type(propose(case_study(CaseStudyResult.NOT_PASSED, date(2026, 1, 12)), AUTUMN_2024, {}, RULE, today))
    assert failed[COMPLETED].has_passed is False
    assert describe(failed[COMPLETED].reason).startswith("Completed: case study not passed on 12 January 2026")


def test_a_withdrawn_case_study_gives_no_completed():
    found = by_type(
        propose(case_study(CaseStudyResult.WITHDRAWN, date(2026, 1, 12)), AUTUMN_2024, {}, RULE, date(2026, 2, 1))
    )
    assert describe(found[COMPLETED].reason) == (
        "Completed: the case study was withdrawn on 12 January 2026, so there is no result to declare"
    )


def test_completed_waits_for_started():
    alone = EnrolmentEvidence(case_study_result=CaseStudyResult.PASSED, case_study_result_on=date(2026, 1, 12))
    said = words(propose(alone, AUTUMN_2024, {}, RULE, date(2026, 2, 1)))
    assert said[COMPLETED] == "Completed: waits for the started declaration"
    found = by_type(propose(alone, AUTUMN_2024, {"started": "paid"}, RULE, date(2026, 2, 1)))
    assert isinstance(found[COMPLETED], Proposal)


def test_a_schedule_without_published_milestone_dates_still_proposes_and_says_so():
    autumn_2025 = windows("npq-specialist-autumn", 2025)
    evidence = EnrolmentEvidence(first_attended=date(2025, 9, 15))
    found = by_type(propose(evidence, autumn_2025, {}, RULE, date(2025, 10, 1)))
    assert found[STARTED].declaration_date == date(2025, 9, 15)
    assert describe(found[STARTED].reason) == (
        "Started: first attended on 15 September 2025, within the started period that opened on 1 August 2025 "
        "(the DfE has not published this milestone's date yet)"
    )


def test_bad_input_is_refused_with_every_problem_located():
    bad = EnrolmentEvidence(
        observations=(date(2025, 1, 1), date(2025, 5, 1)),
        training_status=TrainingStatus.WITHDRAWN,
        case_study_result=CaseStudyResult.PASSED,
    )
    with pytest.raises(RuleInputError) as raised:
        propose(bad, AUTUMN_2024, {"retained-3": "paid", "started": "lost"}, DeclarationRule(2, 2), TODAY)
    assert [p.path for p in raised.value.problems] == [
        "retained_2_engagements",
        "observations[1]",
        "status_since",
        "case_study_result_on",
        "existing.retained-3",
        "existing.started",
    ]
    with pytest.raises(RuleInputError) as raised:
        propose(ENGAGED, [*AUTUMN_2024, AUTUMN_2024[0]], {}, DeclarationRule(1, 4), TODAY)
    assert [p.path for p in raised.value.problems] == ["retained_1_engagements", "windows[3]"]


def test_a_reason_from_newer_code_still_reads():
    assert describe(Reason("new_code", (("type", "started"),))) == "new_code (type: started)"


# Properties: any enrolment, any of the published specialist schedules, or windows of any shape.

DAY0 = date(2024, 9, 1)
days = st.integers(min_value=0, max_value=700).map(lambda n: DAY0 + timedelta(days=n))
published = st.sampled_from(
    [
        windows("npq-specialist-autumn", 2024),
        windows("npq-specialist-spring", 2025),
        windows("npq-specialist-autumn", 2025),
    ]
)


@st.composite
def any_windows(draw: st.DrawFn) -> list[MilestoneWindow]:
    # Each milestone present four times in five, so leadership-like schedules with retained-2 come up too.
    kinds = [kind for kind in DeclarationType if draw(st.sampled_from([True] * 4 + [False]))]
    found = []
    for kind in kinds:
        opens = draw(st.integers(0, 300).map(lambda n: DAY0 + timedelta(days=n)))
        closes = draw(st.none() | st.integers(0, 700).map(lambda n, o=opens: o + timedelta(days=n)))
        found.append(MilestoneWindow(kind, opens, closes))
    return found


@st.composite
def cases(draw: st.DrawFn) -> tuple[EnrolmentEvidence, list[MilestoneWindow], dict[str, str], DeclarationRule, date]:
    today = draw(days)
    # Evidence from the last eight months, mostly active trainees, mostly judged case studies:
    # enough that every type is often proposed, while the edge cases still come up.
    past = st.integers(0, 240).map(lambda n: today - timedelta(days=n))
    status = draw(st.sampled_from([TrainingStatus.ACTIVE] * 3 + [TrainingStatus.DEFERRED, TrainingStatus.WITHDRAWN]))
    result = draw(
        st.sampled_from([None, CaseStudyResult.WITHDRAWN] + [CaseStudyResult.PASSED, CaseStudyResult.NOT_PASSED] * 2)
    )
    evidence = EnrolmentEvidence(
        observations=tuple(draw(st.lists(past, max_size=10))),
        first_attended=draw(st.none() | past),
        training_status=status,
        status_since=draw(past) if status is not TrainingStatus.ACTIVE else draw(st.none() | past),
        case_study_result=result,
        case_study_result_on=draw(past) if result is not None else None,
    )
    existing = draw(
        st.just({})
        | st.dictionaries(
            st.sampled_from([t.value for t in DeclarationType]),
            st.sampled_from([s.value for s in DeclarationState]),
            max_size=3,
        )
    )
    r1 = draw(st.integers(2, 5))
    rule = DeclarationRule(r1, draw(st.integers(r1 + 1, 9)))
    return evidence, draw(published | any_windows()), existing, rule, today


@settings(max_examples=300, deadline=None)
@given(cases())
def test_properties_of_every_proposal(case):
    evidence, given_windows, existing, rule, today = case
    outcomes = propose(*case)
    assert [o.declaration_type for o in outcomes] == list(DeclarationType)
    proposed = {o.declaration_type: o for o in outcomes if isinstance(o, Proposal)}
    declared = {DeclarationType(k) for k, s in existing.items() if DeclarationState(s) not in RETRACTED}
    window = {w.declaration_type: w for w in given_windows}
    for kind, proposal in proposed.items():
        assert proposal.declaration_date <= today  # never a future date
        assert kind not in declared  # never a duplicate
        assert window[kind].holds(proposal.declaration_date)  # always within its window
        assert evidence.training_status is not TrainingStatus.DEFERRED
        if evidence.training_status is TrainingStatus.WITHDRAWN:
            assert proposal.declaration_date < evidence.status_since
        assert (proposal.has_passed is not None) == (kind is COMPLETED)
        describe(proposal.reason)
    # order: each proposal's earlier milestone is declared or proposed on or before it
    for later, earlier in ((RETAINED_1, STARTED), (RETAINED_2, RETAINED_1), (COMPLETED, STARTED)):
        if later in proposed:
            assert earlier in declared or earlier in proposed
            if earlier in proposed:
                assert proposed[earlier].declaration_date <= proposed[later].declaration_date
    if COMPLETED in proposed:
        assert evidence.case_study_result in (CaseStudyResult.PASSED, CaseStudyResult.NOT_PASSED)
        assert proposed[COMPLETED].has_passed is (evidence.case_study_result is CaseStudyResult.PASSED)
        assert proposed[COMPLETED].declaration_date == evidence.case_study_result_on
    for outcome in outcomes:
        assert describe(outcome.reason) != outcome.reason.unrendered()  # every code has its words


@settings(max_examples=150, deadline=None)
@given(cases(), st.randoms())
def test_the_proposals_are_deterministic_whatever_order_the_evidence_comes_in(case, random):
    evidence, given_windows, existing, rule, today = case
    shuffled = list(evidence.observations)
    random.shuffle(shuffled)
    again = EnrolmentEvidence(
        tuple(shuffled),
        evidence.first_attended,
        evidence.training_status,
        evidence.status_since,
        evidence.case_study_result,
        evidence.case_study_result_on,
    )
    assert propose(*case) == propose(again, given_windows, dict(reversed(existing.items())), rule, today)


@settings(max_examples=150, deadline=None)
@given(cases(), st.integers(1, 400))
def test_a_future_date_in_the_evidence_is_refused_not_proposed(case, ahead):
    evidence, given_windows, existing, rule, today = case
    future = EnrolmentEvidence((*evidence.observations, today + timedelta(days=ahead)), evidence.first_attended)
    with pytest.raises(RuleInputError) as raised:
        propose(future, given_windows, existing, rule, today)
    assert f"observations[{len(evidence.observations)}]" in [p.path for p in raised.value.problems]
