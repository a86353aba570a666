"""The history of a corrected observation, in words: what changed between two snapshots."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from assessments.revisions import Titles, changes, snapshot

TITLES = Titles({"voice": "Keeps the child's voice central", "chair": "Chairs the meeting"}, {"late": "Late notice"})


def _snap(
    levels: dict[str, int | None],
    comments: dict[str, str] | None = None,
    faults: tuple[str, ...] = (),
    outcome: str = "met",
    setting: str = "Meeting room",
    day: date = date(2026, 3, 3),
) -> dict:  # type: ignore[type-arg]
    judgements = [{"criterion": k, "level": v, "comment": (comments or {}).get(k, "")} for k, v in levels.items()]
    return snapshot(
        day,
        setting,
        ["Parents or carers"],
        "",
        {"judgements": judgements, "faults": [{"fault": f} for f in faults]},
        {"outcome": outcome},
    )


def test_a_changed_level_names_the_criterion_and_both_levels():
    before = _snap({"voice": 2, "chair": 3}, outcome="not yet met")
    after = _snap({"voice": 3, "chair": 3})
    assert changes(before, after, TITLES) == [
        "‘Keeps the child's voice central’: level 2 changed to level 3",
        "Outcome: not yet met changed to met",
    ]


def test_comments_faults_and_details_are_each_said_once():
    before = _snap({"voice": 3}, {"voice": "Read out only."}, faults=("late",), setting="Hall")
    after = _snap({"voice": 3}, {"voice": "Asked the pupil first."}, day=date(2026, 3, 4))
    assert changes(before, after, TITLES) == [
        "Date: 3 March 2026 changed to 4 March 2026",
        "Setting: “Hall” changed to “Meeting room”",
        "Comment on ‘Keeps the child's voice central’: “Read out only.” changed to “Asked the pupil first.”",
        "Fault ‘Late notice’: recorded once, now none",
    ]


def test_a_criterion_judged_for_the_first_time_reads_as_from_not_observed():
    assert changes(_snap({}), _snap({"chair": 4}), TITLES) == ["‘Chairs the meeting’: not observed changed to level 4"]


def test_a_long_comment_is_shortened_in_the_history_line():
    line = changes(_snap({"voice": 3}), _snap({"voice": 3}, {"voice": "word " * 100}), TITLES)[0]
    assert line.endswith("…”") and len(line) < 250


levels = st.dictionaries(st.sampled_from(["voice", "chair", "other"]), st.one_of(st.none(), st.integers(0, 5)))


@given(levels)
def test_a_snapshot_compared_with_itself_has_no_changes(found):
    assert changes(_snap(found), _snap(found), TITLES) == []


@given(levels, levels)
def test_there_is_a_change_exactly_when_the_levels_differ(first, second):
    def words(found):  # type: ignore[no-untyped-def]
        return {k: v for k, v in found.items() if v is not None}

    assert bool(changes(_snap(first), _snap(second), TITLES)) == (words(first) != words(second))
