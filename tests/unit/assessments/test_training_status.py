"""A trainee's training status: the DfE's reason codes as the DfE spells them, and which changes are
allowed (withdrawn is final; resuming takes no reason)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.reasons import RuleInputError
from assessments.training_status import (
    DEFERRAL_REASONS,
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    WITHDRAWAL_REASONS,
    StatusChange,
    TrainingStatus,
    allowed_changes,
    change_problems,
    check_change,
    may_start_observation,
    reason_label,
)

A, D, W = TrainingStatus.ACTIVE, TrainingStatus.DEFERRED, TrainingStatus.WITHDRAWN
statuses = st.sampled_from(list(TrainingStatus))
any_reason = st.one_of(st.none(), st.sampled_from([*WITHDRAWAL_REASONS, *DEFERRAL_REASONS]), st.text(max_size=70))
notes = st.text(max_size=NOTE_MAX_LENGTH + 20)


def test_the_codes_are_the_dfes_in_the_dfes_order() -> None:
    # public/api/docs/v3/swagger.yaml at DFE-Digital/npq-registration 9e9784a: ParticipantDeferRequest
    assert list(DEFERRAL_REASONS) == ["bereavement", "long-term-sickness", "parental-leave", "career-break", "other"]
    # ParticipantWithdrawRequest: 21 codes, the ninth with the DfE's own full stop
    assert len(WITHDRAWAL_REASONS) == 21
    assert list(WITHDRAWAL_REASONS)[8] == "quality-of-programme-structure-not-suitable."
    assert list(WITHDRAWAL_REASONS)[0] == "insufficient-capacity-to-undertake-programme"
    assert list(WITHDRAWAL_REASONS)[-3:] == ["disengaged-and-unresponsive", "non-payment-of-invoice", "other"]
    assert (
        reason_label("quality-of-programme-structure-not-suitable.") == "Quality of programme: structure not suitable"
    )
    assert all(len(code) <= REASON_MAX_LENGTH for code in [*WITHDRAWAL_REASONS, *DEFERRAL_REASONS])
    labels = [*WITHDRAWAL_REASONS.values(), *DEFERRAL_REASONS.values()]
    assert all(label and not label.endswith(".") for label in labels)


def test_the_allowed_changes() -> None:
    assert allowed_changes(A) == (D, W)
    assert allowed_changes(D) == (A, W)
    assert allowed_changes(W) == ()


def test_each_problem_is_located_and_all_are_listed() -> None:
    problems = change_problems(A, StatusChange(W, "career-break", "x" * (NOTE_MAX_LENGTH + 1)))
    assert [p.path for p in problems] == ["reason", "note"]  # a deferral's code is no reason to withdraw
    assert problems[0].message == "Select why the trainee is withdrawing"
    assert [p.path for p in change_problems(D, StatusChange(A, "other"))] == ["reason"]
    assert (
        change_problems(W, StatusChange(A))[0].message == "This trainee has withdrawn. A withdrawal cannot be changed"
    )
    assert change_problems(D, StatusChange(D, "other"))[0].message == "This trainee’s training is already deferred"
    with pytest.raises(RuleInputError) as refused:
        check_change(W, StatusChange(D, "other"))
    assert [p.path for p in refused.value.problems] == ["to_status"]


@given(statuses, statuses, any_reason, notes)
def test_a_change_is_allowed_exactly_when_the_rules_say(
    current: TrainingStatus, to: TrainingStatus, reason: str | None, note: str
) -> None:
    allowed = (
        to in allowed_changes(current)
        and (reason in WITHDRAWAL_REASONS if to is W else reason in DEFERRAL_REASONS if to is D else reason is None)
        and len(note) <= NOTE_MAX_LENGTH
    )
    problems = change_problems(current, StatusChange(to, reason, note))
    assert (problems == []) is allowed
    assert all(p.path in {"to_status", "reason", "note"} and p.message for p in problems)


@given(st.lists(st.tuples(statuses, st.sampled_from([*DEFERRAL_REASONS, *WITHDRAWAL_REASONS, None])), max_size=12))
def test_once_withdrawn_always_withdrawn(steps: list[tuple[TrainingStatus, str | None]]) -> None:
    status, withdrawn = A, False
    for to, reason in steps:
        if not change_problems(status, StatusChange(to, reason)):
            status = to
        withdrawn = withdrawn or status is W
        assert (status is W) is withdrawn  # a later step never leaves withdrawn
        assert may_start_observation(status) is (status is not W)
