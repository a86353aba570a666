"""One line of "What needs you" on a home page: the rooms and core's own pages list these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Item:
    """What needs doing, and the page to act on it (an endpoint and its values)."""

    text: str
    endpoint: str
    values: dict[str, Any] = field(default_factory=dict)
    status: str = "To do"  # the tag beside it: words, never colour alone
    colour: str = "blue"
