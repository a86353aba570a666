"""The competencies room's text limits, each in one place: the columns and what imports check.

Plain Python: no Flask, no database, no engine (the engine checks numbers and structure itself).
"""

from __future__ import annotations

from typing import Any

from core.keys import KEY_MAX_LENGTH, is_key
from core.problems import too_long

RUBRIC_TITLE_MAX_LENGTH = 200  # the rubric.title column
CRITERION_TITLE_MAX_LENGTH = 200
LEVEL_LABEL_MAX_LENGTH = 120
DESCRIPTOR_MAX_LENGTH = 2_000
KEY_MESSAGE = f"Use 1 to {KEY_MAX_LENGTH} lower-case letters, digits and hyphens, starting with a letter or digit"


def _length(value: Any, maximum: int, path: str, what: str) -> list[tuple[str, str]]:
    return [(path, too_long(maximum, what))] if isinstance(value, str) and len(value) > maximum else []


def text_problems(definition: Any) -> list[tuple[str, str]]:
    """Keys that are not keys and texts longer than their limits, in a rubric in the engine's format."""
    if not isinstance(definition, dict):
        return []
    problems = _length(definition.get("title"), RUBRIC_TITLE_MAX_LENGTH, "title", "Title")
    key = definition.get("key")
    if isinstance(key, str) and not is_key(key):
        problems.append(("key", KEY_MESSAGE))
    criteria = definition.get("criteria")
    for i, criterion in enumerate(criteria if isinstance(criteria, list) else []):
        if not isinstance(criterion, dict):
            continue
        problems += _length(criterion.get("title"), CRITERION_TITLE_MAX_LENGTH, f"criteria[{i}].title", "Title")
        if isinstance(criterion.get("key"), str) and not is_key(criterion["key"]):
            problems.append((f"criteria[{i}].key", KEY_MESSAGE))
        levels = criterion.get("levels")
        for j, level in enumerate(levels if isinstance(levels, list) else []):
            if isinstance(level, dict):
                problems += _length(
                    level.get("label"), LEVEL_LABEL_MAX_LENGTH, f"criteria[{i}].levels[{j}].label", "Label"
                )
                problems += _length(
                    level.get("descriptor"),
                    DESCRIPTOR_MAX_LENGTH,
                    f"criteria[{i}].levels[{j}].descriptor",
                    "Descriptor",
                )
    return problems
