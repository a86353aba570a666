"""Configuration from environment variables, with safe defaults for a laptop."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

SECRET_KEY_FILE = "secret_key"
SESSION_LIFETIME_SECONDS = 8 * 60 * 60  # a working day; the session dies after that


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


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


def secret_key(instance_path: str) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = Path(instance_path) / SECRET_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict[str, object]:
    secure_cookies = _env_flag("SECURE_COOKIES")
    return {
        "SECRET_KEY": secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": os.environ.get("REDIS_URL"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        "PREFERRED_URL_SCHEME": "https" if secure_cookies else "http",
        "PERMANENT_SESSION_LIFETIME": SESSION_LIFETIME_SECONDS,
        "WTF_CSRF_TIME_LIMIT": SESSION_LIFETIME_SECONDS,
        "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,
        "SIGN_IN_MAX_FAILURES_PER_ACCOUNT": 5,
        "SIGN_IN_MAX_FAILURES_PER_ADDRESS": 30,
        "SIGN_IN_WINDOW_SECONDS": 15 * 60,
    }
