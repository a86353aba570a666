"""The children's-names rule: which words of practice text look like a name nobody in the app has."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.given_names import names_of, possible_names, select

GIVEN = frozenset({"oliver", "amelia", "muhammad", "will", "may", "mary-jane", "jo", "sarah", "mum"})
NOBODY: frozenset[str] = frozenset()


def test_a_child_named_mid_sentence_or_at_its_start_is_found_once_in_order() -> None:
    text = "Asked Oliver to read. Amelia answered first, then Oliver again."
    assert possible_names(text, GIVEN, NOBODY) == ["Oliver", "Amelia"]


def test_a_known_member_of_staff_is_not_a_child() -> None:
    known = names_of(["Sarah Jones", "Mo Mentor"])
    assert possible_names("Sarah led the review with Muhammad's mother.", GIVEN, known) == ["Muhammad"]


def test_everyday_words_that_start_sentences_are_not_names_but_a_capital_mid_sentence_is() -> None:
    assert possible_names("Will the plan work? May we meet on Friday?", GIVEN, NOBODY) == []
    assert possible_names("The teacher asked Will to read aloud.", GIVEN, NOBODY) == ["Will"]


def test_roles_initials_acronyms_and_lower_case_words_pass() -> None:
    text = "The pupil (J.S.) in Year 4 has an EHCP; the SENCO will review it in may. OLIVER"
    assert possible_names(text, GIVEN, NOBODY) == []


def test_hyphenated_and_possessive_names_are_whole_words() -> None:
    assert possible_names("Mary-Jane's mother joined.", GIVEN, NOBODY) == ["Mary-Jane"]


def test_the_list_takes_names_ranked_in_britain_and_the_top_names_of_pupils_family_countries() -> None:
    dataset = {
        "Oliver": {"rank": {"GB": 202}},
        "Zuzanna": {"rank": {"PL": 40}},
        "Rareword": {"rank": {"GB": 25_000}},
        "Elsewhere": {"rank": {"BR": 3}},
        "Unranked": {"rank": {}},
    }
    assert select(dataset) == ["Oliver", "Zuzanna"]


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=200))
def test_anything_found_is_a_capitalised_word_of_the_text_from_the_list(text: str) -> None:
    for word in possible_names(text, GIVEN, NOBODY):
        assert word in text and word[0].isupper() and word.casefold() in GIVEN
