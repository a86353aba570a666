"""The register of who completed the qualification (and its CSV), for designers and administrators."""

from __future__ import annotations

from flask import Response, render_template, request, url_for

from assessments import services
from assessments.services import register as register_service
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import STAFF
from core.audit import Action, Subject, record_read
from core.paging import page_number
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number


def _choice() -> tuple[int | None, bool]:
    """``?cohort=`` (any other value: every cohort) and ``?show=all`` (otherwise completed only)."""
    cohort_id = whole_number(request.args.get("cohort"), RECORD_NUMBER_MAX)
    return cohort_id, request.args.get("show") != "all"


@bp.route("/register")
@roles_required(*STAFF)
def register() -> str:
    """Who completed the qualification (case-study assessment passed), when, on which programme version."""
    cohort_id, completed_only = _choice()
    query = {k: v for k, v in {"cohort": cohort_id, "show": None if completed_only else "all"}.items() if v is not None}
    rows = register_service.register_page(cohort_id, completed_only, page_number(request.args.get("page")))
    return render_template(
        "assessments/register.html",
        rows=rows,
        cohorts=services.list_cohorts(),
        cohort_id=cohort_id,
        completed_only=completed_only,
        csv_url=url_for("assessments.register_csv", **query),
        page_url=lambda n: url_for("assessments.register", page=n, **query),
    )


@bp.route("/register.csv")
@roles_required(*STAFF)
def register_csv() -> Response:
    cohort_id, completed_only = _choice()
    text = register_service.register_csv(cohort_id, completed_only)
    record_read(Action.CSV_EXPORTED, Subject("cohort", cohort_id), document="register")
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="register.csv"'},
    )
