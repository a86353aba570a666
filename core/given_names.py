"""Does a piece of practice text appear to name a person? Pure rules, no Flask.

Mentors and trainees write about children; the record should hold roles or initials, never a
child's name. The given names come from a maintained package (names-dataset, see ``select``),
not from a list typed here; the only words typed here are English words that start sentences
and happen to be given names somewhere ("May", "Will", "So").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# Given names ranked in Great Britain down to this rank, plus the most common names of twenty
# other countries: the package gives Muhammad, Fatima or Zainab no British rank at all.
GB_RANK_LIMIT = 10_000
OTHER_RANK_LIMIT = 1_000
OTHER_COUNTRIES = frozenset(
    [
        "IE",
        "PK",
        "IN",
        "BD",
        "NG",
        "PL",
        "RO",
        "SO",
        "TR",
        "GH",
        "LT",
        "PT",
        "IT",
        "SA",
        "EG",
        "IQ",
        "AF",
        "JM",
        "ZA",
        "KE",
    ]  # ISO 3166 alpha-2
)

# Sentence-initial words that are given names in the package but are far more often English.
# Mid-sentence, a capital letter still makes them suspect ("asked Will to read").
SENTENCE_WORDS = frozenset(
    ["an", "as", "be", "can", "day", "did", "do", "home", "just", "may", "no", "our", "so", "staff", "still", "will"]
)

# A word: letters, with inner hyphens or apostrophes (Mary-Jane, O'Neill). Digits end a word.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")
_POSSESSIVE = re.compile(r"['’]s$")


def select(first_names: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The given names to look for, from names-dataset's ``first_names`` (name → ranks by country)."""
    chosen = []
    for name, facts in first_names.items():
        ranks: Mapping[str, int] = facts.get("rank") or {}
        if ranks.get("GB", GB_RANK_LIMIT + 1) <= GB_RANK_LIMIT or any(
            ranks.get(country, OTHER_RANK_LIMIT + 1) <= OTHER_RANK_LIMIT for country in OTHER_COUNTRIES
        ):
            chosen.append(name)
    return sorted(chosen)


def names_of(people: Iterable[str]) -> frozenset[str]:
    """Every word of the names of people the app knows (staff, trainees), case-folded."""
    return frozenset(word.casefold() for person in people for word in _WORD.findall(person))


def possible_names(text: str, given_names: frozenset[str], known: frozenset[str]) -> list[str]:
    """Words of ``text`` that look like someone's given name and are not a known person's name.

    ``given_names`` and ``known`` are case-folded. A word counts when it starts with a capital
    and is not all capitals (SEN, EHCP); at the start of a sentence, not when it is an everyday
    English word. Each name is listed once, in the order it first appears."""
    found: list[str] = []
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group())
        folded = word.casefold()
        if not word[0].isupper() or word.isupper() and len(word) > 1:
            continue
        if folded not in given_names or folded in known or word in found:
            continue
        if folded in SENTENCE_WORDS and _starts_sentence(text, match.start()):
            continue
        found.append(word)
    return found


def _starts_sentence(text: str, at: int) -> bool:
    before = text[:at]
    return not before.strip() or _SENTENCE_END.search(before) is not None
