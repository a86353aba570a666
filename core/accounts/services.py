"""Use cases for people and sessions; each one holds its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from core.accounts.api_tokens import delete_tokens
from core.accounts.errors import AccountError, refuse_erased
from core.accounts.links import Purpose, peek, withdraw
from core.accounts.models import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NAME_UNSAFE,
    NO_PASSWORD,
    SignInFailure,
    User,
    name_is_safe,
    normalise_email,
    utcnow,
)
from core.accounts.passwords import (
    TEMPORARY_PASSWORD_LIFETIME,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from core.accounts.security_messages import EMAIL_CHANGED
from core.accounts.throttle import Throttled, ThrottlePolicy, bounded, next_try_at, record_failure
from core.audit import Action, Subject, record
from core.extensions import db
from core.messages import notify
from core.roles import Role

EMAIL_TAKEN = "A person with this email address already exists"


@dataclass(frozen=True)
class SignInResult:
    user: User | None = None
    retry_after: datetime | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_after is not None


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def end_read() -> None:
    """End the read transaction, so that the slow Argon2 work that follows holds no lock."""
    db.session.rollback()


def hash_outside_transaction(password: str) -> str:
    end_read()
    return hash_password(password)


def sign_in(email: str, password: str, address: str, policy: ThrottlePolicy) -> SignInResult:
    """Check the credentials unless this address has failed too often lately on this account.

    Every path that reaches the password check verifies exactly one Argon2 hash (a dummy one
    for an unknown email), so the answer takes as long whether or not the account exists. A
    temporary password past its expiry fails like a wrong one; a temporary password that works
    is spent by this sign-in (it expires now), and the person must choose their own before
    anything else (``User.must_change_password``).
    """
    email = normalise_email(email)
    account, address = bounded(email, address)
    now = utcnow()
    retry_after = next_try_at(account, address, policy, now)
    found = db.session.execute(
        select(User.id, User.password_hash, User.active, User.password_expires_at).where(User.email == email)
    ).one_or_none()
    end_read()
    if retry_after is not None:
        return SignInResult(retry_after=retry_after)

    right = verify_password(found.password_hash if found else None, password)
    expired = found is not None and found.password_expires_at is not None and found.password_expires_at <= now
    if found is None or not right or not found.active or expired:
        record_failure(account, address, now, policy)
        return SignInResult()

    new_hash = hash_password(password) if needs_rehash(found.password_hash) else None
    user = db.session.get(User, found.id)
    if user is None or user.password_hash != found.password_hash or not user.active:
        end_read()  # changed while we checked: treat as a failure rather than guess
        record_failure(account, address, now, policy)
        return SignInResult()
    if new_hash is not None:
        user.password_hash = new_hash
    if user.password_expires_at is not None:
        user.password_expires_at = now  # a temporary password works once
    user.last_signed_in_at = now
    db.session.execute(
        delete(SignInFailure).where(SignInFailure.account_key == account, SignInFailure.address == address)
    )
    db.session.commit()
    return SignInResult(user=user)


def sign_out(user: User) -> None:
    """End every session of this person, including copies of the cookie elsewhere."""
    user.rotate_session_token()
    db.session.commit()


def check_new_password(password: str, email: str, name: str, field: str) -> None:
    problem = password_problem(password, email=normalise_email(email), name=name)
    if problem is not None:
        raise AccountError(problem, field=field)


def _mark_password(person: User, *, temporary: bool) -> None:
    """A password someone else chose (an administrator) expires and must be replaced at first
    sign-in; one the person chose themselves does neither."""
    person.must_change_password = temporary
    person.password_expires_at = utcnow() + TEMPORARY_PASSWORD_LIFETIME if temporary else None


def _store_password_hash(person_id: int, password_hash: str, *, temporary: bool) -> User:
    """A new password ends every session and revokes every API token of the person, and stops a
    change of email waiting for confirmation: "change your password" is what the email telling of
    that change advises someone who did not ask for it, so it must stop whoever did."""
    person = db.session.get(User, person_id)
    if person is None:
        raise AccountError("This person no longer exists", field="email")
    withdraw(person_id, Purpose.EMAIL_CHANGE)
    person.password_hash = password_hash
    _mark_password(person, temporary=temporary)
    person.rotate_session_token()
    delete_tokens(person.id)
    _audit(Action.PERSON_PASSWORD_SET, person, own=not temporary)
    db.session.commit()
    return person


def change_password(
    user: User, current_password: str, new_password: str, *, address: str, policy: ThrottlePolicy
) -> None:
    """Change one's own password; wrong current passwords count as failed sign-ins."""
    user_id, name, email, old_hash = user.id, user.name, user.email, user.password_hash
    check_current_password(user, current_password, address=address, policy=policy)
    check_new_password(new_password, email, name, "new_password")
    if verify_password(old_hash, new_password):
        raise AccountError("Enter a new password that is different from your current one", field="new_password")
    _store_password_hash(user_id, hash_password(new_password), temporary=False)


