"""Writing a message for one person: :func:`notify`, called where the thing happens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from jinja2 import Environment, StrictUndefined, Template
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.accounts.models import User
from core.clock import utcnow
from core.extensions import db
from core.messages import preferences
from core.messages.kinds import MessageKind, kind_named
from core.messages.models import ABOUT_MAX_LENGTH, SUBJECT_MAX_LENGTH, Message, MessageStatus

TEXT_ENVIRONMENT = "message_text_environment"  # app.extensions key
SUBJECTS = "message_subjects"  # app.extensions key: compiled subject lines
FOOTER_TEMPLATE = "messages/_footer.txt"
# Where a person chooses how they get emails; the footer of every message links to it.
SETTINGS_PATH = "/account/emails"
DIGEST_KIND_NAME = "digest"  # the daily digest (core.messages.digest)


def base_url() -> str:
    """The address people reach the app at (BASE_URL), without a trailing slash."""
    return str(current_app.config["BASE_URL"]).rstrip("/")


def link_to(endpoint: str, **values: Any) -> str:
    """An absolute link to a page, built without a request (jobs and commands write messages too)."""
    base = urlsplit(base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def _text_environment() -> Environment:
    """Plain text: nothing is HTML-escaped, and a missing value is an error rather than a blank."""
    environment = current_app.extensions.get(TEXT_ENVIRONMENT)
    if environment is None:
        environment = Environment(
            loader=current_app.jinja_env.loader, autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True
        )
        current_app.extensions[TEXT_ENVIRONMENT] = environment
    return environment


def _subject_template(environment: Environment, subject: str) -> Template:
    """A kind's subject line compiled once per app (a bulk import writes thousands of the same kind)."""
    compiled: dict[str, Template] = current_app.extensions.setdefault(SUBJECTS, {})
    if subject not in compiled:
        compiled[subject] = environment.from_string(subject)
    return compiled[subject]


def render(kind: MessageKind, recipient: User, context: dict[str, Any]) -> tuple[str, str]:
    """The subject line and the body (the kind's text, then why the person gets it and how to change that)."""
    environment = _text_environment()
    values = {"name": recipient.name, **context, "kind": kind, "settings_link": base_url() + SETTINGS_PATH}
    subject = " ".join(_subject_template(environment, kind.subject).render(values).split())
    body = environment.get_template(kind.template).render(values).strip()
    footer = environment.get_template(FOOTER_TEMPLATE).render(values).strip()
    return subject[:SUBJECT_MAX_LENGTH], f"{body}\n\n{footer}\n"


def _first_status(kind: MessageKind, recipient: User) -> MessageStatus | None:
    """PENDING to send at once, DIGEST to wait for the person's daily digest; None when the person
    has turned this kind off (core.messages.preferences: security emails ignore every choice)."""
    if kind.name == DIGEST_KIND_NAME:
        return MessageStatus.PENDING  # the digest itself goes at once, or it would wait for itself
    return preferences.status_for(kind, recipient.id)


def already_told(recipient_id: int, kind: str, about: str) -> bool:
    found = db.session.scalar(
        select(Message.id).where(Message.recipient_id == recipient_id, Message.kind == kind, Message.about == about)
    )
    return found is not None


def notify(
    recipient: User,
    kind_name: str,
    *,
    about: str,
    to_address: str | None = None,
    new_recipient: bool = False,
    **context: Any,
) -> Message | None:
    """Write message ``kind_name`` for ``recipient`` about ``about``, in the caller's transaction.

    ``about`` names what the message tells of ("request:12:accepted"): the same person is never
    told the same thing twice, so a second call (a reminder job run again) writes nothing and
    returns None. Nothing is written for an erased or deactivated person, or for a kind the person
    turned off. Not committed here: it is sent only if the caller's change is committed.
    ``to_address`` sends it elsewhere than the person's current address (a change of email:
    the confirmation goes to the new address). ``new_recipient``: the person was added in this very
    transaction, so nothing can have been told to them yet and neither the check nor the guard
    against a second writer is needed (an import inviting thousands).
    """
    kind = kind_named(kind_name)
    if len(about) > ABOUT_MAX_LENGTH:
        raise ValueError(f"a message's 'about' is at most {ABOUT_MAX_LENGTH} characters: {about!r}")
    if recipient.erased or not recipient.active:
        return None
    if not new_recipient and already_told(recipient.id, kind.name, about):
        return None
    status = _first_status(kind, recipient)
    if status is None:
        return None
    subject, body = render(kind, recipient, context)
    message = Message(
        recipient_id=recipient.id,
        to_address=to_address or recipient.email,
        kind=kind.name,
        about=about,
        subject=subject,
        body=body,
        category=kind.category.value,
        status=status.value,
        created_at=utcnow(),
        send_after=utcnow(),
    )
    if new_recipient:
        db.session.add(message)
        return message
    # The caller's own pending changes go first, outside the savepoint: an error of theirs is theirs
    # to handle, never mistaken below for this message having been written already.
    db.session.flush()
    try:
        with db.session.begin_nested():  # two writers at once: the second finds the first's row
            db.session.add(message)
    except IntegrityError:
        return None
    return message
