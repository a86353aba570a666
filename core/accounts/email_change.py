"""A person changes their own email address: confirmed from the new address, told to the old.

Asking needs the current password (a wrong one counts as a failed sign-in). Nothing changes until
the link sent to the new address is followed (24 hours, once). Whether another account already
uses the new address is not checked when asking — the answer would tell who has an account here —
but when confirming, where only the holder of the new address (and of the link) reads the refusal.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.accounts import links, services
from core.accounts.errors import AccountError
from core.accounts.links import Purpose
from core.accounts.models import User
from core.accounts.security_messages import (
    EMAIL_CHANGE_ASKED,
    EMAIL_CHANGE_CONFIRM,
    EMAIL_CHANGE_HOURS,
    EMAIL_CHANGED,
)
from core.accounts.throttle import ThrottlePolicy
from core.audit import Action, Subject, record
from core.extensions import db
from core.messages import link_to, notify

SAME_EMAIL = "Enter a new email address that is different from your current one"
EMAIL_IN_USE = (
    "Another account already uses this email address, so it cannot be used for yours. "
    "Ask your provider’s administrator if you need help."
)


class EmailInUse(AccountError):
    """At confirmation: another account took (or had) the new address."""

    def __init__(self) -> None:
        super().__init__(EMAIL_IN_USE, field="new_email")


def request_change(user: User, new_email: str, current_password: str, *, address: str, policy: ThrottlePolicy) -> None:
    """Send a confirmation link to ``new_email`` and tell the current address. Raises AccountError
    (a field to blame) or throttle.Throttled; changes nothing else."""
    user_id, current_email = user.id, user.email
    new_email = services.normalise_email(new_email)
    services.check_email(new_email, field="new_email")
    if new_email == current_email:
        raise AccountError(SAME_EMAIL, field="new_email")
    services.check_current_password(user, current_password, address=address, policy=policy)
    person = db.session.get(User, user_id)
    if person is None:
        raise AccountError("This person no longer exists", field="new_email")
    token = links.issue(person, Purpose.EMAIL_CHANGE, new_email=new_email)
    about = f"email-change:{links.token_hash(token)[:16]}"
    notify(
        person,
        EMAIL_CHANGE_CONFIRM.name,
        about=about,
        to_address=new_email,
        link=link_to("links.confirm_email", token=token),
        new_email=new_email,
        hours=EMAIL_CHANGE_HOURS,
    )
    notify(
        person,
        EMAIL_CHANGE_ASKED.name,
        about=about,
        new_email=new_email,
        hours=EMAIL_CHANGE_HOURS,
        sign_in_link=link_to("auth.sign_in"),
    )
    record(Action.EMAIL_CHANGE_REQUESTED, Subject("user", user_id), user_id)
    db.session.commit()


def pending(token: str) -> links.AccountLink:
    """The change a link confirms, still usable; LinkGone otherwise."""
    return links.peek(token, Purpose.EMAIL_CHANGE)


def confirm(token: str) -> User:
    """Use the link: the account takes the new address; the old one is told. All or nothing:
    if another account uses the address, nothing is saved and the link still works."""
    link = links.spend(token, Purpose.EMAIL_CHANGE)
    person, new_email = link.user, str(link.new_email)
    taken = db.session.scalar(select(User.id).where(User.email == new_email, User.id != person.id))
    if taken is not None:
        db.session.rollback()
        raise EmailInUse()
    old_email = person.email
    person.email = new_email
    try:
        db.session.flush()  # before anything else is written: the address is unique
    except IntegrityError:  # another account took the address between the check and now
        db.session.rollback()
        raise EmailInUse() from None
    links.withdraw(person.id, Purpose.PASSWORD_RESET)  # sent to the old address
    record(Action.EMAIL_CHANGED, Subject("user", person.id), person, fields=["email"])
    notify(
        person,
        EMAIL_CHANGED.name,
        about=f"email-changed:{link.id}",
        to_address=old_email,
        new_email=new_email,
        by_administrator=False,
    )
    db.session.commit()
    return person
