"""Agreement between mentor and moderator: worked examples from published sources, edge cases,
and properties of kappa and the percentages."""

from __future__ import annotations

import json
import pickle
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments.agreement import (
    MIN_PAIRS,
    AgreementInputError,
    CalibrationPolicy,
    Measure,
    Pair,
    adjacent_agreement,
    by_criterion,
    by_mentor,
    by_scenario,
    describe,
    exact_agreement,
    figure,
    flag_mentors,
    kappa,
    kappa_interval,
    render,
    report,
    shown,
    summarise,
    weighted_kappa,
)

LEVELS = (1, 2, 3, 4)
OUTCOMES = ("met", "not_yet_met")


def pairs_of(first: list[object], second: list[object], **where: str) -> list[Pair]:
    return [Pair(a, b, **where) for a, b in zip(first, second, strict=True)]


# Worked examples ------------------------------------------------------------------------------


def test_kappa_matches_the_grant_proposal_example() -> None:
    # The "Cohen's kappa" article's worked example (Wikipedia; restated at howcodex.com,
    # statistics/cohen_kappa_coefficient): 50 proposals, both readers yes 20, A yes B no 5,
    # A no B yes 10, both no 15: p_o = 0.70, p_e = 0.50, kappa = 0.40.
    pairs = [Pair("yes", "yes")] * 20 + [Pair("yes", "no")] * 5 + [Pair("no", "yes")] * 10 + [Pair("no", "no")] * 15
    assert kappa(pairs, ("yes", "no")).value == Fraction(2, 5)
    assert exact_agreement(pairs, ("yes", "no")).value == 70
    assert describe(kappa(pairs, ("yes", "no"))) == "Cohen's kappa: 0.40 (50 pairs)."


def test_kappas_confidence_interval_matches_fleiss_and_paiks_standard_error() -> None:
    # statpsych's ci.kappa help page (Bonett; formula from Fleiss and Paik 2003): a 2 × 2 table of
    # 31, 12, 4 and 58 ratings gives Cohen's kappa 0.6756757, SE 0.07344761, 95% CI 0.5317210 to
    # 0.8196303 (https://dgbonett.github.io/statpsych/reference/ci.kappa.html).
    pairs = [Pair(0, 0)] * 31 + [Pair(0, 1)] * 12 + [Pair(1, 0)] * 4 + [Pair(1, 1)] * 58
    f = kappa(pairs, (0, 1))
    assert abs(float(f.value) - 0.6756757) < 1e-7  # type: ignore[arg-type]
    assert f.interval is not None
    assert abs(f.interval[0] - 0.5317210) < 1e-6 and abs(f.interval[1] - 0.8196303) < 1e-6
    assert shown(f) == "0.68 (95% CI 0.53 to 0.82)"


def test_an_undefined_kappa_has_no_interval_and_too_few_pairs_show_no_number() -> None:
    assert kappa_interval([Pair(1, 1)] * 12, LEVELS, Measure.KAPPA) is None
    assert shown(kappa([Pair(1, 2)], LEVELS)) == "Too few pairs to mean anything"


@pytest.mark.parametrize(
    ("second", "published"),
    [
        ([8, 8, 6, 6, 7, 6, 1, 4, 8], 0.758620689655172),
        ([3, 5, 6, 6, 7, 6, 1, 4, 8], 0.438095238095238),
    ],
)
def test_quadratic_weighted_kappa_matches_the_published_examples(second: list[int], published: float) -> None:
    # Maple's EssayTools[QuadraticWeightedKappa] help page, examples 1 and 2, with the scale
    # taken from the data's minimum and maximum (1 to 10).
    first = [9, 7, 8, 7, 6, 8, 3, 5, 10]
    value = weighted_kappa(pairs_of(first, second), range(1, 11)).value  # type: ignore[arg-type]
    assert value is not None and abs(float(value) - published) < 1e-12


def test_quadratic_weighted_kappa_matches_a_hand_worked_three_level_table() -> None:
    # Mentor 1,1,2,3 vs moderator 1,2,2,2 on levels 1-3. Weights (i-j)^2; observed weighted
    # disagreement 0+1+0+1 = 2 over 4 pairs; row counts (2,1,1), column counts (1,3,0): chance
    # = sum w*r*c / n^2 = (0*2*1 + 1*2*3 + 1*1*1 + 0*1*3 + 4*1*1 + 1*1*3)/16 = 14/16.
    # kappa = 1 - (2/4)/(14/16) = 1 - 8/14 = 3/7.
    assert weighted_kappa(pairs_of([1, 1, 2, 3], [1, 2, 2, 2]), (1, 2, 3)).value == Fraction(3, 7)


