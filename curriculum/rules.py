"""The curriculum's rules, each in one place: limits, key and text lengths, outcome wording.

Forms, marshmallow schemas, services, the catalogue files and the database CHECK constraints all
read these. Plain Python: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Iterable

from core.keys import KEY_MAX_LENGTH
from core.problems import too_long

__all__ = ["too_long"]  # with the limits below: the room's rules, in one import

HOURS_PER_MODULE_MIN = 1
HOURS_PER_MODULE_MAX = 1_000
LENGTH_WEEKS_MIN = 1
LENGTH_WEEKS_MAX = 260  # five years: longer is a typing mistake, not a programme
CATALOGUE_HOURS_MAX = 10_000  # a benchmark counts a whole qualification's hours
CATALOGUE_WEEKS_MAX = 520

# Text lengths: each is the length of its database column.
TITLE_MAX_LENGTH = 200
NAME_MAX_LENGTH = 120  # programme name, provider, term or block
SUMMARY_MAX_LENGTH = 4_000
OUTCOME_TEXT_MAX_LENGTH = 2_000
SOURCE_MAX_LENGTH = 500
KIND_MAX_LENGTH = 20

# NPQ wording: an outcome starts with one of these prefixes, which says its kind.
OUTCOME_PREFIXES = {"Learn that ": "knowledge", "Learn how to ": "practice"}
OUTCOME_KINDS = tuple(OUTCOME_PREFIXES.values())
DELIVERY_MODE_WORDS = {  # each delivery mode's key, and how it reads in print: a new mode comes with its words
    "online-study": "online study",
    "seminar": "seminar",
    "peer-group": "peer group",
    "mentoring": "mentoring",
    "in-school-practice": "in-school practice",
}
DELIVERY_MODES = tuple(DELIVERY_MODE_WORDS)


def delivery_mode_words(modes: Iterable[str]) -> tuple[str, ...]:
    """``["online-study", "seminar"]`` → ``("online study", "seminar")``."""
    return tuple(DELIVERY_MODE_WORDS.get(mode, mode) for mode in modes)


def delivery_in_words(modes: Iterable[str]) -> str:
    """``["online-study", "seminar"]`` → "Online study, seminar" ("" for none)."""
    return ", ".join(delivery_mode_words(modes)).capitalize()


HOURS_MESSAGE = f"Enter hours as a whole number between {HOURS_PER_MODULE_MIN} and {HOURS_PER_MODULE_MAX:,}"
LENGTH_WEEKS_MESSAGE = f"Enter a length between {LENGTH_WEEKS_MIN} and {LENGTH_WEEKS_MAX} weeks"
OUTCOME_WORDING_MESSAGE = "Start with “Learn that” (knowledge) or “Learn how to” (practice)"
KEY_MESSAGE = f"Use 1 to {KEY_MAX_LENGTH} lower-case letters, digits and hyphens, starting with a letter or digit"


def missing(what: str) -> str:
    return f"Enter the {what.lower()}"


def hours_problem(hours: int) -> str | None:
    return None if HOURS_PER_MODULE_MIN <= hours <= HOURS_PER_MODULE_MAX else HOURS_MESSAGE


def length_weeks_problem(weeks: int) -> str | None:
    return None if LENGTH_WEEKS_MIN <= weeks <= LENGTH_WEEKS_MAX else LENGTH_WEEKS_MESSAGE


def outcome_kind(text: str) -> str | None:
    """``"knowledge"`` or ``"practice"`` from the outcome's opening words; None if neither."""
    return next((kind for prefix, kind in OUTCOME_PREFIXES.items() if text.startswith(prefix)), None)
