"""File names in a cohort's ZIP: plain, safe, and still recognisably the trainee's."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from assessments.file_names import FILE_STEM_MAX_LENGTH, plan_file_name, safe_stem, zip_name

SAFE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_accents_and_welsh_letters_fold_to_their_plain_letters():
    assert safe_stem("Siân ap Gŵyn-Ŷr", "x") == "sian-ap-gwyn-yr"
    assert safe_stem("Zoë Ó Briain", "x") == "zoe-o-briain"


def test_paths_drives_and_markup_leave_only_words():
    assert safe_stem("../../etc/passwd", "x") == "etc-passwd"
    assert safe_stem("C:\\Windows\\system32", "x") == "c-windows-system32"
    assert safe_stem("<script>alert(1)</script>", "x") == "script-alert-1-script"


def test_a_name_with_no_latin_letters_falls_back_to_a_word():
    assert safe_stem("李小龍", "trainee") == "trainee"
    assert plan_file_name(3, "\u202e\x00") == "003-trainee.pdf"


def test_a_300_character_name_is_cut_to_the_limit_without_a_trailing_hyphen():
    stem = safe_stem("Llŷr " * 60, "x")
    assert len(stem) <= FILE_STEM_MAX_LENGTH
    assert SAFE.match(stem)


@given(st.text(max_size=400))
def test_any_text_gives_a_short_plain_stem(text):
    stem = safe_stem(text, "trainee")
    assert SAFE.match(stem)
    assert len(stem) <= FILE_STEM_MAX_LENGTH


@given(st.integers(min_value=1, max_value=999), st.text(max_size=300))
def test_a_plan_file_name_is_numbered_and_safe_in_any_unzip_tool(position, name):
    file_name = plan_file_name(position, name)
    assert re.match(rf"^{position:03d}-[a-z0-9-]+\.pdf$", file_name)
    assert "/" not in file_name and "\\" not in file_name and ".." not in file_name


def test_the_zip_is_named_for_its_cohort():
    assert zip_name("Autumn 2026: Riverside") == "training-plans-autumn-2026-riverside.zip"
