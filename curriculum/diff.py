"""What changed between two programme documents (see :mod:`curriculum.exchange`). Pure Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DETAIL_FIELDS = (
    ("name", "Name"),
    ("provider", "Provider"),
    ("cohort_start", "Cohort start"),
    ("length_weeks", "Length in weeks"),
)
MODULE_FIELDS = (
    ("title", "Title"),
    ("summary", "Summary"),
    ("hours", "Hours"),
    ("block", "Block"),
    ("prerequisites", "Prerequisites"),
    ("scenarios", "Observed scenarios"),
)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ModuleChange:
    key: str
    title: str
    fields: tuple[FieldChange, ...] = ()
    outcomes_added: tuple[str, ...] = ()
    outcomes_removed: tuple[str, ...] = ()
    outcomes_changed: tuple[tuple[str, str], ...] = ()  # (before, after)


@dataclass(frozen=True)
class ProgrammeDiff:
    details: tuple[FieldChange, ...] = ()
    added: tuple[str, ...] = ()  # module titles
    removed: tuple[str, ...] = ()
    changed: tuple[ModuleChange, ...] = ()
    moved: bool = False
    hours_before: int = 0
    hours_after: int = 0
    hours_changed: tuple[tuple[str, int, int], ...] = field(default=())  # (title, before, after)
    # The fewest modules that, moved, give the new running order, each with the module it now
    # follows (None: it now comes first): (title, title before it)
    order_changes: tuple[tuple[str, str | None], ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.details or self.added or self.removed or self.changed or self.moved)


def _field_changes(
    before: dict[str, Any], after: dict[str, Any], names: tuple[tuple[str, str], ...]
) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(label, before.get(name), after.get(name))
        for name, label in names
        if before.get(name) != after.get(name)
    )


def _module_change(before: dict[str, Any], after: dict[str, Any]) -> ModuleChange | None:
    old = {o["key"]: o for o in before["outcomes"]}
    new = {o["key"]: o for o in after["outcomes"]}
    change = ModuleChange(
        key=after["key"],
        title=after["title"],
        fields=_field_changes(before, after, MODULE_FIELDS),
        outcomes_added=tuple(new[k]["text"] for k in new if k not in old),
        outcomes_removed=tuple(old[k]["text"] for k in old if k not in new),
        outcomes_changed=tuple((old[k]["text"], new[k]["text"]) for k in new if k in old and old[k] != new[k]),
    )
    if change.fields or change.outcomes_added or change.outcomes_removed or change.outcomes_changed:
        return change
    return None


def _moved(kept_old: list[str], kept_new: list[str]) -> set[str]:
    """Keys outside a longest run kept in the same relative order: those are the ones that moved."""
    ranks = [kept_old.index(key) for key in kept_new]
    best: list[list[int]] = []  # best[i]: longest increasing run of ranks ending at i
    for i, rank in enumerate(ranks):
        before = [best[j] for j in range(i) if ranks[j] < rank]
        best.append(max(before, key=len, default=[]) + [i])
    stay = max(best, key=len, default=[])
    return {kept_new[i] for i in range(len(kept_new)) if i not in stay}


def _order_changes(kept_old: list[str], kept_new: list[str], new: dict[str, Any]) -> tuple[tuple[str, str | None], ...]:
    moved = _moved(kept_old, kept_new)
    return tuple(
        (new[k]["title"], new[kept_new[i - 1]]["title"] if i else None) for i, k in enumerate(kept_new) if k in moved
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> ProgrammeDiff:
    """Modules added, removed and changed (outcomes, hours…), from ``before`` to ``after``."""
    old = {m["key"]: m for m in before["modules"]}
    new = {m["key"]: m for m in after["modules"]}
    changed = tuple(c for k in new if k in old and (c := _module_change(old[k], new[k])) is not None)
    kept_old = [k for k in old if k in new]
    kept_new = [k for k in new if k in old]
    return ProgrammeDiff(
        details=_field_changes(before["programme"], after["programme"], DETAIL_FIELDS),
        added=tuple(new[k]["title"] for k in new if k not in old),
        removed=tuple(old[k]["title"] for k in old if k not in new),
        changed=changed,
        moved=kept_old != kept_new,
        order_changes=_order_changes(kept_old, kept_new, new),
        hours_before=sum(m["hours"] for m in before["modules"]),
        hours_after=sum(m["hours"] for m in after["modules"]),
        hours_changed=tuple(
            (new[k]["title"], old[k]["hours"], new[k]["hours"])
            for k in new
            if k in old and old[k]["hours"] != new[k]["hours"]
        ),
    )
