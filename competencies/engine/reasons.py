"""The one renderer: reasons and missing sign-off conditions, as the English a trainee reads.

Results store codes with parameters; a page, the API and the training-plan PDF all call
:func:`render` (or :func:`render_missing`), so the words are written once, here.
"""

from __future__ import annotations

from typing import Any

from competencies.engine.model import Rubric
from competencies.engine.numbers import shown
from competencies.engine.results import Missing, Reason


def _title(rubric: Rubric | None, key: Any) -> str:
    return f"‘{rubric.title_of(key) if rubric else key}’"


def _level(rubric: Rubric | None, criterion: str | None, value: Any) -> str:
    """``3 (Secure)`` when the level has a label, else the number as shown."""
    if isinstance(value, int) and rubric is not None and criterion is not None:
        found = rubric.criterion(criterion)
        if found is not None and found.levels:
            return f"{value} ({found.label_of(value)})"
    return shown(value) if isinstance(value, float) else str(value)


def _names(rubric: Rubric | None, keys: Any) -> str:
    return ", ".join(_title(rubric, k) for k in keys)


def render(r: Reason, rubric: Rubric | None = None) -> str:
    """One reason in English; ``rubric`` (the one that produced it) supplies titles and labels."""
    p = r.values
    c = r.criterion
    code = r.code
    if code == "fault_fails":
        note = f": {p['note']}" if p.get("note") else ""
        under = f" under {_title(rubric, c)}" if c else ""
        return (
            f"A {p['severity']} fault{under}, {_title(rubric, p['fault'])}{note}. "
            "This fault means not yet met, whatever else went well."
        )
    if code == "not_observed":
        missing = p["criteria"]
        return (
            f"Not enough evidence: {_names(rubric, missing)} {'was' if len(missing) == 1 else 'were'} not observed. "
            "Observe again before deciding."
        )
    if code == "nothing_applicable":
        return "Not enough evidence: no criterion that counts applied in this observation."
    if code == "must_meet_below":
        return (
            f"{_title(rubric, c)} was at level {_level(rubric, c, p['given'])}; it must reach level "
            f"{_level(rubric, c, p['needed'])} whatever the total, so this is not yet met."
        )
    if code == "score_reached":
        return f"The weighted score is {shown(p['percent'])}%, reaching the {p['needed']:g}% needed."
    if code == "score_below":
        return (
            f"The weighted score is {shown(p['percent'])}%, below the {p['needed']:g}% needed. "
            f"Lowest-rated: {_title(rubric, c)} at level {p['given']} of {p['top']}."
        )
    if code == "below_pass_level":
        return (
            f"{_title(rubric, c)} was rated {_level(rubric, c, p['given'])}; level "
            f"{_level(rubric, c, p['needed'])} is needed to pass."
        )
    if code == "entrusted":
        return f"Every part was rated at least {p['needed']}: trusted at the level needed to pass."
    if code == "minor_faults_over":
        return f"{p['given']} minor faults were recorded; no more than {p['allowed']} are allowed."
    if code == "minor_faults_within":
        s = "" if p["given"] == 1 else "s"
        return f"{p['given']} minor fault{s} (no more than {p['allowed']} allowed) and no serious or dangerous fault."
    if code == "no_counted_observation":
        return "No observation with enough evidence yet."
    if code == "no_complete_observation":
        return "No observation judged every criterion yet."
    if code == "latest_fault_blocks":
        return "The latest observation has a fault that fails it, so this is not yet met whatever came before."
    if code == "n_times":
        return f"Met in {p['met']} of {p['of']} observations; {p['needed']} needed."
    if code in ("aggregate_reached", "aggregate_below"):
        verb = "reaching" if code == "aggregate_reached" else "below"
        return (
            f"By the {p['method'].replace('-', ' ')} of each criterion, the weighted score is "
            f"{shown(p['percent'])}%, {verb} the {p['needed']:g}% needed."
        )
    if code == "other_rubric_left_out":
        n = p["count"]
        return (
            f"{n} observation{'s' if n != 1 else ''} scored with another version of the rubric "
            f"{'were' if n != 1 else 'was'} left out; only version {p['version']} counts."
        )
    return f"{code} ({', '.join(f'{k}: {v}' for k, v in r.params)})"  # a code this engine does not know


def render_all(reasons: tuple[Reason, ...], rubric: Rubric | None = None) -> tuple[str, ...]:
    return tuple(render(r, rubric) for r in reasons)


def render_missing(m: Missing) -> str:
    if m.code == "met_observations":
        more = m.need - m.have
        return f"{more} more met observation{'s' if more != 1 else ''} ({m.have} of {m.need} so far)."
    if m.code == "observers":
        return f"Met with {m.need} different observers ({m.have} so far): one more needs a new observer."
    if m.code == "settings":
        return f"Met in {m.need} different settings ({m.have} so far): one more needs another setting."
    if m.code == "latest_met":
        return "The latest observation must be met."
    if m.code == "no_dangerous_recently":
        return f"No dangerous fault in the most recent observations ({m.have} found)."
    return f"{m.code}: {m.have} of {m.need}"
