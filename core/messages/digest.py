"""The daily digest: for each person who chose it, one email listing what waited for the day.

Each waiting message (status DIGEST) is listed by its subject and its link (the one action it
asks for), then marked BUNDLED; the digest is a message of its own, about that day, so a second
run on the same day writes nothing new for the messages it already bundled.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from flask import Flask
from sqlalchemy import select, update

from core import jobs
from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from core.messages.kinds import Category, MessageKind, register_kind
from core.messages.models import Message, MessageStatus
from core.messages.services import DIGEST_KIND_NAME, SETTINGS_PATH, notify

DIGEST_JOB = "messages.digest"
DIGEST = MessageKind(
    name=DIGEST_KIND_NAME,
    subject="NPQ for SENCOs: {{ items|length }} update{{ '' if items|length == 1 else 's' }} for you",
    template="messages/digest.txt",
    category=Category.ACTIVITY,
    why="you chose to get one email a day instead of an email for each update",
)
LINK = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Item:
    subject: str
    link: str | None


def _link_in(body: str) -> str | None:
    """The message's one action: its first link that is not the footer's link to the settings."""
    for found in LINK.findall(body):
        if not found.rstrip(".),").endswith(SETTINGS_PATH):
            return str(found.rstrip(".),"))
    return None


def bundle_digests(now: datetime | None = None) -> int:
    """Write each person's digest of the messages waiting for it; how many digests were written. Commits."""
    day = f"{(now or utcnow()):%Y-%m-%d}"
    waiting: dict[int, list[Message]] = defaultdict(list)
    for message in db.session.scalars(
        select(Message).where(Message.status == MessageStatus.DIGEST.value).order_by(Message.id)
    ):
        waiting[message.recipient_id].append(message)
    written = 0
    for recipient_id, messages in waiting.items():
        recipient = db.session.get(User, recipient_id)
        if recipient is None:
            continue
        items = [Item(m.subject, _link_in(m.body)) for m in messages]
        if notify(recipient, DIGEST.name, about=f"digest:{day}:{messages[-1].id}", items=items) is not None:
            written += 1
        db.session.execute(
            update(Message)
            .where(Message.id.in_([m.id for m in messages]), Message.status == MessageStatus.DIGEST.value)
            .values(status=MessageStatus.BUNDLED.value, sent_at=utcnow()),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
    return written


def _digest_job(work: jobs.Work) -> str:
    written = bundle_digests()
    work.output.write_text(f"Digests written: {written}.\n")
    return "digests.txt"


def init_app(app: Flask) -> None:
    register_kind(app, DIGEST)
    jobs.register_kind(app, DIGEST_JOB, _digest_job)
    jobs.register_daily(app, DIGEST_JOB)
