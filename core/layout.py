"""What the base layout needs: navigation by role, each role's home, date formatting.

Rooms add their own entries when the factory calls their ``init_app``; the base imports no room.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers, wtforms_errors

from core.forms import name_warnings
from core.roles import HOME_PRIORITY, Role

UK = ZoneInfo("Europe/London")
PRODUCT_NAME = "NPQ SENCO designer"


@dataclass(frozen=True)
class NavItem:
    text: str
    endpoint: str
    roles: frozenset[Role]
    section: str  # URL prefix that marks this item as the current one


@dataclass
class Navigation:
    items: list[NavItem] = field(default_factory=list)
    homes: dict[Role, str] = field(default_factory=dict)

    def add(self, text: str, endpoint: str, *roles: Role, section: str = "") -> None:
        self.items.append(NavItem(text, endpoint, frozenset(roles), section))

    def set_home(self, role: Role, endpoint: str) -> None:
        self.homes[role] = endpoint

    def items_for(self, roles: frozenset[Role]) -> list[NavItem]:
        return [item for item in self.items if item.roles & roles]

    def home_for(self, roles: frozenset[Role]) -> str | None:
        for role in HOME_PRIORITY:
            if role in roles and role in self.homes:
                return self.homes[role]
        return None


def navigation(app: Flask | None = None) -> Navigation:
    return (app or current_app).extensions["navigation"]


def format_date(value: date | datetime | None) -> str:
    """GOV.UK style: 3 March 2025 (in UK time for datetimes)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UK)
    return f"{value.day} {value:%B %Y}"


def format_time(value: datetime) -> str:
    """GOV.UK style: 3:45pm, 10am, in UK time."""
    local = value.astimezone(UK)
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def _service_navigation() -> list[dict[str, object]]:
    if not current_user.is_authenticated:
        return []
    items = []
    for item in navigation().items_for(current_user.roles):
        href = url_for(item.endpoint)
        active = request.path == href or (bool(item.section) and request.path.startswith(item.section))
        items.append({"href": href, "text": item.text, "active": active})
    return items


def error_summary(form: Any) -> dict[str, Any]:
    """The GOV.UK error summary of a form; a field may name the box its link focuses
    (``summary_anchor``: the day of a date), as the Design System asks."""
    summary = wtforms_errors(form)
    anchors = {f"#{field.id}": f"#{field.summary_anchor}" for field in form if hasattr(field, "summary_anchor")}
    for item in summary["errorList"]:
        item["href"] = anchors.get(item["href"], item["href"])
    return summary


def _context() -> dict[str, object]:
    return {"product_name": PRODUCT_NAME, "service_navigation": _service_navigation}


def init_app(app: Flask) -> None:
    app.extensions["navigation"] = Navigation()
    WTFormsHelpers(app)
    app.add_template_global(error_summary, "error_summary")
    app.add_template_global(name_warnings, "name_warnings")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_time, "time")
    app.context_processor(_context)
