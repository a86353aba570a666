"""The clock, in one place: every module asks here for now and today, so all judge time alike."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now, timezone-aware in UTC (what every stored time is)."""
    return datetime.now(UTC)


def today() -> date:
    """Today, so every page and service judges dates (future, deadlines) alike."""
    return date.today()
