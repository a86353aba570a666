"""The running order: prerequisites placed too late, and how a new order differs from the old."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from curriculum.diff import diff
from curriculum.prerequisites import out_of_order


def _document(keys: list[str]) -> dict:  # type: ignore[type-arg]
    modules = [{"key": k, "title": k.upper(), "hours": 1, "outcomes": []} for k in keys]
    return {"programme": {}, "modules": modules}


def test_a_module_before_its_prerequisite_is_named_with_it():
    assert out_of_order(["law", "screening", "tas"], {"law": {"tas"}, "screening": {"law"}}) == [("law", "tas")]


def test_prerequisites_that_come_first_or_are_missing_raise_nothing():
    assert out_of_order(["law", "screening"], {"screening": {"law"}, "law": {"gone"}}) == []


def test_a_module_moved_to_the_front_is_the_one_said_to_have_moved():
    changes = diff(_document(["a", "b", "c", "d"]), _document(["d", "a", "b", "c"]))
    assert changes.moved and changes.order_changes == (("D", None),)


def test_a_module_moved_down_is_said_to_come_after_its_new_neighbour():
    changes = diff(_document(["a", "b", "c", "d"]), _document(["b", "c", "a", "d"]))
    assert changes.order_changes == (("A", "C"),)


def test_added_and_removed_modules_are_not_order_changes():
    changes = diff(_document(["a", "b", "c"]), _document(["x", "a", "c", "y"]))
    assert not changes.moved and changes.order_changes == ()


@given(st.permutations(list("abcdefg")))
def test_moving_only_the_modules_named_gives_the_new_order(new_order):
    """Take the named modules out, keep the rest in their old order, and put each back after the
    module it is said to follow: the result is the new order, and no more modules are named
    than had to move."""
    old_order = list("abcdefg")
    changes = diff(_document(old_order), _document(new_order))
    moved = {title.lower(): (after.lower() if after else None) for title, after in changes.order_changes}
    kept = [k for k in old_order if k not in moved]
    assert kept == [k for k in new_order if k not in moved]  # the rest did not change places
    rebuilt = list(kept)
    for key in new_order:
        if key in moved:
            after = moved[key]
            rebuilt.insert(0 if after is None else rebuilt.index(after) + 1, key)
    assert rebuilt == list(new_order)
    assert changes.moved == (new_order != old_order)


@given(st.permutations(list("abcdef")), st.data())
def test_every_module_named_runs_before_the_prerequisite_named_with_it(order, data):
    requires = {k: set(data.draw(st.lists(st.sampled_from(order), max_size=2))) - {k} for k in order}
    place = {k: i for i, k in enumerate(order)}
    found = out_of_order(order, requires)
    assert all(place[module] < place[needed] and needed in requires[module] for module, needed in found)
    expected = {(m, n) for m in order for n in requires[m] if place[n] > place[m]}
    assert set(found) == expected
