"""The security emails about an account: a password reset, and a change of email address.

Declared here, apart from the services that send them, so that both the accounts services (an
administrator's edit) and the pages reached from emailed links can name them. Always sent at once
(:attr:`Category.SECURITY`): a person cannot turn them off.
"""

from __future__ import annotations

from flask import Flask

from core.accounts.links import Purpose
from core.messages import Category, MessageKind, register_kind

PASSWORD_RESET = MessageKind(
    name="password_reset",
    subject="Reset your NPQ for SENCOs password",
    template="messages/password_reset.txt",
    category=Category.SECURITY,
    why="someone asked to reset the password of the NPQ for SENCOs account that uses this email address",
)
EMAIL_CHANGE_CONFIRM = MessageKind(
    name="email_change_confirm",
    subject="Confirm your new email address for NPQ for SENCOs",
    template="messages/email_change_confirm.txt",
    category=Category.SECURITY,
    why="someone asked to use this email address for their NPQ for SENCOs account",
)
EMAIL_CHANGE_ASKED = MessageKind(
    name="email_change_asked",
    subject="Someone asked to change the email address of your NPQ for SENCOs account",
    template="messages/email_change_asked.txt",
    category=Category.SECURITY,
    why="this is the email address of your NPQ for SENCOs account",
)
EMAIL_CHANGED = MessageKind(
    name="email_changed",
    subject="The email address of your NPQ for SENCOs account has changed",
    template="messages/email_changed.txt",
    category=Category.SECURITY,
    why="this was the email address of your NPQ for SENCOs account",
)
RESET_HOURS = int(Purpose.PASSWORD_RESET.lifetime.total_seconds() // 3600)
EMAIL_CHANGE_HOURS = int(Purpose.EMAIL_CHANGE.lifetime.total_seconds() // 3600)
KINDS = (PASSWORD_RESET, EMAIL_CHANGE_CONFIRM, EMAIL_CHANGE_ASKED, EMAIL_CHANGED)


def init_app(app: Flask) -> None:
    for kind in KINDS:
        register_kind(app, kind)
