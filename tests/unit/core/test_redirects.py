"""The safe-redirect check, against the corpus of known bypasses."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.redirects import local_target
from tests.redirect_corpus import leaves_site, redirect_bypasses


def test_the_corpus_holds_at_least_thirty_bypasses():
    assert len(redirect_bypasses()) >= 30


@pytest.mark.parametrize("bypass", redirect_bypasses())
def test_no_known_bypass_is_accepted_as_given_or_decoded(bypass):
    for value in (bypass, unquote(bypass)):
        target = local_target(value)
        assert target is None or not leaves_site(target), value


@pytest.mark.parametrize(
    "path", ["/", "/admin/people/new", "/curriculum/programmes/3?tab=analysis#modules", "/search?q=caf%C3%A9"]
)
def test_paths_on_this_site_are_kept_whole(path):
    assert local_target(path) == path


@pytest.mark.parametrize("value", ["", None, "/\t/evil.example", "/\r\n/x", "//evil.example", "/\\evil.example"])
def test_empty_and_control_laden_targets_are_refused(value):
    assert local_target(value) is None


@given(st.text(max_size=40))
def test_whatever_is_accepted_stays_on_this_site(value):
    target = local_target(value)
    assert target is None or not leaves_site(target)
