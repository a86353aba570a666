"""The idempotency key's rule: what a script may send as the key of one observation."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from assessments.services.submissions import IDEMPOTENCY_KEY_MAX_LENGTH, is_idempotency_key

ALLOWED = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:-"


def test_a_uuid_is_a_key_and_so_is_the_forms_token_shape():
    assert is_idempotency_key(str(uuid.uuid4()))
    assert is_idempotency_key("kill-3-17-a1b2c3d4e5f6")


@given(st.text(alphabet=ALLOWED, min_size=8, max_size=IDEMPOTENCY_KEY_MAX_LENGTH))
def test_any_8_to_64_allowed_characters_are_a_key(key):
    assert is_idempotency_key(key)


@given(st.text(alphabet=ALLOWED, max_size=7) | st.text(alphabet=ALLOWED, min_size=IDEMPOTENCY_KEY_MAX_LENGTH + 1))
def test_a_key_too_short_or_longer_than_its_column_is_refused(key):
    assert not is_idempotency_key(key)


@given(st.text(min_size=1).filter(lambda t: any(c not in ALLOWED for c in t)))
def test_a_key_with_any_other_character_is_refused(key):
    assert not is_idempotency_key(key.ljust(8, "a"))


def test_a_trailing_newline_does_not_sneak_past_the_pattern():
    assert not is_idempotency_key("abcdefgh\n")
