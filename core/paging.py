"""Pagination for the pages' lists: one page of a list, and the page number read from ``?page=``.

Pure Python (mypy strict). A page number that is not a whole number from 1 up, or is beyond the
last page, shows the first or the last page rather than an error: a hand-edited or stale address
still lands somewhere useful.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.whole_numbers import whole_number

T = TypeVar("T")
PAGE_SIZE = 25  # rows of a list on one page
PAGE_NUMBER_MAX = 10**6  # a longer number is not a page anybody asked for


@dataclass(frozen=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    number: int  # 1-based
    size: int
    total: int  # rows over every page

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_row(self) -> int:
        return min(self.number * self.size, self.total)


def page_number(raw: str | None) -> int:
    """``?page=`` as a page number: 1 for anything that is not a whole number from 1 to
    :data:`PAGE_NUMBER_MAX` (the one reading of ``?page=`` for every page and list)."""
    found = whole_number((raw or "").strip(), PAGE_NUMBER_MAX)
    return found if found else 1


def clamp(number: int, total: int, size: int = PAGE_SIZE) -> int:
    """``number`` kept within the pages that exist."""
    return min(max(number, 1), max(1, -(-total // size)))


def page_of(rows: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """One page of ``rows`` (already in order)."""
    number = clamp(number, len(rows), size)
    start = (number - 1) * size
    return Page(tuple(rows[start : start + size]), number, size, len(rows))
