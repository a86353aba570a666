"""The shipped catalogue files load through the schemas and say what the product promises."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from curriculum.catalogue import DATA_DIR, CatalogueError, load_catalogue

REQUIRED_AREAS = {
    "send-law",
    "identification",
    "meeting-need",
    "data-action-planning",
    "leading-cpd",
    "co-production",
    "multi-agency",
    "advocacy",
    "research",
    "leadership",
    # issue 12: the areas a provider's designer looks for first
    "safeguarding-information",
    "send-funding",
    "rights-disagreement",
    "behaviour-attendance",
    "transitions",
    "health-medical",
    "npq-pathway",
}
SURVEY = {  # DOMAIN.md §2, from Skipp and Tyers (2022)
    "legal-duties": 88,
    "theory-into-practice": 85,
    "inclusive-practice": 84,
    "critical-reflection": 83,
    "literature-review": 78,
    "subject-knowledge": 78,
    "portfolio": 76,
    "research-skills": 75,
    "strategic-leaders": 71,
    "pupil-voice": 71,
    "the-role": 65,
    "families": 64,
    "effects-of-send": 75,
    "sharing-expertise": 73,
    "specialist-guidance": 68,
    "day-to-day-provision": 66,
    "recording-systems": 63,
    "identification": 63,
    "strategic-direction": 71,
    "collaboration": 71,
    "deploying-staff": 67,
    "developing-workforce": 66,
    "monitoring-provision": 60,
}
SCENARIOS = {
    "annual-review",
    "screening-assessment",
    "family-relationship",
    "staff-training",
    "challenging-conversation",
    "ta-deployment",
    "provision-map",
    "cohort-data-action-plan",
    "coaching-after-observation",
    "ehc-needs-assessment-request",
    "sen-support-review",
    "governors-report",
    "exam-access-arrangements",
    "transition-meeting",
}


@pytest.fixture(scope="module")
def catalogue():  # type: ignore[no-untyped-def]
    return load_catalogue()


def test_every_proposed_area_is_present_and_send_law_is_mandatory(catalogue):
    assert {a.key for a in catalogue.areas} == REQUIRED_AREAS
    assert [a.key for a in catalogue.areas if a.mandatory] == ["send-law"]


def test_every_outcome_has_a_source_an_npq_area_and_npq_phrasing(catalogue):
    outcomes = [o for m in catalogue.modules for o in m.outcomes]
    assert len(outcomes) >= 40
    for outcome in outcomes:
        assert outcome.sources and all(s.strip() for s in outcome.sources), outcome.key
        assert outcome.npq_areas, outcome.key
        expected = "Learn that " if outcome.kind == "knowledge" else "Learn how to "
        assert outcome.text.startswith(expected), outcome.key


def test_all_eight_npq_areas_are_defined_and_each_is_covered_by_some_outcome(catalogue):
    keys = [a.key for a in catalogue.npq_areas]
    assert len(keys) == 8
    covered = {k for m in catalogue.modules for o in m.outcomes for k in o.npq_areas}
    assert covered == set(keys)


def test_the_survey_percentages_match_the_2022_survey(catalogue):
    assert {s.key: s.met_well_percent for s in catalogue.survey_items} == SURVEY
    assert catalogue.survey_source.startswith("Skipp, A. and Tyers, C. (2022)")
    # The percentages are of NASENCO holders and students, section by section, not of "571 SENCOs".
    assert "NASENCO holders and students" in catalogue.survey_base
    assert all(base in catalogue.survey_base for base in ("542", "528", "515"))


def test_modules_prepare_for_known_scenarios_and_every_scenario_is_prepared_for(catalogue):
    used = {s for m in catalogue.modules for s in m.scenario_keys}
    assert used == SCENARIOS


def test_statutory_numbers_in_the_content_match_the_law(catalogue):
    texts = {o.key: o.text for m in catalogue.modules for o in m.outcomes}
    assert "within 6 weeks" in texts["ehc-assessment-timeline"]
    assert "15 days" in texts["ehc-assessment-timeline"] and "20 weeks" in texts["ehc-assessment-timeline"]
    assert "12 months" in texts["ehc-annual-review-timeline"] and "2 weeks" in texts["ehc-annual-review-timeline"]
    assert (
        "third anniversary" in texts["law-senco-role-and-report"]
        and "head teacher" in texts["law-senco-role-and-report"]
    )
    review = texts["ehc-annual-review-timeline"]
    assert "within 4 weeks of the meeting" in review and "within 8 weeks" in review
    assert "1 September 2024" in texts["qualification-which"] and "1 September 2027" in texts["qualification-which"]
    assert "twelve months" in texts["qualification-who"]
    assert "para 6.37" in " ".join(
        next(o.sources for m in catalogue.modules for o in m.outcomes if o.key == "adaptive-first-response")
    )


def test_the_four_areas_of_need_use_the_code_of_practice_wording(catalogue):
    assert "sensory and/or physical" in catalogue.module("identifying-need").summary


def test_facts_are_credited_to_the_documents_that_state_them(catalogue):
    cited = {o.key: " ".join(o.sources) for m in catalogue.modules for o in m.outcomes}
    assert "Knoster" in cited["change-five-elements"]
    assert "Making Best Use of Teaching Assistants" in cited["ta-deploy-impact"]
    assert "s.20 (duty to make adjustments) and Sch. 13" in cited["equality-anticipatory-adjustments"]
    assert "Specific Duties and Public Authorities) Regulations 2017" in cited["equality-accessibility-plan"]
    assert "reg. 49" in cited["law-senco-role-and-report"] and "SI 2024/535" in cited["qualification-which"]
    assert "Skipp" not in cited["data-limits"]
    assert "Pearson" in cited["screen-literacy-tools"]  # who may give which test, from the publisher


def test_the_75_hours_is_the_question_and_the_weekly_band_is_the_dfe_guidance(catalogue):
    by_key = {b.key: b for b in catalogue.benchmarks}
    assert "HL4397" in by_key["npq-senco-2022"].sources[0] and "not a DfE figure" in by_key["npq-senco-2022"].title
    assert "approximately 225 hours to complete" in by_key["nasenco-guided"].title
    assert all("national-professional-qualification" in s for s in catalogue.hours_band.sources)


def test_benchmarks_carry_their_sources(catalogue):
    hours = {b.key: b.hours for b in catalogue.benchmarks}
    assert hours == {
        "npq-senco-low": 78,
        "npq-senco-high": 156,
        "npq-senco-2022": 75,
        "npqlbc": 82,
        "npqh": 112,
        "nasenco-guided": 225,
        "nasenco-notional": 600,
    }
    assert all(b.sources for b in catalogue.benchmarks)


def _broken_copy(tmp_path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    areas = yaml.safe_load((target / "areas.yaml").read_text())
    edit(areas)
    (target / "areas.yaml").write_text(yaml.safe_dump(areas, allow_unicode=True))
    return target


def _errors(tmp_path: Path, edit) -> list[str]:  # type: ignore[no-untyped-def]
    with pytest.raises(CatalogueError) as refused:
        load_catalogue(_broken_copy(tmp_path, edit))
    return [str(e) for e in refused.value.errors]


def test_a_citation_without_a_locator_is_located(tmp_path):
    def edit(data):  # type: ignore[no-untyped-def]
        data["areas"][0]["modules"][0]["outcomes"][1]["sources"] = [{"ref": "cfa-2014"}]

    assert _errors(tmp_path, edit) == [
        "areas.yaml: areas[0].modules[0].outcomes[1].sources[0].at: Missing data for required field."
    ]


def test_an_unknown_source_is_located(tmp_path):
    def edit(data):  # type: ignore[no-untyped-def]
        data["areas"][0]["modules"][0]["outcomes"][0]["sources"] = [{"ref": "hearsay", "at": "p. 1"}]

    assert _errors(tmp_path, edit) == [
        "areas.yaml: areas[0].modules[0].outcomes[0].sources[0].ref: No source in reference.yaml has the key ‘hearsay’"
    ]


def test_an_outcome_without_a_source_is_located(tmp_path):
    def edit(data):  # type: ignore[no-untyped-def]
        data["areas"][1]["modules"][0]["outcomes"][1]["sources"] = []

    assert _errors(tmp_path, edit) == ["areas.yaml: areas[1].modules[0].outcomes[1].sources: Cite at least one source"]


def test_an_unknown_npq_area_and_a_duplicate_module_key_are_located(tmp_path):
    def edit(data):  # type: ignore[no-untyped-def]
        data["areas"][0]["modules"][0]["outcomes"][0]["npq"] = ["astrology"]
        data["areas"][2]["modules"][1]["key"] = "graduated-approach"

    assert _errors(tmp_path, edit) == [
        "areas.yaml: areas[0].modules[0].outcomes[0].npq[0]: No NPQ area has the key ‘astrology’",
        "areas.yaml: areas[2].modules[0].key: The key ‘graduated-approach’ is used more than once",
        "areas.yaml: areas[2].modules[1].key: The key ‘graduated-approach’ is used more than once",
    ]


def test_an_outcome_not_phrased_as_the_npq_does_is_refused(tmp_path):
    def edit(data):  # type: ignore[no-untyped-def]
        data["areas"][0]["modules"][1]["outcomes"][0]["text"] = "Understand EHC plans."

    assert _errors(tmp_path, edit) == [
        "areas.yaml: areas[0].modules[1].outcomes[0].text: Start with “Learn that” (knowledge) or “Learn how to” (practice)"
    ]


def test_every_resolved_citation_fits_a_programme_document(catalogue):
    # Programmes copy citations; the programme document accepts sources of up to 500 characters.
    cited = [s for m in catalogue.modules for o in m.outcomes for s in o.sources]
    assert cited and max(len(s) for s in cited) <= 500
