"""The shipped scenario library: fourteen situations, each with a sound rubric, named observers,
faults that fail alone defined before the observation, and sources."""

from __future__ import annotations

import shutil

import pytest

from competencies.engine import ENTRUSTMENT_SCALE, FaultSeverity, RubricModel
from competencies.scenarios import ANALYTIC_LABELS, DATA_DIR, ScenarioError, load_scenarios
from curriculum.catalogue import load_catalogue

EIGHT = {
    "annual-review",
    "screening-assessment",
    "family-relationship",
    "staff-training",
    "challenging-conversation",
    "ta-deployment",
    "provision-map",
    "cohort-data-action-plan",
}
SIX_MORE = {
    "coaching-after-observation",
    "ehc-needs-assessment-request",
    "sen-support-review",
    "governors-report",
    "exam-access-arrangements",
    "transition-meeting",
}


@pytest.fixture(scope="module")
def scenarios():  # type: ignore[no-untyped-def]
    return {s.key: s for s in load_scenarios(module_keys={m.key for m in load_catalogue().modules})}


def test_the_fourteen_scenarios_load_with_valid_rubrics_and_sources(scenarios):
    assert set(scenarios) == EIGHT | SIX_MORE
    assert all(s.sources and s.looks_for and s.present and s.prepared_by for s in scenarios.values())


def test_each_new_scenario_is_prepared_for_by_modules_that_link_back_to_it(scenarios):
    catalogue = load_catalogue()
    for key in SIX_MORE:
        for module_key in scenarios[key].prepared_by:
            assert catalogue.module(module_key) is not None, (key, module_key)
        assert any(key in m.scenario_keys for m in catalogue.modules), key


def test_who_is_present_is_listed_whole_not_split_at_commas(scenarios):
    screening = scenarios["screening-assessment"].present
    assert "Later" not in screening and "Afterwards, a teacher or parent, for the explanation" in screening
    conversation = scenarios["challenging-conversation"].present
    assert conversation[0] == "The other party: a colleague, a local authority officer or a parent"
    for s in scenarios.values():
        for person in s.present:
            assert person.count("(") == person.count(")"), (s.key, person)


def test_every_scenario_names_more_than_one_possible_observer(scenarios):
    assert all(len(s.observers) >= 2 for s in scenarios.values())


def test_the_library_uses_every_rubric_model(scenarios):
    models = {s.rubric.model for s in scenarios.values()}
    assert models == {RubricModel.ANALYTIC, RubricModel.FAULTS, RubricModel.ENTRUSTMENT}


def test_every_scenario_defines_faults_that_fail_alone_before_the_observation(scenarios):
    for s in scenarios.values():
        keys = {f.key for f in s.rubric.fault_types}
        assert {"breaches-confidentiality", "misses-safeguarding-disclosure"} <= keys, s.key
        for fault in s.rubric.fault_types:
            if fault.severity is not FaultSeverity.MINOR:
                # The engine fails any serious or dangerous fault; the file says so and says why.
                assert fault.fails_alone and fault.why, (s.key, fault.key)


def test_screening_fails_alone_on_departure_diagnosis_and_restricted_tests(scenarios):
    screening = scenarios["screening-assessment"].rubric
    alone = {f.key for f in screening.fault_types if f.fails_alone}
    assert {
        "departs-from-standard-administration",
        "reports-screen-as-diagnosis",
        "gives-restricted-test-unqualified",
    } <= alone
    assert screening.fault_limit == 3 and "3 minor faults" in screening.pass_rationale


def test_wrong_legal_information_fails_alone_and_facts_and_law_is_must_meet_where_families_are(scenarios):
    for key in ("family-relationship", "challenging-conversation", "annual-review"):
        rubric = scenarios[key].rubric
        wrong_law = next(f for f in rubric.fault_types if f.key == "gives-wrong-legal-information")
        assert wrong_law.fails_alone and wrong_law.severity is FaultSeverity.SERIOUS
        assert "diagnosis" in wrong_law.title
        facts = rubric.criterion("facts-and-law")
        assert facts is not None and facts.critical_level == 3, key


