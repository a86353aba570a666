"""Messages to people: what the app tells someone by email, kept in the database first.

A room declares the kinds of message it sends (:class:`MessageKind`, registered from its
``init_app``) and calls :func:`notify` where the thing happens, inside its own transaction: the
message is rendered then and stored as a row, so it is sent if and only if the change it tells of
is committed. Delivery (SMTP, or the outbox of the embedded default) happens later, outside the
request, by the job runner.
"""

from core.messages.kinds import Category, MessageKind, kind_named, register_kind
from core.messages.models import Message, MessageStatus
from core.messages.services import link_to, notify

__all__ = [
    "Category",
    "Message",
    "MessageKind",
    "MessageStatus",
    "kind_named",
    "link_to",
    "notify",
    "register_kind",
]
