"""What the Outbox page reads: every message the app wrote, whichever way it went out."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.extensions import db
from core.messages.kinds import Category
from core.messages.models import Message, MessageStatus
from core.paging import PAGE_SIZE, Page, clamp

STATUS_LABELS = {
    MessageStatus.PENDING: "Waiting to be sent",
    MessageStatus.DIGEST: "Waiting for the daily digest",
    MessageStatus.SENDING: "Being sent",
    MessageStatus.SENT: "Sent",
    MessageStatus.FAILED: "Failed",
    MessageStatus.BUNDLED: "Sent in a daily digest",
    MessageStatus.WITHHELD: "Not sent: the account was deactivated",
}
STATUS_COLOURS = {
    MessageStatus.PENDING: "govuk-tag--blue",
    MessageStatus.DIGEST: "govuk-tag--grey",
    MessageStatus.SENDING: "govuk-tag--blue",
    MessageStatus.SENT: "govuk-tag--green",
    MessageStatus.FAILED: "govuk-tag--red",
    MessageStatus.BUNDLED: "govuk-tag--green",
    MessageStatus.WITHHELD: "govuk-tag--grey",
}


def messages_page(number: int, size: int = PAGE_SIZE) -> Page[Message]:
    """One page of every message, newest first."""
    total = db.session.scalar(select(func.count()).select_from(Message)) or 0
    number = clamp(number, total, size)
    rows = db.session.scalars(
        select(Message).order_by(Message.created_at.desc(), Message.id.desc()).offset((number - 1) * size).limit(size)
    )
    return Page(tuple(rows), number, size, total)


# A link's secret: a path segment as long as a token (core.accounts.links makes 43 characters).
LINK_SECRET = re.compile(r"(https?://\S*/)[A-Za-z0-9_-]{20,}")
SECRET_HIDDEN = r"\1[hidden: this link works once, for the person it was sent to]"


def message(message_id: int) -> Message | None:
    return db.session.get(Message, message_id)


def text_for_administrators(found: Message, sent_by_smtp: bool) -> str:
    """The message's text as the Outbox shows it. Once mail really goes out, the secret of a
    single-use link in a security email (an invitation, a password reset) is hidden: whoever reads
    the outbox must not be able to use someone else's link. In the embedded default nothing is sent,
    so the outbox is how the link reaches the person, and it is shown whole."""
    return without_link_secrets(found.body, found.category) if sent_by_smtp else found.body


def without_link_secrets(body: str, category: str) -> str:
    """A security email's text with the secret of each single-use link hidden; any other as it is."""
    return LINK_SECRET.sub(SECRET_HIDDEN, body) if category == Category.SECURITY.value else body


def counts() -> dict[MessageStatus, int]:
    """How many messages are in each state (the page's summary, and ``flask messages list``)."""
    rows = db.session.execute(select(Message.status, func.count()).group_by(Message.status)).all()
    found = {status: number for status, number in rows}  # noqa: C416 (rows are Row objects, not pairs dict() takes)
    return {status: int(found.get(status.value, 0)) for status in MessageStatus}