def check_current_password(user: User, current_password: str, *, address: str, policy: ThrottlePolicy) -> None:
    """Before a change to one's own account: a wrong current password counts as a failed sign-in
    (:class:`Throttled` once too many), so the change pages cannot be used to guess it. Ends the
    read transaction (the Argon2 check holds no lock)."""
    email, old_hash = user.email, user.password_hash
    account, address = bounded(email, address)
    now = utcnow()
    retry_after = next_try_at(account, address, policy, now)
    end_read()
    if retry_after is not None:
        raise Throttled(retry_after)
    if not verify_password(old_hash, current_password):
        record_failure(account, address, now, policy)
        raise AccountError("Your current password is not right", field="current_password")


def chosen_password_hash(token: str, purpose: Purpose, password: str) -> tuple[int, str]:
    """The person an emailed link is for and the hash of the password they chose through it, once
    the password passes the rules (checked before the slow hash). The link is not spent here."""
    link = peek(token, purpose)
    user_id, email, name = link.user_id, link.user.email, link.user.name
    check_new_password(password, email, name, "new_password")
    return user_id, hash_outside_transaction(password)


def store_chosen_password(person_id: int, password_hash: str) -> User:
    """A password the person chose through an emailed link: their own, ending every other session
    and revoking their API tokens. Commits, with whatever the caller added (the spent link)."""
    return _store_password_hash(person_id, password_hash, temporary=False)


def set_password(person: User, password: str) -> None:
    """Set someone else's password (the CLI): a temporary one, as an administrator's always is."""
    refuse_erased(person)
    check_new_password(password, person.email, person.name, "password")
    _store_password_hash(person.id, hash_outside_transaction(password), temporary=True)


def _check_details(name: str, email: str) -> None:
    """The rules forms check too, enforced here for the CLI and any future API."""
    if not name.strip() or len(name.strip()) > NAME_MAX_LENGTH:
        raise AccountError(f"Enter a name of 1 to {NAME_MAX_LENGTH} characters", field="name")
    if not name_is_safe(name):
        raise AccountError(NAME_UNSAFE, field="name")
    check_email(email)


def check_email(email: str, field: str = "email") -> None:
    """An address in the right format and not too long (the forms check the same)."""
    if len(email) > EMAIL_MAX_LENGTH:
        raise AccountError(f"Email address must be {EMAIL_MAX_LENGTH} characters or fewer", field=field)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise AccountError("Enter an email address in the correct format, like name@example.org", field=field) from None


def _check_email_free(email: str, user_id: int | None = None) -> None:
    query = select(User.id).where(User.email == email)
    if user_id is not None:
        query = query.where(User.id != user_id)
    if db.session.scalar(query) is not None:
        raise AccountError(EMAIL_TAKEN, field="email")


def create_person(
    name: str, email: str, password: str, roles: set[Role], active: bool = True, *, temporary: bool = False
) -> User:
    """Add a person; ``temporary`` when someone else (an administrator) chose the password."""
    user = add_person(name, email, password, roles, active, temporary=temporary)
    db.session.commit()
    return user


def add_person(
    name: str, email: str, password: str | None, roles: set[Role], active: bool = True, *, temporary: bool = False
) -> User:
    """:func:`create_person` without the commit, for a caller adding more to the transaction; with
    ``password`` None the person has none yet (:data:`NO_PASSWORD`: see core.accounts.invitations)."""
    email = normalise_email(email)
    _check_details(name, email)
    _check_roles(roles)
    password_hash = NO_PASSWORD
    if password is not None:
        check_new_password(password, email, name, "password")
        password_hash = hash_outside_transaction(password)
    _check_email_free(email)
    user = User(
        name=name.strip(),
        email=email,
        password_hash=password_hash,
        active=active,
        deactivated_at=None if active else utcnow(),
    )
    user.set_roles(roles)
    _mark_password(user, temporary=temporary and password is not None)
    db.session.add(user)
    try:
        db.session.flush()  # the new id, for the audit event
    except IntegrityError:  # another request added this email since the check above
        db.session.rollback()
        raise AccountError(EMAIL_TAKEN, field="email") from None
    _audit(Action.PERSON_ADDED, user, roles=roles, active=active, invited=password is None)
    return user