def test_kappa_below_chance_is_negative_and_shown_to_two_places() -> None:
    # Always opposite on a two-outcome scale: p_o = 0, p_e = 1/2, kappa = -1.
    pairs = [Pair("met", "not_yet_met"), Pair("not_yet_met", "met")] * 5
    f = kappa(pairs, OUTCOMES)
    assert f.value == -1
    assert describe(f) == "Cohen's kappa: -1.00 (10 pairs)."


def test_exact_and_adjacent_agreement_count_pairs_within_zero_and_one_level() -> None:
    pairs = pairs_of([1, 2, 3, 4, 4], [1, 3, 1, 4, 2])
    assert exact_agreement(pairs, LEVELS).value == 40
    assert adjacent_agreement(pairs, LEVELS).value == 60


def test_adjacency_is_by_position_on_the_stated_scale_not_by_number() -> None:
    pairs = pairs_of([0, 5], [5, 10])
    assert adjacent_agreement(pairs, (0, 5, 10)).value == 100


# Edge cases -----------------------------------------------------------------------------------


def test_identical_ratings_in_one_category_leave_kappa_undefined_and_say_why() -> None:
    pairs = [Pair(3, 3)] * 12
    f = weighted_kappa(pairs, LEVELS)
    assert f.value is None and not f.too_few
    assert exact_agreement(pairs, LEVELS).value == 100
    assert describe(f) == (
        "Cohen's kappa (quadratic-weighted): cannot be worked out. Kappa cannot be worked out: "
        "both markers gave ‘3’ every time, so agreement by chance alone is already complete."
    )


def test_identical_ratings_across_categories_give_kappa_one() -> None:
    pairs = pairs_of([1, 2, 3, 4] * 3, [1, 2, 3, 4] * 3)
    assert weighted_kappa(pairs, LEVELS).value == 1
    assert kappa(pairs, LEVELS).value == 1


def test_a_scale_of_one_category_gives_full_agreement_and_no_kappa() -> None:
    pairs = [Pair("met", "met")] * 10
    assert exact_agreement(pairs, ("met",)).value == 100
    assert kappa(pairs, ("met",)).value is None


def test_no_pairs_gives_no_number_and_says_so() -> None:
    for measure in Measure:
        f = figure([], LEVELS, measure)
        assert f.value is None and f.pairs == 0 and f.too_few
        assert describe(f).endswith("no pairs of marks yet.")


def test_one_pair_is_shown_as_too_few_not_as_a_number() -> None:
    f = exact_agreement([Pair(2, 2)], LEVELS)
    assert f.too_few and f.pairs == 1
    assert describe(f) == "Exact agreement: too few pairs to mean anything (1; at least 10 needed)."
    assert "%" not in describe(f)


def test_ten_pairs_is_enough_and_nine_is_not() -> None:
    assert MIN_PAIRS == 10
    assert exact_agreement([Pair(1, 1)] * 9, LEVELS).too_few
    assert not exact_agreement([Pair(1, 1)] * 10, LEVELS).too_few


def test_ratings_off_the_scale_are_refused_each_with_its_place() -> None:
    pairs = [Pair(1, 1), Pair(5, 2), Pair("met", 0)]
    with pytest.raises(AgreementInputError) as caught:
        weighted_kappa(pairs, LEVELS)
    assert [(p.path, p.message) for p in caught.value.problems] == [
        ("pairs[1].mentor_rating", "‘5’ is not one of 1, 2, 3, 4"),
        ("pairs[2].mentor_rating", "‘met’ is not one of 1, 2, 3, 4"),
        ("pairs[2].moderator_rating", "‘0’ is not one of 1, 2, 3, 4"),
    ]


def test_an_empty_or_repeated_scale_is_refused() -> None:
    with pytest.raises(AgreementInputError, match="at least one category"):
        kappa([], ())
    with pytest.raises(AgreementInputError, match="each category once"):
        kappa([], ("met", "met"))


# Groups and flags -----------------------------------------------------------------------------


