"""Strict reading of uploaded documents: what is refused, and that it says where."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.documents import DEPTH_MAX, parse_json, parse_object, read_text
from core.problems import Invalid, Problem

STORABLE_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**15) + 1, 10**15 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | STORABLE_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(STORABLE_TEXT, children, max_size=4),
    max_leaves=20,
)


def _problems(raw: bytes | str) -> list[Problem]:
    with pytest.raises(Invalid) as refused:
        parse_json(raw)
    return refused.value.problems


@given(JSON_VALUES)
def test_any_json_a_careful_writer_produces_reads_back_unchanged(value):
    assert parse_json(json.dumps(value)) == value
    assert parse_json(json.dumps(value, ensure_ascii=False).encode()) == value


def test_a_byte_order_mark_is_dropped_and_utf16_is_refused():
    assert read_text(b"\xef\xbb\xbf{}") == "{}"
    assert _problems("{}".encode("utf-16"))[0].message.startswith("The file is UTF-16 text")
    assert _problems("{}".encode("utf-16-be"))[0].message.startswith("The file is UTF-16 text")


def test_invalid_utf8_names_the_byte_and_line():
    assert _problems(b'{\n"a": "\xc3("}') == [
        Problem("", "The file is not UTF-8 text: byte 9 (line 2) cannot be read. Save it again as UTF-8.")
    ]


def test_every_refused_value_is_listed_with_its_path_in_one_pass():
    text = '{"a": NaN, "b": [Infinity, -Infinity], "c": 1e400, "d": 1234567890123456, "e": {"k": 1, "k": 2}, "f": "\\ud800"}'
    assert [(p.path, p.message.split(" ")[0]) for p in _problems(text)] == [
        ("a", "NaN"),
        ("b[0]", "Infinity"),
        ("b[1]", "-Infinity"),
        ("c", "This"),
        ("d", "Numbers"),
        ("e.k", "This"),
        ("f", "This"),
    ]


def test_nesting_is_refused_past_the_limit_however_deep_and_accepted_up_to_it():
    assert parse_json("[" * DEPTH_MAX + "]" * DEPTH_MAX) is not None
    for depth in (DEPTH_MAX + 1, 1_500, 100_000):
        [problem] = _problems("[" * depth + "]" * depth)
        assert problem.message.startswith(f"The file nests lists and objects more than {DEPTH_MAX} deep (line 1)")


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert parse_json('{"a": "' + "[" * 200 + '"}') == {"a": "[" * 200}


def test_a_top_level_value_other_than_an_object_is_refused_by_parse_object():
    for text, kind in (("[]", "[ (a list)"), ('"x"', "a string"), ("3", "a number"), ("null", "null")):
        with pytest.raises(Invalid) as refused:
            parse_object(text)
        assert refused.value.problems[0].message.endswith(f"it starts with {kind}")


def test_syntax_errors_name_line_and_column():
    assert _problems('{"a": 1,\n "b": }') == [
        Problem("", "This is not valid JSON: Expecting value at line 2, column 7")
    ]
