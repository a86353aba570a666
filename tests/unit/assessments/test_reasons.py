"""What the room's pure rules share: reasons as data, and located problems in one error type."""

from __future__ import annotations

import pytest

from assessments import agreement, deadlines
from assessments.reasons import Problem, Reason, RuleInputError


@pytest.mark.parametrize("render", [agreement.render, deadlines.render])
def test_a_reason_neither_rule_knows_is_shown_as_its_code_and_values_not_dropped(render):  # type: ignore[no-untyped-def]
    assert (
        render(Reason("from_a_newer_release", (("months", 7), ("limit", 24))))
        == "from_a_newer_release (months: 7, limit: 24)"
    )


@pytest.mark.parametrize("error", [deadlines.DeadlineInputError, agreement.AgreementInputError])
def test_both_rules_refuse_input_with_the_same_located_problems(error):  # type: ignore[no-untyped-def]
    raised = error([Problem("earlier_service[1].end", "Enter a date"), Problem("", "Give at least one pair")])
    assert isinstance(raised, RuleInputError) and isinstance(raised, ValueError)
    assert (
        raised.problems
        == raised.errors
        == (Problem("earlier_service[1].end", "Enter a date"), Problem("", "Give at least one pair"))
    )
    assert str(raised) == "earlier_service[1].end: Enter a date; Give at least one pair"
