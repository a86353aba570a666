"""The analysis rules, with figures worked by hand."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from curriculum.analysis import (
    Benchmark,
    NamedItem,
    Plan,
    PlannedModule,
    PlannedOutcome,
    Reference,
    SurveyItem,
    WarningCode,
    analyse,
)

REFERENCE = Reference(
    npq_areas=(
        NamedItem("statutory-framework", "The statutory framework"),
        NamedItem("identification", "Identification"),
        NamedItem("behaviour", "Behaviour"),
    ),
    survey_items=(
        SurveyItem("legal-duties", "Legal duties", "k", "Knowledge", 88),
        SurveyItem("monitoring-provision", "Monitoring provision", "l", "Leadership", 60),
        SurveyItem("families", "Families", "w", "Working with others", 64),
    ),
    benchmarks=(Benchmark("npqlbc", "NPQLBC", 82), Benchmark("npqh", "NPQH", 112)),
    mandatory_areas=(NamedItem("send-law", "SEND law"),),
)


def outcome(key: str, npq=("statutory-framework",), survey=(), sources=("Act",)) -> PlannedOutcome:  # type: ignore[no-untyped-def]
    return PlannedOutcome(key, f"Learn that {key}.", tuple(npq), tuple(survey), tuple(sources))


LAW = PlannedModule(
    "law",
    "SEND law",
    30,
    "send-law",
    ("annual-review",),
    (outcome("l1", survey=("legal-duties",)), outcome("l2", npq=("statutory-framework", "identification"))),
)
SCREENING = PlannedModule(
    "screen",
    "Screening",
    52,
    "identification",
    ("screening-assessment",),
    (outcome("s1", npq=("identification",), survey=("monitoring-provision",)),),
)
RESEARCH = PlannedModule(
    "research", "Research", 12, "research", (), (outcome("r1", npq=("identification",), sources=()),)
)


def test_a_programme_worked_by_hand():
    # 30 + 52 + 12 = 94 hours over 60 weeks = 1.5666… hours a week (inside the 1–2 band).
    result = analyse(Plan(60, (LAW, SCREENING, RESEARCH)), REFERENCE)
    assert result.total_hours == 94
    assert abs(result.hours_per_week - 94 / 60) < 1e-12
    # 94 / 82 = 1.1463…, 94 / 112 = 0.8392…
    assert [(b.key, round(b.ratio, 4)) for b in result.benchmarks] == [("npqlbc", 1.1463), ("npqh", 0.8393)]
    # statutory-framework: l1, l2 (law, 30 h); identification: l2 (law), s1 (screen), r1 (research) → 30+52+12 = 94 h
    coverage = {c.key: (c.outcome_count, c.hours) for c in result.npq_coverage}
    assert coverage == {"statutory-framework": (2, 30), "identification": (3, 94), "behaviour": (0, 0)}
    # Survey items weakest first: monitoring 60% (s1), families 64% (none), legal duties 88% (l1).
    assert [(c.key, c.outcome_count) for c in result.survey_coverage] == [
        ("monitoring-provision", 1),
        ("families", 0),
        ("legal-duties", 1),
    ]
    assert result.mandatory_missing == ()
    assert result.modules_without_scenario == ("research",)
    assert result.outcomes_without_source == (("research", "r1"),)
    assert [w.code for w in result.warnings] == [
        WarningCode.NPQ_AREA_UNCOVERED,  # behaviour
        WarningCode.WEAK_SURVEY_OUTCOME_UNCOVERED,  # families, 64% < 65%
        WarningCode.MODULE_WITHOUT_SCENARIO,
        WarningCode.OUTCOME_WITHOUT_SOURCE,
    ]


def test_missing_send_law_is_a_warning_naming_the_area():
    result = analyse(Plan(78, (SCREENING,)), REFERENCE)
    assert [a.key for a in result.mandatory_missing] == ["send-law"]
    warning = next(w for w in result.warnings if w.code is WarningCode.MANDATORY_MISSING)
    assert warning.area_key == "send-law" and "SEND law is mandatory" in warning.message


def test_hours_per_week_outside_the_band_say_what_to_do():
    low = analyse(Plan(78, (LAW,)), REFERENCE)  # 30 / 78 = 0.38 h a week
    assert any(
        w.code is WarningCode.HOURS_PER_WEEK_LOW and "0.4 hours a week" in w.message and "Add modules" in w.message
        for w in low.warnings
    )
    high = analyse(Plan(20, (LAW, SCREENING)), REFERENCE)  # 82 / 20 = 4.1 h a week
    assert any(w.code is WarningCode.HOURS_PER_WEEK_HIGH and "4.1 hours a week" in w.message for w in high.warnings)


def test_an_empty_programme_gets_one_clear_warning_not_a_crash():
    result = analyse(Plan(78, ()), REFERENCE)
    assert result.total_hours == 0 and result.hours_per_week == 0
    assert [w.code for w in result.warnings] == [WarningCode.NO_MODULES, WarningCode.MANDATORY_MISSING]


modules = st.builds(
    PlannedModule,
    key=st.uuids().map(str),
    title=st.just("M"),
    hours=st.integers(1, 1000),
    area_key=st.sampled_from(["send-law", "identification", None]),
    scenario_keys=st.lists(st.just("annual-review"), max_size=1).map(tuple),
    outcomes=st.lists(
        st.builds(
            outcome,
            key=st.text(min_size=1, max_size=5),
            npq=st.lists(st.sampled_from(["statutory-framework", "identification", "behaviour"]), max_size=2),
            survey=st.lists(st.sampled_from(["legal-duties", "families"]), max_size=2),
        ),
        max_size=3,
    ).map(tuple),
)


@given(st.lists(modules, max_size=6), modules, st.integers(1, 260))
def test_adding_a_module_never_lowers_hours_or_coverage(existing, extra, weeks):
    before = analyse(Plan(weeks, tuple(existing)), REFERENCE)
    after = analyse(Plan(weeks, (*existing, extra)), REFERENCE)
    assert after.total_hours == before.total_hours + extra.hours
    for b, a in zip(before.npq_coverage, after.npq_coverage):
        assert a.outcome_count >= b.outcome_count and a.hours >= b.hours
    assert len(after.mandatory_missing) <= len(before.mandatory_missing)


@given(st.lists(modules, max_size=6), st.integers(1, 260))
def test_hours_per_week_is_total_over_weeks(plan_modules, weeks):
    result = analyse(Plan(weeks, tuple(plan_modules)), REFERENCE)
    assert result.hours_per_week == result.total_hours / weeks


def test_the_analysis_rules_import_no_framework():
    import subprocess
    import sys

    code = "import curriculum.analysis, sys; assert not {'flask', 'sqlalchemy'} & set(sys.modules), sorted(sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0