def sample() -> list[Pair]:
    close = pairs_of([1, 2, 3, 4] * 3, [1, 2, 3, 4] * 3, mentor="ana", scenario="annual-review", criterion="voice")
    apart = pairs_of([1, 2, 3, 4] * 3, [1, 2, 4, 1] * 3, mentor="ben", scenario="screening", criterion="voice")
    few = pairs_of([1, 2], [4, 1], mentor="cat", scenario="screening", criterion="timelines")
    return close + apart + few


def test_pairs_group_by_mentor_scenario_and_criterion_in_key_order() -> None:
    pairs = sample()
    assert [(k, len(g)) for k, g in by_mentor(pairs)] == [("ana", 12), ("ben", 12), ("cat", 2)]
    assert [(k, len(g)) for k, g in by_scenario(pairs)] == [("annual-review", 12), ("screening", 14)]
    assert [(k, len(g)) for k, g in by_criterion(pairs)] == [("timelines", 2), ("voice", 24)]


def test_a_report_gives_each_group_its_figures_and_pair_counts() -> None:
    rows = report(sample(), LEVELS, (Measure.EXACT, Measure.ADJACENT, Measure.WEIGHTED_KAPPA), by=lambda p: p.mentor)
    assert [(r.key, r.pairs) for r in rows] == [("ana", 12), ("ben", 12), ("cat", 2)]
    ben = rows[1]
    assert ben.figure(Measure.EXACT).value == 50  # type: ignore[union-attr]
    assert ben.figure(Measure.ADJACENT).value == 75  # type: ignore[union-attr]
    assert rows[2].figure(Measure.EXACT).too_few  # type: ignore[union-attr]


def test_mentors_below_the_providers_minimum_are_flagged_and_too_few_pairs_never_are() -> None:
    checks = flag_mentors(sample(), LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(80)))
    assert [(c.mentor, c.flagged, c.reason.code) for c in checks] == [
        ("ana", False, "meets_minimum"),
        ("ben", True, "below_minimum"),
        ("cat", False, "too_few_to_judge"),
    ]
    assert render(checks[1].reason) == "Exact agreement is 50%, below the minimum of 80%: offer calibration."
    assert render(checks[2].reason) == "Not judged: 2 pairs, at least 10 needed."


def test_a_mentor_exactly_at_the_minimum_is_not_flagged() -> None:
    checks = flag_mentors(sample(), LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(50)))
    assert [c.flagged for c in checks] == [False, False, False]


def test_the_kappa_minimum_is_compared_exactly() -> None:
    # ben's quadratic-weighted kappa as a fraction; a minimum equal to it does not flag, a hair above does
    ben = [p for p in sample() if p.mentor == "ben"]
    value = weighted_kappa(ben, LEVELS).value
    assert value is not None
    at = flag_mentors(ben, LEVELS, CalibrationPolicy(Measure.WEIGHTED_KAPPA, value))
    above = flag_mentors(ben, LEVELS, CalibrationPolicy(Measure.WEIGHTED_KAPPA, value + Fraction(1, 10**12)))
    assert not at[0].flagged and above[0].flagged


def test_a_minimum_off_its_scale_is_refused() -> None:
    with pytest.raises(AgreementInputError, match="a percentage between 0 and 100"):
        flag_mentors([], LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(120)))
    with pytest.raises(AgreementInputError, match="a kappa between -1 and 1"):
        flag_mentors([], LEVELS, CalibrationPolicy(Measure.KAPPA, Fraction(2)))


def test_figures_are_data_that_pickle_and_write_as_json() -> None:
    f = weighted_kappa(pairs_of([1, 1, 2, 3], [1, 2, 2, 2]), (1, 2, 3))
    assert pickle.loads(pickle.dumps(f)) == f
    written = json.loads(json.dumps(f.to_dict()))
    low, high = written.pop("interval")
    assert low < 3 / 7 < high
    assert written == {
        "measure": "weighted_kappa",
        "pairs": 4,
        "too_few": True,
        "value": 3 / 7,
        "exact": "3/7",
        "reasons": [{"code": "too_few_pairs", "params": {"pairs": 4, "needed": 10}}],
    }


# What a reader sees ---------------------------------------------------------------------------


def test_five_in_eight_agreeing_is_shown_as_62_5_percent() -> None:
    pairs = [Pair(1, 1)] * 10 + [Pair(1, 2)] * 6
    f = exact_agreement(pairs, LEVELS)
    assert shown(f) == "62.5%"
    assert describe(f) == "Exact agreement: 62.5% (16 pairs)."


