"""The DfE connection settings: which environment, its base URL and token, the cohort year, and
how this provider's cohorts map to the DfE's schedules. Every other part of the room asks here
for a client (:func:`client`) and never sees the token."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from assessments.models import Cohort
from core.accounts.models import User
from core.audit import Action, Subject, record
from core.clock import utcnow
from core.extensions import db
from core.problems import Invalid, Problem
from dfe import token_store
from dfe.client import DfeClient
from dfe.contract import DEFAULT_BASE_URLS, SCHEDULES, Environment
from dfe.models import BASE_URL_MAX_LENGTH, TOKEN_MAX_LENGTH, DfeCohortSchedule, DfeConnection, DfeSettings

COHORT_YEARS = range(2021, 2041)  # the DfE's call-off contracts start in 2021
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})  # plain http only to this machine (tests, a tunnel)
UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")  # IPv6's private addresses


class NotConnected(Exception):
    """No token for the chosen environment: an administrator must enter one first."""


@dataclass(frozen=True)
class ConnectionView:
    """What the settings page may show of one environment: never the token itself."""

    environment: Environment
    base_url: str
    token_hint: str
    has_token: bool
    token_set_at: object


def settings() -> DfeSettings:
    found = db.session.get(DfeSettings, 1)
    if found is None:
        found = DfeSettings(id=1, environment=Environment.SANDBOX.value)
        db.session.add(found)
        db.session.flush()
    return found


def environment() -> Environment:
    found = db.session.get(DfeSettings, 1)
    return Environment(found.environment) if found else Environment.SANDBOX


def connection(env: Environment) -> DfeConnection | None:
    return db.session.get(DfeConnection, env.value)


def views() -> list[ConnectionView]:
    shown = []
    for env in Environment:
        row = connection(env)
        shown.append(
            ConnectionView(
                env,
                row.base_url if row else DEFAULT_BASE_URLS[env],
                row.token_hint if row else "",
                bool(row and row.token_ciphertext),
                row.token_set_at if row else None,
            )
        )
    return shown


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the API's address, or None. https only, except to this machine."""
    if len(url) > BASE_URL_MAX_LENGTH:
        return f"The address must be {BASE_URL_MAX_LENGTH} characters or fewer"
    # urlsplit quietly drops tabs and line breaks that the HTTP client later refuses: refuse them here.
    if not url.isprintable() or any(character.isspace() for character in url):
        return "The address must have no spaces, line breaks or hidden characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Enter an address like https://sandbox.register-npq.education.gov.uk"
    del port
    if parts.username is not None or parts.password is not None:
        return "Remove the user name and password from the address: the token is the only credential sent"
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        return "Enter an address like https://sandbox.register-npq.education.gov.uk"
    if parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        return "The address must start with https:// (the token must not cross the internet in the clear)"
    if _inside(parts.hostname) and not (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS):
        return "The address must be the DfE’s service on the internet, not a private, local or link-local address"
    return None


def _inside(hostname: str) -> bool:
    """Whether ``hostname`` is an IP address of a private, loopback, link-local or unique-local
    network: the token (and the server's reach) must not be pointed inside the provider's network."""
    try:
        address = ipaddress.ip_address(hostname)
    except ValueError:
        return hostname.lower() == "localhost" or hostname.lower().endswith(".localhost")
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
        or address in UNIQUE_LOCAL
    )


def token_problem(token: str) -> str | None:
    if len(token) > TOKEN_MAX_LENGTH:
        return f"The token must be {TOKEN_MAX_LENGTH} characters or fewer"
    if not token.isascii() or not token.isprintable() or " " in token:
        return "The token must be letters, digits and punctuation only, with no spaces"
    return None


def save_connection(env: Environment, base_url: str, token: str | None, actor: User) -> None:
    """Set one environment's address and, when given, a new token (a blank token keeps the old one)."""
    base_url = base_url.strip()
    problems = []
    if why := base_url_problem(base_url):
        problems.append(Problem(f"{env.value}_base_url", why))
    if token and (why := token_problem(token.strip())):
        problems.append(Problem(f"{env.value}_token", why))
    if problems:
        raise Invalid(problems)
    row = connection(env) or DfeConnection(environment=env.value, base_url=base_url)
    row.base_url = base_url
    if token:
        token = token.strip()
        row.token_ciphertext = token_store.seal(token)
        row.token_hint = token_store.hint(token)
        row.token_set_at = utcnow()
        row.token_set_by_id = actor.id
    db.session.add(row)
    # The audit says a token was set, never what it was.
    record(
        Action.SETTINGS_CHANGED, Subject("dfe_connection", 0), None, environment=env.value, token_changed=bool(token)
    )


def choose(env: Environment, cohort_year: int | None) -> None:
    if cohort_year is not None and cohort_year not in COHORT_YEARS:
        raise Invalid([Problem("cohort_year", f"Enter a year from {COHORT_YEARS[0]} to {COHORT_YEARS[-1]}")])
    found = settings()
    changed = found.environment != env.value or found.cohort_year != cohort_year
    found.environment, found.cohort_year = env.value, cohort_year
    if changed:
        record(
            Action.SETTINGS_CHANGED, Subject("dfe_settings", 1), None, environment=env.value, cohort_year=cohort_year
        )


def client(env: Environment | None = None) -> DfeClient:
    """A client for ``env`` (the chosen environment by default), or :class:`NotConnected`."""
    env = env or environment()
    row = connection(env)
    if row is None or not row.token_ciphertext:
        raise NotConnected(f"Enter the DfE API token for the {env.label.lower()} environment in DfE settings")
    return DfeClient(row.base_url, token_store.unseal(row.token_ciphertext))


# ---- cohorts and schedules -----------------------------------------------------------------


def schedules() -> dict[int, DfeCohortSchedule]:
    return {row.cohort_id: row for row in db.session.scalars(select(DfeCohortSchedule))}


def map_cohort(cohort: Cohort, cohort_year: int | None, schedule_identifier: str | None) -> None:
    """Tie a cohort to a DfE cohort year and schedule, or (both None) untie it."""
    row = db.session.get(DfeCohortSchedule, cohort.id)
    if cohort_year is None and not schedule_identifier:
        if row is not None:
            db.session.delete(row)
        return
    problems = []
    if cohort_year not in COHORT_YEARS:
        problems.append(
            Problem(f"cohort_{cohort.id}_year", f"Enter a year from {COHORT_YEARS[0]} to {COHORT_YEARS[-1]}")
        )
    if schedule_identifier not in SCHEDULES:
        problems.append(Problem(f"cohort_{cohort.id}_schedule", "Choose the DfE schedule of this cohort"))
    if problems:
        raise Invalid(problems)
    assert cohort_year is not None and schedule_identifier is not None
    row = row or DfeCohortSchedule(
        cohort_id=cohort.id, cohort_year=cohort_year, schedule_identifier=schedule_identifier
    )
    row.cohort_year, row.schedule_identifier = cohort_year, schedule_identifier
    db.session.add(row)


def cohort_for(cohort_year: int | None, schedule_identifier: str | None) -> Cohort | None:
    """The cohort an accepted application joins: the one mapped to its year and schedule."""
    if cohort_year is None or schedule_identifier is None:
        return None
    row = db.session.scalars(
        select(DfeCohortSchedule)
        .where(
            DfeCohortSchedule.cohort_year == cohort_year, DfeCohortSchedule.schedule_identifier == schedule_identifier
        )
        .order_by(DfeCohortSchedule.cohort_id)
    ).first()
    return row.cohort if row else None
