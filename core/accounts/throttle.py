"""Failed sign-ins, counted in the database so the limits hold across server processes: who may try
again when, and what a failure record keeps."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, select

from core.accounts.models import ADDRESS_MAX_LENGTH, SignInFailure, normalise_email
from core.extensions import db


@dataclass(frozen=True)
class ThrottlePolicy:
    """How failed sign-ins (and wrong current passwords) slow guessing down.

    One address guessing one account is paused after a few failures; one address guessing many
    accounts after more. An account under attack from many addresses is slowed down, not locked:
    only addresses that have already failed on it wait, so its owner signing in from a clean
    address always gets in with the right password.
    """

    max_failures_per_account_and_address: int = 5
    max_failures_per_address: int = 30
    slow_down_after_account_failures: int = 10
    slow_down_max: timedelta = timedelta(minutes=5)
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ThrottlePolicy:
        return cls(
            max_failures_per_account_and_address=config["SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS"],
            max_failures_per_address=config["SIGN_IN_MAX_FAILURES_PER_ADDRESS"],
            slow_down_after_account_failures=config["SIGN_IN_SLOW_DOWN_AFTER_ACCOUNT_FAILURES"],
            slow_down_max=timedelta(seconds=config["SIGN_IN_SLOW_DOWN_MAX_SECONDS"]),
            window=timedelta(seconds=config["SIGN_IN_WINDOW_SECONDS"]),
        )


class Throttled(Exception):
    """Too many wrong passwords lately; try again at ``retry_after``."""

    def __init__(self, retry_after: datetime) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def account_key(email: str) -> str:
    """What a failure record keeps of the typed email: an HMAC of it under the app's secret key.

    The same address always gives the same key, so failures still count per account; the text
    itself (perhaps a password typed into the wrong field) is never stored, and without the
    secret key the keys cannot be checked against a list of addresses either."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def bounded(email: str, address: str) -> tuple[str, str]:
    """What a failure record stores: the account's key and an address cut to its column."""
    return account_key(email), address[:ADDRESS_MAX_LENGTH]


def _count_and_span(*conditions: Any) -> tuple[int, datetime | None, datetime | None]:
    count, oldest, newest = db.session.execute(
        select(func.count(), func.min(SignInFailure.occurred_at), func.max(SignInFailure.occurred_at)).where(
            *conditions
        )
    ).one()
    return count, oldest, newest


def next_try_at(account: str, address: str, policy: ThrottlePolicy, now: datetime) -> datetime | None:
    """When this address may next try this account, if not now. Reads only."""
    recent = SignInFailure.occurred_at > now - policy.window
    pair_count, pair_oldest, _ = _count_and_span(
        SignInFailure.account_key == account, SignInFailure.address == address, recent
    )
    if pair_count >= policy.max_failures_per_account_and_address:
        return pair_oldest + policy.window  # func.min keeps the column's type: aware UTC
    address_count, address_oldest, _ = _count_and_span(SignInFailure.address == address, recent)
    if address_count >= policy.max_failures_per_address:
        return address_oldest + policy.window
    if pair_count == 0:
        return None  # a clean address is never slowed down: the owner cannot be locked out
    account_count, _, account_newest = _count_and_span(SignInFailure.account_key == account, recent)
    excess = account_count - policy.slow_down_after_account_failures + 1
    if excess <= 0:
        return None
    delay = min(policy.slow_down_max, timedelta(seconds=2 ** min(excess, 20)))
    ready = account_newest + delay
    return ready if ready > now else None


def record_failure(account: str, address: str, now: datetime, policy: ThrottlePolicy) -> None:
    """Keep this failure, and forget those older than the throttle's window: no rule reads them,
    so the table holds one window of failures however long the app runs (no job to schedule)."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.occurred_at <= now - policy.window))
    db.session.add(SignInFailure(account_key=account, address=address, occurred_at=now))
    db.session.commit()
