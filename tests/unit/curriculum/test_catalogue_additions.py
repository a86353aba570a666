"""What a provider's course designer would otherwise miss (issue 26): each addition is in the
catalogue, says what the issue asks, and cites its source with a locator; the framework's
statements have a place to go and a coverage view that names any statement no module covers."""

from __future__ import annotations

import dataclasses

import pytest

from curriculum.catalogue import NpqStatement, framework_coverage, load_catalogue

CATALOGUE = load_catalogue()
OUTCOMES = {o.key: o for m in CATALOGUE.modules for o in m.outcomes}


def cited(key: str) -> str:
    return " | ".join(OUTCOMES[key].sources)


@pytest.mark.parametrize(
    ("key", "words", "citations"),
    [
        ("rights-independent-advice", ["SENDIASS", "IPSEA", "Contact"], ["s.32", "ch. 2", "IPSEA", "Contact"]),
        ("screen-assessor-route", ["qualified teacher", "level B", "level 7"], ["Qualification Level A", "Level 7"]),
        ("ehc-phase-transfer", ["15 February", "31 March"], ["reg. 18", "Transfer between phases"]),
        ("ehc-specific-provision", ["section F", "quantified", "section E"], ["s.42", "sections E and F"]),
        ("mental-health-routes", ["CAMHS", "social, emotional and mental health"], ["Broad areas of need"]),
        ("mental-health-lead-and-teams", ["senior mental health lead", "mental health support team"], ["green paper"]),
        ("research-evidence-caveats", ["commissioned", "alumni", "48%", "20%"], ["157689", "Introduction"]),
        (
            "law-senco-anchors",
            ["governing body or the proprietor", "leadership team", "time and resources"],
            ["para 6.87", "para 6.91", "reg. 50", "reg. 49(1)"],
        ),
        ("accountability-ofsted", ["Ofsted", "Care Quality Commission"], ["Ofsted"]),
        ("accountability-census", ["code E", "code K", "census"], ["codes E, K and N"]),
        ("workforce-cpd-leadership", ["Teacher Development Trust"], ["Morewood", "Leading CPD"]),
        ("research-continuing", ["Chartered College of Teaching"], ["Morewood", "Engaging with research"]),
        ("coprod-doing-with", ["Parent Carer Forum"], ["Morewood", "National Network of Parent Carer Forums"]),
    ],
)
def test_each_addition_says_what_a_designer_needs_and_cites_where_it_comes_from(key, words, citations):
    assert key in OUTCOMES, f"the catalogue has no outcome {key}"
    for word in words:
        assert word in OUTCOMES[key].text, f"{key} should say {word!r}"
    for source in citations:
        assert source in cited(key), f"{key} should cite {source!r}"


def test_the_survey_is_shown_with_who_commissioned_it_and_the_dfe_consultation_beside_it():
    caveat = CATALOGUE.survey_caveat
    assert "commissioned by the NASENCO providers" in caveat and "alumni" in caveat
    assert "48%" in caveat and "20%" in caveat and "157689" in caveat


def test_the_framework_statements_are_said_to_be_unread_and_every_npq_area_is_covered():
    assert CATALOGUE.framework.statements == ()
    assert "could not be read here" in CATALOGUE.framework.note
    areas, statements = framework_coverage(CATALOGUE)
    assert statements == ()
    assert [a.key for a in areas] == [a.key for a in CATALOGUE.npq_areas]
    assert all(a.modules for a in areas)


def test_a_framework_statement_no_outcome_maps_to_is_listed_with_no_module():
    first = CATALOGUE.modules[0]
    mapped = dataclasses.replace(first.outcomes[0], npq_statements=("sf-1",))
    module = dataclasses.replace(first, outcomes=(mapped, *first.outcomes[1:]))
    area = dataclasses.replace(CATALOGUE.areas[0], modules=(module, *CATALOGUE.areas[0].modules[1:]))
    statements = (
        NpqStatement("sf-1", "1.1", "statutory-framework", "Learn that one thing."),
        NpqStatement("sf-2", "1.2", "statutory-framework", "Learn how to do another."),
    )
    data = dataclasses.replace(
        CATALOGUE,
        areas=(area, *CATALOGUE.areas[1:]),
        framework=dataclasses.replace(CATALOGUE.framework, statements=statements),
    )
    _, coverage = framework_coverage(data)
    assert [(c.statement.reference, c.modules) for c in coverage] == [("1.1", (first.title,)), ("1.2", ())]