def update_person(
    acting: User,
    person: User,
    *,
    name: str,
    email: str,
    roles: set[Role],
    active: bool,
    new_password: str | None = None,
) -> User:
    """Apply an admin's edit. Admins cannot lock themselves out by accident. A password set for
    someone else is temporary; one an administrator sets for themselves is not."""
    refuse_erased(person)
    email = normalise_email(email)
    _check_details(name, email)
    _check_roles(roles)
    if person.id == acting.id and Role.ADMIN not in roles:
        raise AccountError("You cannot remove your own administrator role", field="roles")
    if person.id == acting.id and not active:
        raise AccountError("You cannot deactivate your own account", field="active")
    new_hash = None
    if new_password:
        check_new_password(new_password, email, name, "password")
        new_hash = hash_outside_transaction(new_password)
    _check_email_free(email, person.id)
    changed = [field for field, value in (("name", name.strip()), ("email", email)) if getattr(person, field) != value]
    if changed:
        _audit(Action.PERSON_DETAILS_CHANGED, person, fields=changed)
    old_email = person.email
    person.name = name.strip()
    person.email = email
    if old_email != email:
        _tell_old_address(person, old_email)
    _change_roles(person, roles)
    if person.active != active:
        _on_activity_change(person, active)
    if new_hash is not None:
        withdraw(person.id, Purpose.EMAIL_CHANGE)  # as _store_password_hash: a new password stops a pending change
        person.password_hash = new_hash
        _mark_password(person, temporary=person.id != acting.id)
        person.rotate_session_token()
        delete_tokens(person.id)
        _audit(Action.PERSON_PASSWORD_SET, person, own=person.id == acting.id)
    db.session.commit()
    return person


def _tell_old_address(person: User, old_email: str) -> None:
    """An administrator changed the person's address: the old one is told, in case it was not expected.
    Links emailed to the old address stop working (they were for whoever reads it): an invitation
    too, or whoever got one sent to a mistyped address could choose the account's password. Someone
    who never accepted their invitation never showed the old address was theirs: it is not told
    (nor shown the new one); core.accounts.invitations invites them again at the new address."""
    for purpose in Purpose:
        withdraw(person.id, purpose)
    if person.password_hash == NO_PASSWORD:
        return
    notify(
        person,
        EMAIL_CHANGED.name,
        about=f"email-changed:{person.id}:{utcnow():%Y%m%d%H%M%S%f}",
        to_address=old_email,
        new_email=person.email,
        by_administrator=True,
    )


def _audit(action: Action, person: User, **details: object) -> None:
    """Record an administrative change to ``person`` in the transaction that makes it."""
    record(action, Subject("user", person.id), person, **details)


def _change_roles(person: User, roles: set[Role]) -> None:
    before = person.roles
    if roles != before:
        _audit(Action.PERSON_ROLES_CHANGED, person, added=roles - before, removed=before - roles)
    person.set_roles(roles)


def _on_activity_change(person: User, active: bool) -> None:
    """Deactivation ends open sessions; either change revokes API tokens, so none outlives it."""
    if not active:
        person.rotate_session_token()
    person.active = active
    person.deactivated_at = None if active else utcnow()  # the retention period of accounts counts from it
    delete_tokens(person.id)
    _audit(Action.PERSON_REACTIVATED if active else Action.PERSON_DEACTIVATED, person)


def _check_roles(roles: set[Role]) -> None:
    if not roles:
        raise AccountError("Select at least one role", field="roles")


def set_roles(person: User, roles: set[Role]) -> User:
    refuse_erased(person)
    _check_roles(roles)
    _change_roles(person, roles)
    db.session.commit()
    return person


def set_active(acting: User | None, person: User, active: bool) -> None:
    refuse_erased(person)
    if acting is not None and person.id == acting.id and not active:
        raise AccountError("You cannot deactivate your own account", field="active")
    if person.active != active:
        _on_activity_change(person, active)
    db.session.commit()


def list_people(search: str | None = None) -> list[User]:
    query = select(User).order_by(func.lower(User.name), User.email)
    if search:
        # autoescape: a typed % or _ is that character, not "anything" (which listed everyone).
        term = search.strip().lower()
        query = query.where(
            or_(func.lower(User.name).contains(term, autoescape=True), User.email.contains(term, autoescape=True))
        )
    return list(db.session.scalars(query))


def load_user(session_token: str) -> User | None:
    """Flask-Login's loader: an unknown (rotated) token or a deactivated person is nobody."""
    return db.session.scalar(select(User).where(User.session_token == session_token, User.active.is_(True)))
