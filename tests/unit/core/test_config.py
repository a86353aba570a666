"""Configuration read from the environment."""

from __future__ import annotations

import pytest

from core.config import create_private_file, database_url, from_environment, masked, secret_key, session_cookie_name


def test_sqlite_in_the_instance_folder_by_default(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url(str(tmp_path)) == f"sqlite:///{tmp_path / 'senco.sqlite3'}"


def test_plain_postgresql_urls_use_psycopg_3(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db/senco")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u:p@db/senco"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db/senco")
    assert database_url(str(tmp_path)) == "postgresql+psycopg://u:p@db/senco"


def test_passwords_are_hidden_in_printed_urls():
    assert masked("postgresql+psycopg://u:hunter2@db/senco") == "postgresql+psycopg://u:***@db/senco"


def test_a_secret_key_is_generated_once_and_kept_private(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(str(tmp_path))
    assert len(first) == 64 and secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert secret_key(str(tmp_path)) == "from-the-environment"


def test_a_private_file_is_created_once_and_never_replaced(tmp_path):
    path = tmp_path / "secret_key"
    assert create_private_file(path, "first") is True
    assert create_private_file(path, "second") is False
    assert path.read_text() == "first"
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary file left


def test_secure_cookies_are_the_default_and_only_an_explicit_0_turns_them_off(monkeypatch, tmp_path):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    assert from_environment(str(tmp_path))["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "0")
    assert from_environment(str(tmp_path))["SESSION_COOKIE_SECURE"] is False
    assert session_cookie_name(True) == "__Host-session" and session_cookie_name(False) == "session"


def test_co_mentors_read_drafts_only_when_the_provider_turns_it_on(monkeypatch, tmp_path):
    monkeypatch.delenv("CO_MENTORS_READ_DRAFTS", raising=False)
    assert from_environment(str(tmp_path))["CO_MENTORS_READ_DRAFTS"] is False
    monkeypatch.setenv("CO_MENTORS_READ_DRAFTS", "1")
    assert from_environment(str(tmp_path))["CO_MENTORS_READ_DRAFTS"] is True


def test_mail_settings_default_to_the_embedded_outbox_and_refuse_tls_and_ssl_together(monkeypatch, tmp_path):
    for name in ("MAIL_SERVER", "MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_TIMEOUT_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "x")
    config = from_environment(str(tmp_path))
    assert (config["MAIL_SERVER"], config["MAIL_USE_TLS"], config["MAIL_TIMEOUT"]) == (None, False, 30)
    monkeypatch.setenv("MAIL_USE_TLS", "1")
    monkeypatch.setenv("MAIL_USE_SSL", "1")
    with pytest.raises(SystemExit, match="not both"):
        from_environment(str(tmp_path))
