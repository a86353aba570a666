"""Every fact the product states can be traced: each outcome, scenario, rubric criterion and
fault cites at least one source, and each cited source is a full reference in reference.yaml."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from competencies.scenarios import DATA_DIR as SCENARIOS_DIR
from curriculum.catalogue import DATA_DIR as CATALOGUE_DIR

REFERENCE = yaml.safe_load((CATALOGUE_DIR / "reference.yaml").read_text(encoding="utf-8"))
SOURCES = REFERENCE["sources"]
AREAS = yaml.safe_load((CATALOGUE_DIR / "areas.yaml").read_text(encoding="utf-8"))["areas"]
SCENARIOS = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(SCENARIOS_DIR.glob("*.yaml"))}


def _cited_things() -> list[tuple[str, list[dict[str, str]]]]:
    things = [
        (f"outcome {o['key']}", o.get("sources") or []) for a in AREAS for m in a["modules"] for o in m["outcomes"]
    ]
    for key, s in SCENARIOS.items():
        things.append((f"scenario {key}", s.get("sources") or []))
        rubric = s["rubric"]
        things += [(f"{key} criterion {c['key']}", c.get("sources") or []) for c in rubric["criteria"]]
        things += [(f"{key} fault {f['key']}", f.get("sources") or []) for f in rubric.get("fault_types") or []]
    things += [(f"benchmark {b['key']}", b["sources"]) for b in REFERENCE["benchmarks"]]
    things += [
        ("hours per week band", REFERENCE["hours_per_week_band"]["sources"]),
        ("survey", [REFERENCE["survey"]["source"]]),
    ]
    return things


@pytest.mark.parametrize(("what", "cited"), _cited_things(), ids=lambda v: v if isinstance(v, str) else "")
def test_each_outcome_scenario_criterion_and_fault_cites_a_known_source_with_a_locator(what, cited):
    assert cited, f"{what} cites no source"
    for citation in cited:
        assert citation["ref"] in SOURCES, f"{what} cites unknown source {citation['ref']}"
        assert citation.get("at", "").strip(), f"{what} gives no section, paragraph or page for {citation['ref']}"


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_each_source_is_a_full_reference_with_the_address_of_the_document_or_a_note(key):
    source = SOURCES[key]
    for field in ("author", "year", "title", "publisher"):
        assert str(source.get(field, "")).strip(), f"{key} has no {field}"
    if "url" in source:
        address = urlparse(source["url"])
        assert address.scheme == "https" and address.path.strip("/"), (
            f"{key}: link the document itself, not a home page"
        )
    else:
        assert source.get("note"), f"{key}: give the document's address, or a note saying why there is none"


def test_every_source_is_cited_somewhere():
    cited = {c["ref"] for _, citations in _cited_things() for c in citations}
    assert set(SOURCES) - cited == set()


def test_the_seed_articles_are_cited_by_author_and_outlet_not_by_a_bare_name():
    for key in ("middleton", "dobson", "skipp-tyers", "moloney", "morewood"):
        assert SOURCES[key]["year"] and SOURCES[key]["publisher"], key


def test_no_product_text_repeats_the_miscredited_facts():
    text = Path(CATALOGUE_DIR / "reference.yaml").read_text(encoding="utf-8") + Path(
        CATALOGUE_DIR / "areas.yaml"
    ).read_text(encoding="utf-8")
    assert "571 SENCOs" not in text
    assert "guided hours" not in text
    assert "sensory and physical" not in text
