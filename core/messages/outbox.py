"""What the Outbox page reads: every message the app wrote, whichever way it went out."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.messages.models import Message, MessageStatus
from core.paging import PAGE_SIZE, Page, clamp

STATUS_LABELS = {
    MessageStatus.PENDING: "Waiting to be sent",
    MessageStatus.DIGEST: "Waiting for the daily digest",
    MessageStatus.SENDING: "Being sent",
    MessageStatus.SENT: "Sent",
    MessageStatus.FAILED: "Failed",
    MessageStatus.BUNDLED: "Sent in a daily digest",
}
STATUS_COLOURS = {
    MessageStatus.PENDING: "govuk-tag--blue",
    MessageStatus.DIGEST: "govuk-tag--grey",
    MessageStatus.SENDING: "govuk-tag--blue",
    MessageStatus.SENT: "govuk-tag--green",
    MessageStatus.FAILED: "govuk-tag--red",
    MessageStatus.BUNDLED: "govuk-tag--green",
}


def messages_page(number: int, size: int = PAGE_SIZE) -> Page[Message]:
    """One page of every message, newest first."""
    total = db.session.scalar(select(func.count()).select_from(Message)) or 0
    number = clamp(number, total, size)
    rows = db.session.scalars(
        select(Message).order_by(Message.created_at.desc(), Message.id.desc()).offset((number - 1) * size).limit(size)
    )
    return Page(tuple(rows), number, size, total)


def message(message_id: int) -> Message | None:
    return db.session.get(Message, message_id)


def counts() -> dict[MessageStatus, int]:
    """How many messages are in each state (the page's summary, and ``flask messages list``)."""
    rows = db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    found = {status: number for status, number in rows}  # noqa: C416 (rows are Row objects, not pairs dict() takes)
    return {status: int(found.get(status.value, 0)) for status in MessageStatus}
