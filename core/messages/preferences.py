"""What each person chooses about the emails they get: at once or in a daily digest; reminders on or off.

No row means the defaults (every email at once, reminders on), so nobody has to choose anything.
Security emails (invitations, password resets, email changes) ignore both choices.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.extensions import db
from core.messages.kinds import Category, MessageKind
from core.messages.models import MessageStatus


class Frequency(str, enum.Enum):
    AT_ONCE = "at_once"
    DAILY_DIGEST = "daily_digest"

    @property
    def label(self) -> str:
        return FREQUENCY_LABELS[self]


FREQUENCY_LABELS = {
    Frequency.AT_ONCE: "Send each email at once",
    Frequency.DAILY_DIGEST: "Send one email a day listing everything",
}


class MessagePreference(db.Model):
    """One person's choices; absent until they first save the page."""

    __tablename__ = "message_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    daily_digest: Mapped[bool] = mapped_column(default=False)
    reminders: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class Choices:
    frequency: Frequency = Frequency.AT_ONCE
    reminders: bool = True


def choices_of(user_id: int) -> Choices:
    row = db.session.get(MessagePreference, user_id)
    if row is None:
        return Choices()
    return Choices(Frequency.DAILY_DIGEST if row.daily_digest else Frequency.AT_ONCE, row.reminders)


def first_status(category: Category, choices: Choices) -> MessageStatus | None:
    """Where a new message of ``category`` starts for a person who chose ``choices``: None is not at all."""
    if category is Category.SECURITY:
        return MessageStatus.PENDING  # always, and at once, whatever the person chose
    if category.may_be_turned_off and not choices.reminders:
        return None
    if category.may_wait_for_digest and choices.frequency is Frequency.DAILY_DIGEST:
        return MessageStatus.DIGEST
    return MessageStatus.PENDING


def status_for(kind: MessageKind, user_id: int) -> MessageStatus | None:
    if kind.category is Category.SECURITY:  # no choice applies: no need to read them
        return first_status(kind.category, Choices())
    return first_status(kind.category, choices_of(user_id))


def save_choices(user_id: int, frequency: Frequency, reminders: bool) -> Choices:
    """Store the person's choices (their own settings page); committed here. Two tabs saving a
    first choice at once both insert: the second then updates the row the first made (the last
    save wins, as it would have one after the other)."""
    try:
        _store(user_id, frequency, reminders)
    except IntegrityError:
        db.session.rollback()
        _store(user_id, frequency, reminders)
    return Choices(frequency, reminders)


def _store(user_id: int, frequency: Frequency, reminders: bool) -> None:
    row = db.session.get(MessagePreference, user_id) or MessagePreference(user_id=user_id)
    row.daily_digest = frequency is Frequency.DAILY_DIGEST
    row.reminders = reminders
    row.updated_at = utcnow()
    db.session.add(row)
    db.session.commit()
