"""Export → import round-trips a programme; every bad import is refused whole, with a located message."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.problems import Invalid as DocumentError
from curriculum import services
from curriculum.diff import diff
from curriculum.models import Programme


def _document(app, programme_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        services.update_module(
            programme_id,
            None,
            "screening-processing",
            services.ModuleChanges(5, "Spring", frozenset({"screening-literacy"})),
        )
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
    assert _refusal(app, document) == [
        "modules[1].outcomes[0].text: Module 2 ‘Screening reading and spelling’, outcome 1, text: Missing data for required field."
    ]


def test_a_wrong_schema_version_is_refused(app, programme_id):
    document = _document(app, programme_id) | {"schema_version": 7}
    assert _refusal(app, document) == ["schema_version: This app reads schema version 1 only"]


def test_absurd_and_negative_hours_are_located(app, programme_id):
    document = _document(app, programme_id)
    document["modules"][0]["hours"] = 5000
    document["modules"][2]["hours"] = -2
    assert _refusal(app, document) == [
        "modules[0].hours: Module 1 ‘SEND law foundations’, hours: Enter hours as a whole number between 1 and 1,000",
        "modules[2].hours: Module 3 ‘Screening processing’, hours: Enter hours as a whole number between 1 and 1,000",
    ]


def test_duplicate_module_keys_are_located(app, programme_id):
    document = _document(app, programme_id)
    document["modules"].append(copy.deepcopy(document["modules"][0]))
    assert _refusal(app, document) == [
        "modules[3].key: Module 4 ‘SEND law foundations’, key: Module key ‘send-law-foundations’ is used by module 1 too"
    ]


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
    assert "‘Screening reading and spelling’ → ‘Screening processing’" in problem


def test_unknown_reference_keys_are_located(app, programme_id):
    document = _document(app, programme_id)
    document["modules"][0]["outcomes"][0]["npq_areas"] = ["statutory-framework", "astrology"]
    document["modules"][1]["area"] = "nowhere"
    assert _refusal(app, document) == [
        "modules[0].outcomes[0].npq_areas[1]: Module 1 ‘SEND law foundations’, outcome 1, NPQ area 2: No NPQ area has the key ‘astrology’",
        "modules[1].area: Module 2 ‘Screening reading and spelling’, area: No catalogue area has the key ‘nowhere’",
    ]


def test_a_file_with_four_problems_lists_all_four_in_one_pass(app, programme_id):
    document = _document(app, programme_id) | {"schema_version": 2}
    document["modules"][0]["hours"] = 0
    document["modules"][1]["prerequisites"] = ["nowhere"]
    document["modules"][2]["area"] = "nowhere"
    assert [problem.split(":")[0] for problem in _refusal(app, document)] == [
        "modules[0].hours",
        "modules[1].prerequisites[0]",
        "modules[2].area",
        "schema_version",
    ]


def test_a_module_key_longer_than_its_column_is_refused_not_cut(app, programme_id):
    document = _document(app, programme_id)
    document["modules"][0]["key"] = "k" * 81
    [problem] = _refusal(app, document)
    assert problem.startswith("modules[0].key: Module 1 ‘SEND law foundations’, key: Use 1 to 80 lower-case letters")


@pytest.mark.parametrize(
    ("text", "located"),
    [
        ("[1, 2]", "The file must hold one JSON object, starting with { — it starts with [ (a list)"),
        ('{"schema_version": NaN}', "schema_version: NaN is not a number JSON allows. Use a number"),
        ('{"schema_version": 1e400}', "schema_version: This number is too large"),
        ('{"schema_version": ' + "9" * 5000 + "}", "schema_version: Numbers can have at most 15 digits"),
        (
            '{"schema_version": 1, "programme": {"name": "\\ud800"}}',
            "programme.name: This text holds a character that cannot be saved (NUL or a lone surrogate). Remove it",
        ),
        (
            "[" * 1500 + "]" * 1500,
            "The file nests lists and objects more than 64 deep (line 1). Nothing this app reads nests that deep.",
        ),
        (
            "[" * 100_000,
            "The file nests lists and objects more than 64 deep (line 1). Nothing this app reads nests that deep.",
        ),
    ],
)
def test_hostile_json_is_refused_with_its_place(app, catalogue, text, located):
    assert _refusal(app, text) == [located]


@pytest.mark.parametrize(
    ("raw", "located"),
    [
        ('{"schema_version": 1}'.encode("utf-16"), "The file is UTF-16 text"),
        ('{"schema_version": 1}'.encode("utf-16-le"), "The file is UTF-16 text"),
        (b'{"programme":\n "caf\xe9"}', "The file is not UTF-8 text: byte 20 (line 2) cannot be read"),
    ],
)
def test_files_not_in_utf8_are_refused_saying_so(app, catalogue, raw, located):
    with app.app_context(), pytest.raises(DocumentError) as refused:
        services.import_programme(None, raw)
    [problem] = refused.value.problems
    assert problem.message.startswith(located)


def test_a_byte_order_mark_is_accepted(app, programme_id):
    document = _document(app, programme_id)
    with app.app_context():
        imported = services.import_programme(None, b"\xef\xbb\xbf" + json.dumps(document).encode())
        assert services.export_version(imported.draft)["modules"] == document["modules"]


def test_the_diff_lists_added_removed_and_changed_modules(app, programme_id):
    with app.app_context():
        first = services.publish(programme_id, None, None)
        before = services.export_version(first)
        services.start_draft(programme_id)
        services.update_module(programme_id, None, "screening-literacy", services.ModuleChanges(8))
        services.remove_module(programme_id, None, "screening-processing")
        services.add_own_module(programme_id, None, services.OwnModule(title="Local offer", summary="", hours=2))
        changes = diff(before, services.export_version(db.session.get(Programme, programme_id).draft))
    assert changes.added == ("Local offer",)
    assert changes.removed == ("Screening processing",)
    assert [(c.title, [(f.label, f.before, f.after) for f in c.fields]) for c in changes.changed] == [
        ("Screening reading and spelling", [("Hours", 4, 8)])
    ]
    assert (changes.hours_before, changes.hours_after) == (15, 16)
