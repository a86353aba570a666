"""The kinds of message the app sends: each room declares its own and registers it."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask import Flask, current_app

KINDS = "message_kinds"  # app.extensions key
KIND_NAME_MAX_LENGTH = 60


class Category(str, enum.Enum):
    """What a person may choose about a message (their settings page lists these)."""

    SECURITY = "security"  # invitations, password resets, email changes: always sent at once, never turned off
    ACTIVITY = "activity"  # something happened to your work: at once, or in the day's digest
    REMINDER = "reminder"  # something is due: as activity, and a person may turn reminders off

    @property
    def may_wait_for_digest(self) -> bool:
        return self is not Category.SECURITY

    @property
    def may_be_turned_off(self) -> bool:
        return self is Category.REMINDER


@dataclass(frozen=True)
class MessageKind:
    """One kind of message: its subject line, its body template, and why a person gets it.

    ``subject`` and the template ``template`` (plain text, under a room's ``templates/messages/``)
    are rendered with the context :func:`core.messages.notify` is given. ``why`` finishes the
    sentence "You are getting this email because …" at the foot of every message.
    """

    name: str
    subject: str
    template: str
    category: Category
    why: str

    def __post_init__(self) -> None:
        if len(self.name) > KIND_NAME_MAX_LENGTH:
            raise ValueError(f"a message kind's name is at most {KIND_NAME_MAX_LENGTH} characters: {self.name!r}")


def register_kind(app: Flask, kind: MessageKind) -> None:
    """Let the app send ``kind`` (a room calls this from its ``init_app``)."""
    kinds: dict[str, MessageKind] = app.extensions.setdefault(KINDS, {})
    if kinds.get(kind.name, kind) != kind:
        raise ValueError(f"two different message kinds are named {kind.name!r}")
    kinds[kind.name] = kind


def kind_named(name: str) -> MessageKind:
    kinds: dict[str, MessageKind] = current_app.extensions.get(KINDS, {})
    try:
        return kinds[name]
    except KeyError:
        raise LookupError(f"no message kind {name!r} is registered") from None


def all_kinds() -> list[MessageKind]:
    return sorted(current_app.extensions.get(KINDS, {}).values(), key=lambda kind: kind.name)
