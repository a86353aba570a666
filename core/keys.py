"""Keys made from titles: lower-case words joined by hyphens, unique where they live."""

from __future__ import annotations

import re
from collections.abc import Callable

KEY_MAX_LENGTH = 80  # the length of every key column
KEY_PATTERN = rf"^[a-z0-9][a-z0-9-]{{0,{KEY_MAX_LENGTH - 1}}}$"  # what every schema accepts as a key
SLUG_MAX_LENGTH = 60  # leaves room for a prefix or a "-12" suffix within 80
_KEY = re.compile(KEY_PATTERN)


def is_key(text: str) -> bool:
    return _KEY.fullmatch(text) is not None


def slug(text: str, fallback: str) -> str:
    """``"Keeps the child's voice"`` → ``"keeps-the-child-s-voice"``; ``fallback`` when nothing is left."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:SLUG_MAX_LENGTH].strip("-") or fallback


def unique_key(base: str, taken: Callable[[str], bool]) -> str:
    """``base``, or ``base-2``, ``base-3``… the first that ``taken`` says is free."""
    key, n = base, 2
    while taken(key):
        key, n = f"{base}-{n}", n + 1
    return key
