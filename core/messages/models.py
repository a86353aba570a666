"""A message as it was written for one person, and where its delivery got to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.accounts.models import EMAIL_MAX_LENGTH
from core.clock import utcnow
from core.extensions import db
from core.messages.kinds import KIND_NAME_MAX_LENGTH

ABOUT_MAX_LENGTH = 120
SUBJECT_MAX_LENGTH = 200
MESSAGE_ERROR_MAX_LENGTH = 500


class MessageStatus(str, enum.Enum):
    PENDING = "pending"  # waiting to be sent
    DIGEST = "digest"  # waiting for the person's daily digest
    SENDING = "sending"  # claimed by one sender (a conditional UPDATE), so no other sends it too
    SENT = "sent"  # handed to the SMTP server, or written to the outbox
    FAILED = "failed"  # given up after the last attempt; the error says why
    BUNDLED = "bundled"  # sent as part of a digest (the digest is its own message)
    WITHHELD = "withheld"  # not sent: the person was deactivated or erased after it was written


class Message(db.Model):
    """One email to one person. (recipient, kind, about) is unique: telling someone the same thing
    twice (a reminder job run twice, a retried request) writes nothing the second time."""

    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "about", name="uq_message_recipient_kind_about"),
        Index("ix_message_status_send_after", "status", "send_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    to_address: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH))  # the address when it was written
    kind: Mapped[str] = mapped_column(String(KIND_NAME_MAX_LENGTH))
    about: Mapped[str] = mapped_column(String(ABOUT_MAX_LENGTH))  # what it tells of, e.g. "request:12:accepted"
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=MessageStatus.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    send_after: Mapped[datetime] = mapped_column(default=utcnow)  # the next attempt, after a failure
    sent_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(MESSAGE_ERROR_MAX_LENGTH))

    @property
    def state(self) -> MessageStatus:
        return MessageStatus(self.status)