def test_a_whole_percentage_is_shown_without_a_decimal_point() -> None:
    assert shown(exact_agreement([Pair(1, 1)] * 5 + [Pair(1, 2)] * 5, LEVELS)) == "50%"


def test_a_kappa_of_exactly_zero_is_shown_as_0_00_without_a_minus_sign() -> None:
    # Agreement no better and no worse than chance: p_o = p_e = 1/2.
    pairs = [
        Pair("met", "met"),
        Pair("met", "not_yet_met"),
        Pair("not_yet_met", "met"),
        Pair("not_yet_met", "not_yet_met"),
    ]
    f = kappa(pairs * 3, OUTCOMES)
    assert f.value == 0
    assert describe(f) == "Cohen's kappa: 0.00 (12 pairs)."
    assert shown(f).startswith("0.00 (95% CI -")


def test_a_table_cell_says_no_pairs_yet_or_cannot_be_worked_out_instead_of_a_number() -> None:
    assert shown(exact_agreement([], LEVELS)) == "No pairs yet"
    assert shown(kappa([Pair(3, 3)] * 12, LEVELS)) == "Cannot be worked out"


def test_the_reasons_of_no_pairs_and_too_few_pairs_read_as_sentences() -> None:
    assert [render(r) for r in exact_agreement([], LEVELS).reasons] == ["No pairs of marks yet."]
    assert [render(r) for r in exact_agreement([Pair(1, 1)] * 4, LEVELS).reasons] == [
        "Too few pairs to mean anything: 4 (at least 10 needed)."
    ]


def test_a_figure_with_no_value_writes_nulls_to_json() -> None:
    written = exact_agreement([], LEVELS).to_dict()
    assert (written["value"], written["exact"], written["interval"]) == (None, None, None)


def test_a_summary_without_a_measure_answers_none_for_it() -> None:
    summary = summarise([Pair(1, 1)] * 10, LEVELS, (Measure.EXACT,))
    assert summary.key == ""  # "" stands for all pairs
    assert summary.figure(Measure.KAPPA) is None


def test_a_weighted_kappas_interval_is_shown_to_two_places() -> None:
    # ben's 12 pairs: quadratic-weighted kappa 1/6 (scikit-learn agrees); the interval worked again by
    # the Fleiss, Cohen and Everitt formula with agreement weights 1 - (i - j)² / 9 is -0.300 to 0.633.
    ben = [p for p in sample() if p.mentor == "ben"]
    f = weighted_kappa(ben, LEVELS)
    assert f.value == Fraction(1, 6)
    assert shown(f) == "0.17 (95% CI -0.30 to 0.63)"


def test_an_interval_end_just_under_1_is_shown_as_0_99() -> None:
    # 20 outcomes: both "met" 5, only the moderator "met" 3, both "not yet met" 12. Kappa 2/3; the
    # Fleiss, Cohen and Everitt interval is 0.3388 to 0.9945, which rounds to 0.99, not up to 1.00.
    pairs = [Pair("met", "met")] * 5 + [Pair("not_yet_met", "met")] * 3 + [Pair("not_yet_met", "not_yet_met")] * 12
    f = kappa(pairs, OUTCOMES)
    assert f.value == Fraction(2, 3)
    assert shown(f) == "0.67 (95% CI 0.34 to 0.99)"


def test_no_scale_and_no_pairs_have_no_interval() -> None:
    assert kappa_interval([], (), Measure.WEIGHTED_KAPPA) is None


def test_an_empty_or_repeated_scale_is_refused_naming_the_categories() -> None:
    with pytest.raises(AgreementInputError) as empty:
        kappa([], ())
    assert [(p.path, p.message) for p in empty.value.problems] == [
        ("categories", "Give at least one category to measure agreement on")
    ]
    with pytest.raises(AgreementInputError) as repeated:
        kappa([], ("met", "met"))
    assert [(p.path, p.message) for p in repeated.value.problems] == [("categories", "Give each category once")]


def test_ten_pairs_carry_no_too_few_warning() -> None:
    assert exact_agreement([Pair(1, 1)] * 10, LEVELS).reasons == ()


