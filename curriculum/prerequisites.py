"""Prerequisites between the modules of a programme: a graph that must have no cycle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from graphlib import CycleError, TopologicalSorter


def find_cycle(requires: Mapping[str, Set[str]]) -> list[str] | None:
    """A cycle as a list of module keys (first repeated last), or None when there is none."""
    try:
        TopologicalSorter({key: set(needed) for key, needed in requires.items()}).prepare()
    except CycleError as error:
        return list(error.args[1])
    return None


def dependants(requires: Mapping[str, Set[str]], key: str) -> list[str]:
    """The modules that list ``key`` among their prerequisites, in a stable order."""
    return sorted(other for other, needed in requires.items() if key in needed)


def out_of_order(running_order: Sequence[str], requires: Mapping[str, Set[str]]) -> list[tuple[str, str]]:
    """(module, prerequisite) pairs where the module runs before its prerequisite, in running order."""
    place = {key: index for index, key in enumerate(running_order)}
    return [
        (key, needed)
        for key in running_order
        for needed in sorted(requires.get(key, ()), key=lambda k: place.get(k, -1))
        if place.get(needed, -1) > place[key]
    ]
