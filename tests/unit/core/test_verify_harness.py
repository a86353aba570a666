"""The judgements `make verify` makes, checked on known cases so that a green row means something."""

from __future__ import annotations

import pytest

from tests.hostile import corpus
from verify.sign_in_rows import leaves_the_site


@pytest.mark.parametrize(
    "location",
    [
        "//evil.example",
        "https://evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "\t//evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        " https://evil.example",
        "http:evil.example",
    ],
)
def test_a_location_a_browser_would_follow_to_another_host_counts_as_off_site(location):
    assert leaves_the_site(location)


@pytest.mark.parametrize(
    "location", ["/", "/curriculum/", "curriculum", "/sign-in?next=%2F%2Fevil.example", "http://verify.localhost/x"]
)
def test_a_location_on_this_site_is_not_off_site(location):
    assert not leaves_the_site(location)


def test_the_kept_hostile_corpus_is_what_the_generator_writes_and_holds_at_least_150_bodies():
    kept = {p.name: p.read_bytes() for p in corpus.BODIES.iterdir()}
    assert kept == dict(corpus.bodies())
    assert len(kept) + len(list(corpus.large_bodies())) >= 150


def test_only_legitimate_values_may_be_accepted_and_malformed_documents_never():
    assert corpus.must_be_refused("programme-hours-nan.json")
    assert corpus.must_be_refused("raw-empty.json")
    assert corpus.must_be_refused("deep-arrays-1500.json")
    assert not corpus.must_be_refused("programme-block-empty.json")