def test_the_child_voice_cannot_be_traded_off_in_the_annual_review(scenarios):
    voice = scenarios["annual-review"].rubric.criterion("child-voice")
    assert voice is not None and voice.critical_level == 3


def test_ta_deployment_must_protect_teacher_time_at_secure(scenarios):
    # EEF recommendation 1: TAs are not an informal teaching resource for pupils with SEND.
    independence = scenarios["ta-deployment"].rubric.criterion("independence")
    assert independence is not None and independence.critical_level == 3
    assert "Teachers keep responsibility" in independence.levels[2].descriptor


def test_annual_review_timelines_match_the_code_and_regulations(scenarios):
    text = " ".join(scenarios["annual-review"].looks_for)
    assert "at least 2 weeks before" in text and "within 2 weeks" in text
    assert "within 4 weeks of the meeting" in text and "within 8 weeks" in text


def test_analytic_rubrics_share_one_set_of_level_labels(scenarios):
    for s in scenarios.values():
        if s.rubric.model is RubricModel.ANALYTIC:
            for c in s.rubric.criteria:
                assert {lv.value: lv.label for lv in c.levels} == ANALYTIC_LABELS, (s.key, c.key)


def test_entrustment_rubrics_describe_each_o_score_level_and_explain_their_pass_level(scenarios):
    o_score = [label for _, label, _ in ENTRUSTMENT_SCALE]
    for s in scenarios.values():
        if s.rubric.model is RubricModel.ENTRUSTMENT:
            assert s.rubric.pass_rationale, s.key
            for c in s.rubric.criteria:
                assert [lv.label for lv in c.levels] == o_score, (s.key, c.key)
                assert all(lv.descriptor for lv in c.levels), (s.key, c.key)
                # A must-meet level at or below the pass level would have no effect.
                assert c.critical_level is None or c.critical_level > s.rubric.threshold, (s.key, c.key)


def test_top_descriptors_say_what_the_trainee_did_not_what_others_felt(scenarios):
    for s in scenarios.values():
        for c in s.rubric.criteria:
            if c.levels:
                top = c.levels[-1].descriptor
                assert top.startswith("The trainee") and " felt" not in top, (s.key, c.key, top)


def test_every_level_descriptor_is_a_whole_sentence(scenarios):
    # Guards against YAML splitting an unquoted descriptor at a comma.
    for s in scenarios.values():
        for c in s.rubric.criteria:
            for level in c.levels:
                assert level.descriptor.endswith("."), (s.key, c.key, level.value)


def test_a_scenario_naming_an_unknown_module_is_refused_with_its_place(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "s")
    path = tmp_path / "s" / "ta-deployment.yaml"
    path.write_text(path.read_text().replace("prepared_by: [ta-deployment,", "prepared_by: [no-such-module,"))
    with pytest.raises(ScenarioError) as refused:
        load_scenarios(tmp_path / "s", module_keys={m.key for m in load_catalogue().modules})
    assert [str(e) for e in refused.value.errors] == [
        "ta-deployment.yaml: prepared_by[0]: No curriculum module has the key ‘no-such-module’"
    ]


def test_a_fault_without_a_source_and_a_criterion_citing_an_unknown_source_are_located(tmp_path):
    shutil.copytree(DATA_DIR, tmp_path / "s")
    path = tmp_path / "s" / "governors-report.yaml"
    text = path.read_text()
    text = text.replace('sources: [{ref: data-protection, at: "UK GDPR arts 5(1)(c) and 9"}]', "sources: []", 1)
    text = text.replace("{ref: eef-implementation-2024, at:", "{ref: hearsay, at:", 1)
    path.write_text(text)
    with pytest.raises(ScenarioError) as refused:
        load_scenarios(tmp_path / "s")
    assert [str(e) for e in refused.value.errors] == [
        "governors-report.yaml: rubric.criteria[2].sources[0].ref: No source in reference.yaml has the key ‘hearsay’",
        "governors-report.yaml: rubric.fault_types[0].sources: Cite at least one source",
    ]
