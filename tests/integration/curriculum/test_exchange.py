"""Export → import round-trips a programme; every bad import is refused whole, with a located message."""
from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.validation import DocumentError
from curriculum import services
from curriculum.diff import diff
from curriculum.models import Programme


def _document(app, programme_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        draft = db.session.get(Programme, programme_id).draft
        services.update_module(draft, None, "screening-processing", services.ModuleChanges(5, "Spring", frozenset({"screening-literacy"})))
        return services.export_version(db.session.get(Programme, programme_id).draft)


def _count_programmes() -> int:
    return db.session.scalar(select(func.count()).select_from(Programme))


def test_export_then_import_gives_the_same_document(app, programme_id):
    document = _document(app, programme_id)
    with app.app_context():
        imported = services.import_programme(None, json.dumps(document))
        again = services.export_version(imported.draft)
    assert again == document
    assert document["modules"][2]["prerequisites"] == ["screening-literacy"]
    assert document["modules"][2]["block"] == "Spring"


def _refusal(app, document) -> list[str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        before = _count_programmes()
        with pytest.raises(DocumentError) as refused:
            services.import_programme(None, document if isinstance(document, str) else json.dumps(document))
        assert _count_programmes() == before, "a refused import must write nothing"
    return [str(e) for e in refused.value.errors]


def test_a_missing_outcome_text_is_located(app, programme_id):
    document = _document(app, programme_id)
    del document["modules"][1]["outcomes"][0]["text"]
    assert _refusal(app, document) == ["modules[1].outcomes[0].text: Missing data for required field."]


def test_a_wrong_schema_version_is_refused(app, programme_id):
    document = _document(app, programme_id) | {"schema_version": 7}
    assert _refusal(app, document) == ["schema_version: This app reads schema version 1 only"]


def test_absurd_and_negative_hours_are_located(app, programme_id):
    document = _document(app, programme_id)
    document["modules"][0]["hours"] = 5000
    document["modules"][2]["hours"] = -2
    assert _refusal(app, document) == [
        "modules[0].hours: Enter hours as a whole number between 1 and 1,000",
        "modules[2].hours: Enter hours as a whole number between 1 and 1,000",
    ]


def test_duplicate_module_keys_are_located(app, programme_id):
    document = _document(app, programme_id)
    document["modules"].append(copy.deepcopy(document["modules"][0]))
    assert _refusal(app, document) == ["modules[3].key: Module key ‘send-law-foundations’ is used by modules[0] too"]


def test_a_duplicate_json_key_is_located(app, programme_id):
    text = json.dumps(_document(app, programme_id))
    text = text.replace('"title": "SEND law foundations"', '"title": "SEND law foundations", "title": "Again"', 1)
    assert _refusal(app, text) == ["modules[0].title: This key appears more than once in the same object; keep one"]


def test_malformed_json_names_line_and_column(app, catalogue):
    assert _refusal(app, '{"schema_version": 1,\n "programme": }') == [
        "This is not valid JSON: Expecting value at line 2, column 15"
    ]


def test_a_prerequisite_cycle_in_a_document_is_refused(app, programme_id):
    document = _document(app, programme_id)
    document["modules"][1]["prerequisites"] = ["screening-processing"]
    [problem] = _refusal(app, document)
    assert problem.startswith("modules: The prerequisites make a loop: ")
    assert "screening-literacy → screening-processing" in problem or "screening-processing → screening-literacy" in problem


def test_unknown_reference_keys_are_located(app, programme_id):
    document = _document(app, programme_id)
    document["modules"][0]["outcomes"][0]["npq_areas"] = ["statutory-framework", "astrology"]
    document["modules"][1]["area"] = "nowhere"
    assert _refusal(app, document) == [
        "modules[0].outcomes[0].npq_areas[1]: No NPQ area has the key ‘astrology’",
        "modules[1].area: No catalogue area has the key ‘nowhere’",
    ]


def test_the_diff_lists_added_removed_and_changed_modules(app, programme_id):
    with app.app_context():
        programme = db.session.get(Programme, programme_id)
        first = services.publish(programme.draft, None, None)
        before = services.export_version(first)
        draft = services.start_draft(programme)
        services.update_module(draft, None, "screening-literacy", services.ModuleChanges(8))
        services.remove_module(draft, None, "screening-processing")
        services.add_own_module(draft, None, services.OwnModule(title="Local offer", summary="", hours=2))
        changes = diff(before, services.export_version(draft))
    assert changes.added == ("Local offer",)
    assert changes.removed == ("Screening processing",)
    assert [(c.title, [(f.label, f.before, f.after) for f in c.fields]) for c in changes.changed] == [
        ("Screening reading and spelling", [("Hours", 4, 8)])
    ]
    assert (changes.hours_before, changes.hours_after) == (15, 16)
