"""Where a new message starts, for each kind of message and each choice a person can make; how long a failed one waits."""

from __future__ import annotations

import pytest

from core.messages.kinds import Category
from core.messages.models import MessageStatus
from core.messages.preferences import Choices, Frequency, first_status

AT_ONCE, DIGEST = Frequency.AT_ONCE, Frequency.DAILY_DIGEST


@pytest.mark.parametrize("frequency", [AT_ONCE, DIGEST])
@pytest.mark.parametrize("reminders", [True, False])
def test_a_security_message_goes_at_once_whatever_the_person_chose(frequency, reminders):
    assert first_status(Category.SECURITY, Choices(frequency, reminders)) is MessageStatus.PENDING


def test_with_no_choice_made_every_message_goes_at_once():
    for category in Category:
        assert first_status(category, Choices()) is MessageStatus.PENDING


def test_a_daily_digest_holds_activity_and_reminders_for_the_digest():
    assert first_status(Category.ACTIVITY, Choices(DIGEST, True)) is MessageStatus.DIGEST
    assert first_status(Category.REMINDER, Choices(DIGEST, True)) is MessageStatus.DIGEST


def test_reminders_off_writes_no_reminder_but_still_the_activity():
    assert first_status(Category.REMINDER, Choices(AT_ONCE, False)) is None
    assert first_status(Category.REMINDER, Choices(DIGEST, False)) is None
    assert first_status(Category.ACTIVITY, Choices(AT_ONCE, False)) is MessageStatus.PENDING


def test_retries_wait_longer_after_each_failure_up_to_the_last_wait():
    from datetime import timedelta

    from core.messages.delivery import ATTEMPTS_MAX, RETRY_AFTER_SECONDS, retry_after

    waits = [retry_after(n) for n in range(1, ATTEMPTS_MAX + 2)]
    assert waits == sorted(waits) and waits[0] == timedelta(minutes=1)
    assert waits[-1] == timedelta(seconds=RETRY_AFTER_SECONDS[-1])