def test_an_undefined_kappa_says_in_json_which_category_and_how_many_there_were() -> None:
    written = weighted_kappa([Pair(3, 3)] * 12, LEVELS).to_dict()
    assert written["reasons"] == [{"code": "kappa_undefined", "params": {"category": "3", "categories": 4}}]


# The provider's own settings --------------------------------------------------------------------


def test_a_providers_own_fewest_pairs_lets_eight_pairs_count_in_summaries_and_reports() -> None:
    pairs = pairs_of([1, 2, 3, 4] * 2, [1, 2, 1, 1] * 2, mentor="dev")
    assert not summarise(pairs, LEVELS, (Measure.EXACT,), min_pairs=8).figures[0].too_few
    (row,) = report(pairs, LEVELS, (Measure.EXACT,), by=lambda p: p.mentor, min_pairs=8)
    assert not row.figures[0].too_few and row.figures[0].value == 50


def test_a_mentor_at_50_percent_on_8_pairs_is_flagged_when_the_provider_needs_only_8() -> None:
    pairs = pairs_of([1, 2, 3, 4] * 2, [1, 2, 1, 1] * 2, mentor="dev")
    (check,) = flag_mentors(pairs, LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(80), min_pairs=8))
    assert check.flagged and check.figure.value == 50
    assert render(check.reason) == "Exact agreement is 50%, below the minimum of 80%: offer calibration."


def test_a_mentor_meeting_the_minimum_is_told_so_in_words() -> None:
    checks = flag_mentors(sample(), LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(80)))
    assert render(checks[0].reason) == "Exact agreement is 100%, meeting the minimum of 80%."


def test_a_mentor_whose_kappa_cannot_be_worked_out_is_not_flagged_and_told_why() -> None:
    pairs = [Pair(3, 3, mentor="eve")] * 12
    (check,) = flag_mentors(pairs, LEVELS, CalibrationPolicy(Measure.WEIGHTED_KAPPA, Fraction(1, 2)))
    assert not check.flagged and check.figure.pairs == 12
    assert render(check.reason) == (
        "Not judged: cohen's kappa (quadratic-weighted) cannot be worked out for these pairs."
    )


@pytest.mark.parametrize(
    ("measure", "minimum"),
    [(Measure.EXACT, 0), (Measure.EXACT, 100), (Measure.KAPPA, -1), (Measure.KAPPA, 1)],
)
def test_a_minimum_at_either_end_of_its_scale_is_allowed(measure: Measure, minimum: int) -> None:
    in_step = pairs_of([1, 2, 3, 4] * 3, [1, 2, 3, 4] * 3)  # 100 %, kappa 1: at or above any minimum
    (check,) = flag_mentors(in_step, LEVELS, CalibrationPolicy(measure, Fraction(minimum)))
    assert check.reason.code == "meets_minimum" and not check.flagged


def test_a_minimum_off_its_scale_is_refused_with_the_field_and_what_to_enter() -> None:
    with pytest.raises(AgreementInputError) as percent:
        flag_mentors([], LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(-1)))
    assert [(p.path, p.message) for p in percent.value.problems] == [
        ("minimum", "Enter the minimum as a percentage between 0 and 100")
    ]
    with pytest.raises(AgreementInputError) as kappa_minimum:
        flag_mentors([], LEVELS, CalibrationPolicy(Measure.KAPPA, Fraction(-2)))
    assert [(p.path, p.message) for p in kappa_minimum.value.problems] == [
        ("minimum", "Enter the minimum as a kappa between -1 and 1")
    ]


def test_one_pair_may_be_enough_for_a_provider_but_none_is_refused() -> None:
    (check,) = flag_mentors([Pair(1, 2)], LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(80), min_pairs=1))
    assert check.flagged
    with pytest.raises(AgreementInputError) as refused:
        flag_mentors([], LEVELS, CalibrationPolicy(Measure.EXACT, Fraction(80), min_pairs=0))
    assert [(p.path, p.message) for p in refused.value.problems] == [
        ("min_pairs", "Enter the fewest pairs as a whole number of 1 or more")
    ]


# Properties -----------------------------------------------------------------------------------

ratings = st.sampled_from(LEVELS)
level_pairs = st.lists(st.tuples(ratings, ratings), min_size=1, max_size=40).map(lambda xs: [Pair(a, b) for a, b in xs])


