"""Configuration from environment variables, with safe defaults for a laptop."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

SECRET_KEY_FILE = "secret_key"
SESSION_LIFETIME_SECONDS = 8 * 60 * 60  # a working day; the session dies after that
API_TOKEN_LIFETIME_DAYS = 90
PRIVATE_FILE_MODE = 0o600  # instance files (database, key): the server's user only
PRIVATE_FOLDER_MODE = 0o700
MAIL_DEFAULT_SENDER = "NPQ for SENCOs <no-reply@localhost>"
MAIL_TIMEOUT_SECONDS = 30  # connecting to, and each answer from, the SMTP server


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from None


env_int = _env_int  # for a module that owns its settings (core.privacy.retention)

# Single sign-on (core.accounts.sso_views): how long the app waits for an issuer's answer
# (discovery, keys, tokens) before telling the person it is not answering.
OIDC_TIMEOUT_SECONDS = 10
_OIDC_NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")


@dataclass(frozen=True)
class OidcIssuer:
    """One OpenID Connect issuer a provider trusts to sign people in (a school's Microsoft 365
    or Google Workspace). ``create_for_domains``: the email domains whose people may be given a
    trainee account at their first sign-in; empty means nobody is created. ``sign_in_domains``: the
    only email domains whose accounts this issuer may sign in (a school's tenant vouches for its own
    addresses, not the provider's administrators'); empty means any."""

    name: str
    issuer: str
    client_id: str
    client_secret: str
    label: str
    create_for_domains: frozenset[str] = frozenset()
    sign_in_domains: frozenset[str] = frozenset()

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _oidc_issuer(name: str) -> OidcIssuer:
    prefix = f"OIDC_{name.upper()}_"

    def setting(key: str, required: bool = True) -> str:
        value = os.environ.get(prefix + key, "").strip()
        if required and not value:
            raise SystemExit(f"OIDC_PROVIDERS names {name!r}: set {prefix}{key} too")
        return value

    def domains(key: str) -> frozenset[str]:
        listed = setting(key, required=False)
        return frozenset(d.strip().lower().lstrip("@") for d in listed.split(",") if d.strip())

    return OidcIssuer(
        name=name,
        issuer=setting("ISSUER"),
        client_id=setting("CLIENT_ID"),
        client_secret=setting("CLIENT_SECRET"),
        label=setting("LABEL", required=False) or f"Sign in with {name}",
        create_for_domains=domains("CREATE_FOR_DOMAINS"),
        sign_in_domains=domains("SIGN_IN_DOMAINS"),
    )


def oidc_issuers() -> tuple[OidcIssuer, ...]:
    """The issuers named in OIDC_PROVIDERS (``school,google``), each from its OIDC_<NAME>_* settings."""
    names = [n.strip().lower() for n in os.environ.get("OIDC_PROVIDERS", "").split(",") if n.strip()]
    for name in names:
        if not _OIDC_NAME.fullmatch(name):
            raise SystemExit(f"OIDC_PROVIDERS: {name!r} must be letters, digits and _ (starting with a letter)")
    return tuple(_oidc_issuer(name) for name in dict.fromkeys(names))


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'senco.sqlite3'}"


def database_url(instance_path: str) -> str:
    """DATABASE_URL, with the plain ``postgresql://`` scheme mapped to psycopg 3."""
    url = os.environ.get("DATABASE_URL") or default_database_url(instance_path)
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def masked(url: str) -> str:
    """The URL with any password hidden, fit to print in an error message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparseable URL is shown as given; it holds no parsed secret
        return url


def make_private(path: Path) -> None:
    """Take group and world access away from an existing instance file or folder."""
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        path.chmod(mode & 0o700)


def create_private_folder(path: str) -> None:
    os.makedirs(path, mode=PRIVATE_FOLDER_MODE, exist_ok=True)
    make_private(Path(path))


def create_private_file(path: Path, content: str = "") -> bool:
    """Create ``path`` readable by its owner only from the first byte; False if it existed.

    ``os.open`` with the mode (rather than write then chmod) leaves no moment when another
    user could open it. The content goes to a private temporary file first, linked into place
    whole, so a second server process starting at the same moment never reads a half-written
    key. An existing file is tightened instead.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(content)
        _link_or_create(temporary, path, content)
    except FileExistsError:
        make_private(path)
        return False
    finally:
        temporary.unlink()
    return True


def _link_or_create(temporary: Path, path: Path, content: str) -> None:
    try:
        os.link(temporary, path)  # fails if path exists: the first process's file is kept
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links: create in place, still private
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE), "w") as file:
            file.write(content)


def prepare_sqlite_file(database_uri: str) -> None:
    """Create a SQLite database file 0600 before SQLite does (it would use the umask, often
    0644); SQLite gives its -wal and -shm files the same mode as the database."""
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    if url.database.startswith("file:"):
        return  # a URI filename names its own options; leave it to SQLite
    path = Path(url.database)
    if path.parent.is_dir():
        create_private_file(path)
        for suffix in ("-wal", "-shm"):
            companion = path.with_name(path.name + suffix)
            if companion.exists():
                make_private(companion)


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/ (mode 0600)."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = Path(instance_path) / SECRET_KEY_FILE
    create_private_file(path, secrets.token_hex(32))
    return path.read_text().strip()


