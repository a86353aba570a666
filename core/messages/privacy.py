"""What the emails and emailed links hold about people, for the privacy registry (core.privacy)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from sqlalchemy import delete, select

from core import privacy
from core.accounts.links import AccountLink
from core.accounts.models import User
from core.extensions import db
from core.messages.models import Message
from core.messages.preferences import MessagePreference
from core.messages.transports import eml_path
from core.privacy import Basis, Erase, Export, PersonalField, PersonalFiles, PersonalTable, erasure

RECIPIENT = "the person, administrators (the outbox)"
# What an export says in place of another person's name in an email written for this one.
OTHER_PERSON = "another person"
NAME_MIN_LENGTH = 3  # shorter names are not looked for: they would match inside ordinary words


def others_named_out(person_id: int) -> Callable[[str], str]:
    """Emails name other people (the trainee who asked, the mentor who answered), always by their
    account's name; a subject access export names nobody else, so each becomes "another person"."""
    names = {n.strip() for n in db.session.scalars(select(User.name).where(User.id != person_id))}
    names = {n for n in names if len(n) >= NAME_MIN_LENGTH}
    if not names:
        return lambda text: text
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(names, key=len, reverse=True)))
    return lambda text: pattern.sub(OTHER_PERSON, text)


def _field(holds: str, export: str = Export.AS_IS) -> PersonalField:
    return PersonalField(holds, Basis.CONTRACT, RECIPIENT, export, Erase.DELETE)


MESSAGE = PersonalTable(
    "message",
    {
        "recipient_id": _field("who the email was written for"),
        "to_address": _field("the address it was sent to"),
        "about": _field("what it tells of, as ids of records (e.g. an observation request)"),
        "subject": _field("its subject line"),
        "body": _field("its text (links in it are single-use or need signing in)"),
        "error": _field("why sending it failed, if it did"),
        "sent_at": _field("when it was sent"),
    },
    retention="messages",
    not_personal=("kind", "category", "status", "attempts", "send_after"),
    title="Emails we sent you",
)
ACCOUNT_LINK = PersonalTable(
    "account_link",
    {
        "user_id": _field("whose link it is"),
        "token_hash": _field("the SHA-256 of the link's secret (never exported)", Export.NOT_EXPORTED),
        "new_email": _field("the new email address a change-of-email link confirms"),
        "used_at": _field("when the link was used"),
    },
    retention="account_links",
    title="Links we emailed you (invitations, password resets, email changes)",
)

MESSAGE_PREFERENCE = PersonalTable(
    "message_preference",
    {
        "user_id": PersonalField("whose choices they are", Basis.CONTRACT, "the person", Export.AS_IS, Erase.DELETE),
        "daily_digest": PersonalField(
            "whether they get one email a day instead of each at once",
            Basis.CONTRACT,
            "the person",
            Export.AS_IS,
            Erase.DELETE,
        ),
        "reminders": PersonalField(
            "whether they get reminders", Basis.CONTRACT, "the person", Export.AS_IS, Erase.DELETE
        ),
    },
    retention="accounts",
    not_personal=("updated_at",),
    title="How we email you",
)
OUTBOX_FILES = PersonalFiles(
    "emails written to the outbox (instance/outbox)",
    "each email as an .eml file, when no mail server is set up: the address, subject and text",
    retention="messages",
    erase=Erase.DELETE,
)


def forget_outbox_copies(message_ids: Iterable[int]) -> None:
    """Remove the outbox's .eml copies of these messages once the erasure commits: the copy of a
    message whose text changed (a name replaced) would still hold what was erased. The Outbox page
    reads the row, so it shows the new text."""
    erasure.remove_after_commit(*(p for p in map(eml_path, message_ids) if p.exists()))


class MessagesProvider(privacy.Provider):
    name = "Emails"
    tables = (MESSAGE, ACCOUNT_LINK, MESSAGE_PREFERENCE)
    files = (OUTBOX_FILES,)

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        messages = db.session.scalars(select(Message).where(Message.recipient_id == person_id).order_by(Message.id))
        found = db.session.scalars(select(AccountLink).where(AccountLink.user_id == person_id).order_by(AccountLink.id))
        named_out = others_named_out(person_id)
        return {
            "message": [
                {
                    "to_address": m.to_address,
                    "subject": named_out(m.subject),
                    "body": named_out(m.body),
                    "status": m.status,
                    "sent_at": m.sent_at,
                }
                for m in messages
            ],
            "account_link": [
                {"purpose": a.purpose, "new_email": a.new_email, "created_at": a.created_at, "used_at": a.used_at}
                for a in found
            ],
            "message_preference": [
                {"daily_digest": p.daily_digest, "reminders": p.reminders, "updated_at": p.updated_at}
                for p in db.session.scalars(select(MessagePreference).where(MessagePreference.user_id == person_id))
            ],
        }

    def erase(self, person_id: int) -> list[str]:
        forget_outbox_copies(db.session.scalars(select(Message.id).where(Message.recipient_id == person_id)))
        db.session.execute(delete(Message).where(Message.recipient_id == person_id))
        db.session.execute(delete(AccountLink).where(AccountLink.user_id == person_id))
        db.session.execute(delete(MessagePreference).where(MessagePreference.user_id == person_id))
        return [
            "Every email written for the person (and its outbox file), every link emailed to them, "
            "and their choices of how we email them, are deleted."
        ]


def init_app(app: Flask) -> None:
    privacy.register(app, MessagesProvider())
