"""The administrators' page of the audit log: newest first, filtered, a page at a time."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template, request, url_for

from core.access import restrict_blueprint
from core.audit import privacy, services
from core.audit.forms import AuditFilterForm
from core.layout import navigation
from core.paging import page_number
from core.problems import Invalid, blame_fields
from core.roles import Role

bp = Blueprint("audit", __name__, url_prefix="/audit")
restrict_blueprint(bp, Role.ADMIN)

FILTER_NAMES = ("actor", "action", "person", "date_from", "date_to")


def _query() -> dict[str, list[str]]:
    """The filters as sent, so the pages' links keep them (a date is three boxes of one name)."""
    return {name: request.args.getlist(name) for name in FILTER_NAMES if any(request.args.getlist(name))}


@bp.route("/")
def index() -> tuple[str, int]:
    """Who viewed or downloaded which record, and every administrative change; filtered by who,
    what, whose record and dates."""
    form = AuditFilterForm(request.args)
    filters = services.AuditFilters()
    valid = not request.args or form.validate()
    try:  # also after a bad date, so that every problem is listed at once
        filters = services.parse_filters(
            form.actor.data, form.action.data, form.person.data, form.date_from.data, form.date_to.data
        )
    except Invalid as error:
        blame_fields(form, error, "actor")
        valid = False
    # Filters that could not be read show no events rather than every event.
    page = services.events_page(filters, page_number(request.args.get("page"))) if valid else None
    query = _query()
    return render_template(
        "audit/index.html",
        form=form,
        events=page,
        filtered=bool(query),
        page_url=lambda n: url_for("audit.index", page=n, **query),
    ), 200 if valid else 400


def init_app(app: Flask) -> None:
    privacy.init_app(app)
    app.register_blueprint(bp)
    navigation(app).add("Audit log", "audit.index", Role.ADMIN, section="/audit")
