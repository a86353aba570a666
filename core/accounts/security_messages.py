"""The security emails about an account: a password reset, and a change of email address.

:func:`security_kind` makes each of them and the invitation (:mod:`core.accounts.invitations`).

Declared here, apart from the services that send them, so that both the accounts services (an
administrator's edit) and the pages reached from emailed links can name them. Always sent at once
(:attr:`Category.SECURITY`): a person cannot turn them off.
"""

from __future__ import annotations

from flask import Flask

from core.accounts.links import Purpose
from core.messages import Category, MessageKind, register_kind


def security_kind(name: str, subject: str, why: str) -> MessageKind:
    """A security email: always sent at once, its body in ``messages/<name>.txt``."""
    return MessageKind(name=name, subject=subject, template=f"messages/{name}.txt", category=Category.SECURITY, why=why)


PASSWORD_RESET = security_kind(
    "password_reset",
    "Reset your NPQ for SENCOs password",
    "someone asked to reset the password of the NPQ for SENCOs account that uses this email address",
)
EMAIL_CHANGE_CONFIRM = security_kind(
    "email_change_confirm",
    "Confirm your new email address for NPQ for SENCOs",
    "someone asked to use this email address for their NPQ for SENCOs account",
)
EMAIL_CHANGE_ASKED = security_kind(
    "email_change_asked",
    "Someone asked to change the email address of your NPQ for SENCOs account",
    "this is the email address of your NPQ for SENCOs account",
)
EMAIL_CHANGED = security_kind(
    "email_changed",
    "The email address of your NPQ for SENCOs account has changed",
    "this was the email address of your NPQ for SENCOs account",
)
RESET_HOURS = int(Purpose.PASSWORD_RESET.lifetime.total_seconds() // 3600)
EMAIL_CHANGE_HOURS = int(Purpose.EMAIL_CHANGE.lifetime.total_seconds() // 3600)
KINDS = (PASSWORD_RESET, EMAIL_CHANGE_CONFIRM, EMAIL_CHANGE_ASKED, EMAIL_CHANGED)


def init_app(app: Flask) -> None:
    for kind in KINDS:
        register_kind(app, kind)
