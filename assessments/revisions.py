"""What a correction of a submitted observation changed, in words.

A revision keeps two snapshots of the observation (before and after: date, setting, who was
present, the engine's evidence and its result). :func:`changes` compares them and says, one line a
change, what a reader of the history needs: a level moved, a comment rewritten, a fault added or
taken away, the outcome changed. Pure: plain dicts in, sentences out, so it is tested without an
app and the page, the API and a PDF all read the same words.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

COMMENT_SHOWN_MAX = 120  # a long comment is shortened in the history line; the snapshot keeps it whole


@dataclass(frozen=True)
class Titles:
    """How to name a rubric's parts in words: criterion and fault-type titles by key."""

    criteria: Mapping[str, str] = field(default_factory=dict)
    faults: Mapping[str, str] = field(default_factory=dict)

    def criterion(self, key: str) -> str:
        return self.criteria.get(key, key)

    def fault(self, key: str) -> str:
        return self.faults.get(key, key)


def snapshot(
    observed_on: date,
    setting: str,
    present: list[str],
    present_notes: str,
    evidence: Mapping[str, Any],
    result: Mapping[str, Any],
) -> dict[str, Any]:
    """An observation as the history keeps it: JSON as it stands."""
    return {
        "observed_on": observed_on.isoformat(),
        "setting": setting,
        "present": list(present),
        "present_notes": present_notes,
        "evidence": dict(evidence),
        "result": dict(result),
    }


def _judgements(evidence: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(j.get("criterion")): j for j in evidence.get("judgements", []) if isinstance(j, Mapping)}


def _level_words(judgement: Mapping[str, Any] | None) -> str:
    if judgement is None:
        return "not observed"
    if judgement.get("not_applicable"):
        return "not applicable"
    level = judgement.get("level")
    return "not observed" if level is None else f"level {level}"


def _shown(text: str) -> str:
    text = " ".join(text.split())
    if len(text) > COMMENT_SHOWN_MAX:
        text = text[: COMMENT_SHOWN_MAX - 1].rstrip() + "…"
    return f"“{text}”" if text else "none"


def _fault_counts(evidence: Mapping[str, Any]) -> Counter[str]:
    return Counter(str(f.get("fault")) for f in evidence.get("faults", []) if isinstance(f, Mapping))


def _in_criterion_order(keys: set[str], order: Mapping[str, str]) -> list[str]:
    known = [k for k in order if k in keys]
    return known + sorted(keys - set(known))


def _judgement_changes(before: Mapping[str, Any], after: Mapping[str, Any], titles: Titles) -> list[str]:
    old, new = _judgements(before), _judgements(after)
    lines = []
    for key in _in_criterion_order(set(old) | set(new), titles.criteria):
        was, now = old.get(key), new.get(key)
        name = f"‘{titles.criterion(key)}’"
        if _level_words(was) != _level_words(now):
            lines.append(f"{name}: {_level_words(was)} changed to {_level_words(now)}")
        old_comment = str((was or {}).get("comment") or "").strip()
        new_comment = str((now or {}).get("comment") or "").strip()
        if old_comment != new_comment:
            lines.append(f"Comment on {name}: {_shown(old_comment)} changed to {_shown(new_comment)}")
    return lines


def _fault_changes(before: Mapping[str, Any], after: Mapping[str, Any], titles: Titles) -> list[str]:
    old, new = _fault_counts(before), _fault_counts(after)
    lines = []
    for key in sorted(set(old) | set(new), key=titles.fault):
        if old[key] != new[key]:
            lines.append(f"Fault ‘{titles.fault(key)}’: recorded {_times(old[key])}, now {_times(new[key])}")
    return lines


def _times(count: int) -> str:
    return {0: "none", 1: "once", 2: "twice"}.get(count, f"{count} times")


def _detail_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    lines = []
    if before.get("observed_on") != after.get("observed_on"):
        lines.append(f"Date: {_date(before.get('observed_on'))} changed to {_date(after.get('observed_on'))}")
    if before.get("setting") != after.get("setting"):
        lines.append(
            f"Setting: {_shown(str(before.get('setting', '')))} changed to {_shown(str(after.get('setting', '')))}"
        )
    if list(before.get("present", [])) != list(after.get("present", [])):
        lines.append(
            f"Who was present: {', '.join(before.get('present', [])) or 'none recorded'} changed to "
            f"{', '.join(after.get('present', [])) or 'none recorded'}"
        )
    if before.get("present_notes", "") != after.get("present_notes", ""):
        lines.append("Notes on who was present were changed")
    return lines


def _date(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {day:%B %Y}"


def changes(before: Mapping[str, Any], after: Mapping[str, Any], titles: Titles) -> list[str]:
    """Each difference between two snapshots, in words; empty when nothing changed."""
    lines = _detail_changes(before, after)
    old_evidence, new_evidence = before.get("evidence", {}), after.get("evidence", {})
    lines += _judgement_changes(old_evidence, new_evidence, titles)
    lines += _fault_changes(old_evidence, new_evidence, titles)
    old_outcome = before.get("result", {}).get("outcome")
    new_outcome = after.get("result", {}).get("outcome")
    if old_outcome != new_outcome:
        lines.append(f"Outcome: {old_outcome} changed to {new_outcome}")
    return lines
