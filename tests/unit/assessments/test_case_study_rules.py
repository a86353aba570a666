"""The case-study assessment's dates and result: what may be saved, and how it reads."""

from __future__ import annotations

from datetime import date

from assessments.case_study_rules import CaseStudyDates, CaseStudyResult, in_words, problems

TODAY = date(2027, 3, 10)
PASS = CaseStudyDates(date(2027, 2, 1), date(2027, 2, 8), date(2027, 2, 7), CaseStudyResult.PASSED, date(2027, 3, 1))


def fields(given: CaseStudyDates) -> list[str]:
    return [f for f, _ in problems(given, TODAY)]


def test_a_full_record_of_a_pass_has_no_problem_and_completes_the_qualification():
    assert problems(PASS, TODAY) == []
    assert PASS.completed
    assert in_words(PASS) == "Passed on 1 March 2027"


def test_a_result_needs_its_date_and_a_date_needs_its_result():
    assert fields(CaseStudyDates(submitted_on=date(2027, 2, 7), result=CaseStudyResult.PASSED)) == ["result_on"]
    assert fields(CaseStudyDates(submitted_on=date(2027, 2, 7), result_on=date(2027, 3, 1))) == ["result"]


def test_a_pass_or_a_fail_needs_a_submission_but_a_withdrawal_does_not():
    for result in (CaseStudyResult.PASSED, CaseStudyResult.NOT_PASSED):
        assert fields(CaseStudyDates(result=result, result_on=date(2027, 3, 1))) == ["submitted_on"]
    withdrawn = CaseStudyDates(result=CaseStudyResult.WITHDRAWN, result_on=date(2027, 3, 1))
    assert problems(withdrawn, TODAY) == [] and not withdrawn.completed
    assert in_words(withdrawn) == "Withdrawn on 1 March 2027"


def test_dates_in_the_future_and_out_of_order_are_refused_with_the_field_named():
    assert fields(CaseStudyDates(submitted_on=date(2027, 3, 11))) == ["submitted_on"]
    assert fields(CaseStudyDates(window_opens=date(2027, 2, 8), window_closes=date(2027, 2, 1))) == ["window_closes"]
    assert fields(
        CaseStudyDates(submitted_on=date(2027, 3, 2), result=CaseStudyResult.NOT_PASSED, result_on=date(2027, 3, 1))
    ) == ["result_on"]
    # A window may lie ahead: it is set at the start of the course.
    assert problems(CaseStudyDates(window_opens=date(2028, 2, 1), window_closes=date(2028, 2, 8)), TODAY) == []


def test_where_the_case_study_stands_reads_as_a_sentence_at_each_step():
    assert in_words(None) == "Not recorded yet"
    assert in_words(CaseStudyDates()) == "Not recorded yet"
    assert (
        in_words(CaseStudyDates(date(2027, 2, 1), date(2027, 2, 8)))
        == "Submission window 1 February 2027 to 8 February 2027"
    )
    assert in_words(CaseStudyDates(date(2027, 2, 1))) == "Submission window opens 1 February 2027"
    assert in_words(CaseStudyDates(submitted_on=date(2027, 2, 7))) == "Submitted on 7 February 2027; result awaited"
    failed = CaseStudyDates(
        submitted_on=date(2027, 2, 7), result=CaseStudyResult.NOT_PASSED, result_on=date(2027, 3, 1)
    )
    assert in_words(failed) == "Not passed on 1 March 2027" and not failed.completed