def session_cookie_name(secure: bool) -> str:
    """``__Host-`` makes browsers refuse the cookie unless it is Secure, host-only and for the
    whole site, so no subdomain or plain-HTTP page can plant or overwrite it; it needs Secure,
    so plain-HTTP local use keeps the bare name."""
    return "__Host-session" if secure else "session"


def _mail_security() -> tuple[bool, bool]:
    """MAIL_USE_TLS (STARTTLS) and MAIL_USE_SSL (TLS from the start): one or the other, not both."""
    tls, ssl = _env_flag("MAIL_USE_TLS"), _env_flag("MAIL_USE_SSL")
    if tls and ssl:
        raise SystemExit("Set MAIL_USE_TLS (STARTTLS, usually port 587) or MAIL_USE_SSL (port 465), not both")
    return tls, ssl


def from_environment(instance_path: str) -> dict[str, object]:
    # Secure cookies by default: only `make run` on http://127.0.0.1 turns them off, explicitly.
    secure_cookies = _env_flag("SESSION_COOKIE_SECURE", default=True)
    mail_tls, mail_ssl = _mail_security()
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        # hide_parameters: a failed statement's message (logged, or shown in a traceback) names the
        # statement but never the values bound to it, which may be marks, notes or names.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        # The address people reach the app at: the links in emails start with it.
        "BASE_URL": os.environ.get("BASE_URL", "").strip() or "http://127.0.0.1:5000",
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Bulk jobs (core.jobs): "rq" when REDIS_URL is set, else "local"; "none" leaves rows queued.
        "JOBS_RUNNER": os.environ.get("JOBS_RUNNER", "").strip() or None,
        "JOB_QUEUE": os.environ.get("JOB_QUEUE", "").strip() or None,
        # Daily jobs (the retention purge): on unless "0"; unset means on, except in tests.
        "JOBS_DAILY": os.environ.get("JOBS_DAILY", "").strip() or None,
        # 0 (unset) means core.jobs' own default: one process a core, a lease of 60 s, results kept a day.
        "JOBS_PROCESSES": _env_int("JOBS_PROCESSES", 0),
        "JOB_LEASE_SECONDS": _env_int("JOB_LEASE_SECONDS", 0),
        "JOB_RESULT_SECONDS": _env_int("JOB_RESULT_SECONDS", 0),
        # 0 (unset) means core.printing's defaults: stored PDFs unused for 30 days go, and the store keeps to 512 MiB.
        "DOCUMENTS_KEEP_DAYS": _env_int("DOCUMENTS_KEEP_DAYS", 0),
        "DOCUMENTS_MAX_MIB": _env_int("DOCUMENTS_MAX_MIB", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PERMANENT_SESSION_LIFETIME": SESSION_LIFETIME_SECONDS,
        "SESSION_ABSOLUTE_LIFETIME_SECONDS": _env_int("SESSION_LIFETIME_SECONDS", SESSION_LIFETIME_SECONDS),
        "WTF_CSRF_TIME_LIMIT": SESSION_LIFETIME_SECONDS,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS": 5,
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 30,
        "SIGN_IN_SLOW_DOWN_AFTER_ACCOUNT_FAILURES": 10,
        "SIGN_IN_SLOW_DOWN_MAX_SECONDS": 5 * 60,
        "SIGN_IN_WINDOW_SECONDS": 15 * 60,
        "API_TOKEN_LIFETIME_DAYS": _env_int("API_TOKEN_LIFETIME_DAYS", API_TOKEN_LIFETIME_DAYS),
        # How many reverse proxies in front of the app set X-Forwarded-For/-Proto; none by default,
        # so a client cannot pick its own address (and escape or aim the sign-in limits).
        "TRUSTED_PROXY_HOPS": _env_int("TRUSTED_PROXY_HOPS", 0),
        # Where the list of given names for the children's-names check is kept (core.name_check);
        # unset: ~/.cache/npq-senco-designer (it holds public data only).
        "GIVEN_NAMES_DIR": os.environ.get("GIVEN_NAMES_DIR", "").strip() or None,
        # Email (core.messages.delivery). No MAIL_SERVER: the embedded outbox, each message written to
        # instance/outbox/ and shown on the Outbox page instead of being sent.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "").strip() or None,
        "MAIL_PORT": _env_int("MAIL_PORT", 25),
        "MAIL_USE_TLS": mail_tls,
        "MAIL_USE_SSL": mail_ssl,
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", "").strip() or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "").strip() or MAIL_DEFAULT_SENDER,
        "MAIL_TIMEOUT": _env_int("MAIL_TIMEOUT_SECONDS", MAIL_TIMEOUT_SECONDS),
        # Whether a trainee's other mentors may read a mentor's draft observation (never change it): off.
        "CO_MENTORS_READ_DRAFTS": _env_flag("CO_MENTORS_READ_DRAFTS", default=False),
        # Single sign-on: the OpenID Connect issuers (OIDC_PROVIDERS and OIDC_<NAME>_*); none by default.
        "OIDC_ISSUERS": oidc_issuers(),
        "OIDC_TIMEOUT_SECONDS": _env_int("OIDC_TIMEOUT_SECONDS", OIDC_TIMEOUT_SECONDS),
    }