@given(level_pairs, st.sampled_from([Measure.KAPPA, Measure.WEIGHTED_KAPPA]))
def test_kappa_is_at_most_one_and_symmetric_in_the_two_markers(pairs: list[Pair], measure: Measure) -> None:
    swapped = [Pair(p.moderator_rating, p.mentor_rating) for p in pairs]
    f, g = figure(pairs, LEVELS, measure), figure(swapped, LEVELS, measure)
    assert f.value == g.value
    if f.value is not None:
        assert f.value <= 1


@given(st.lists(ratings, min_size=1, max_size=40), st.sampled_from(list(Measure)))
def test_perfect_agreement_gives_one_when_kappa_is_defined(first: list[int], measure: Measure) -> None:
    f = figure([Pair(a, a) for a in first], LEVELS, measure)
    if measure.is_percent:
        assert f.value == 100
    else:
        assert f.value == 1 or (f.value is None and len(set(first)) == 1)


@given(level_pairs, st.sampled_from([Measure.EXACT, Measure.ADJACENT]))
def test_percentages_stay_within_0_and_100_and_adjacent_is_never_below_exact(
    pairs: list[Pair], measure: Measure
) -> None:
    f = figure(pairs, LEVELS, measure)
    assert f.value is not None and 0 <= f.value <= 100
    assert adjacent_agreement(pairs, LEVELS).value >= exact_agreement(pairs, LEVELS).value  # type: ignore[operator]


@given(level_pairs, st.permutations(["a", "b", "c", "d"]))
def test_unweighted_kappa_does_not_depend_on_the_names_of_the_categories(pairs: list[Pair], names: list[str]) -> None:
    rename = dict(zip(LEVELS, names, strict=True))
    renamed = [Pair(rename[p.mentor_rating], rename[p.moderator_rating]) for p in pairs]  # type: ignore[index]
    assert kappa(pairs, LEVELS).value == kappa(renamed, sorted(names)).value


# Cross-check with scikit-learn (a test-only dependency) -----------------------------------------

SKLEARN_WEIGHTS = {Measure.KAPPA: None, Measure.LINEAR_KAPPA: "linear", Measure.WEIGHTED_KAPPA: "quadratic"}


@settings(deadline=None)  # the first call imports scikit-learn, which takes seconds
@given(level_pairs, st.sampled_from(list(SKLEARN_WEIGHTS)))
def test_kappa_agrees_with_scikit_learn_on_any_pairs(pairs: list[Pair], measure: Measure) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    ours = figure(pairs, LEVELS, measure).value
    first = [p.mentor_rating for p in pairs]
    second = [p.moderator_rating for p in pairs]
    if ours is None:  # both markers used one category: scikit-learn answers nan here
        assert len(set(first) | set(second)) == 1
        return
    theirs = metrics.cohen_kappa_score(first, second, labels=list(LEVELS), weights=SKLEARN_WEIGHTS[measure])
    assert abs(float(ours) - theirs) < 1e-9


@given(level_pairs, st.sampled_from([Measure.KAPPA, Measure.WEIGHTED_KAPPA, Measure.LINEAR_KAPPA]))
def test_the_interval_holds_kappa_stays_within_minus_one_and_one_and_is_symmetric_in_the_markers(
    pairs: list[Pair], measure: Measure
) -> None:
    f = figure(pairs, LEVELS, measure)
    swapped = [Pair(p.moderator_rating, p.mentor_rating) for p in pairs]
    if f.value is None:
        assert f.interval is None
        return
    assert f.interval is not None
    low, high = f.interval
    assert -1 <= low <= float(f.value) + 1e-12 and float(f.value) - 1e-12 <= high <= 1
    other = kappa_interval(swapped, LEVELS, measure)
    assert other is not None and abs(other[0] - low) < 1e-9 and abs(other[1] - high) < 1e-9


@given(st.lists(st.tuples(st.sampled_from(OUTCOMES), st.sampled_from(OUTCOMES)), min_size=1, max_size=40))
def test_on_two_categories_every_weighting_gives_the_same_kappa_and_interval(xs: list[tuple[str, str]]) -> None:
    pairs = [Pair(a, b) for a, b in xs]
    plain, quadratic = figure(pairs, OUTCOMES, Measure.KAPPA), figure(pairs, OUTCOMES, Measure.WEIGHTED_KAPPA)
    assert plain.value == quadratic.value and plain.interval == quadratic.interval
