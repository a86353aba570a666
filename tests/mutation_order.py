"""A pytest plugin for make mutate only (loaded by [tool.mutmut] pytest_add_cli_args): example
tests run before property tests, so that a mutant an example kills is not first put through
a thousand generated cases of each property. Order within each kind is kept."""

from __future__ import annotations

import pytest


def _is_property(item: pytest.Item) -> bool:
    return bool(getattr(getattr(item, "obj", None), "is_hypothesis_test", False))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_is_property)  # sorted() is stable: examples first, each kind in its own order
