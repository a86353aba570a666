"""The cohort grid (scenarios × trainees) and its CSV, for designers and administrators."""

from __future__ import annotations

from flask import Response, abort, render_template, request, url_for

from assessments.grid_rules import CellStatus
from assessments.services import grid as grid_service
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import STAFF
from core.audit import Action, Subject, record_read
from core.paging import page_number


def _filters() -> grid_service.GridFilters:
    args = request.args
    return grid_service.parse_filters(args.get("mentor"), args.get("status"), args.get("scenario"))


def _query(filters: grid_service.GridFilters) -> dict[str, object]:
    """The filters as URL arguments, so pages and the CSV keep them."""
    return {
        k: v
        for k, v in {
            "mentor": filters.mentor_id,
            "status": filters.status.value if filters.status else None,
            "scenario": filters.scenario_key,
        }.items()
        if v is not None
    }


@bp.route("/cohorts/<int:cohort_id>/grid")
@roles_required(*STAFF)
def cohort_grid(cohort_id: int) -> str:
    """The cohort as a table: a row a trainee, a column an observed scenario, each cell in words."""
    filters = _filters()
    found = grid_service.cohort_grid(cohort_id, filters, page_number(request.args.get("page"))) or abort(404)
    query = _query(filters)
    return render_template(
        "assessments/grid.html",
        grid=found,
        filters=filters,
        statuses=list(CellStatus),
        csv_url=url_for("assessments.cohort_grid_csv", cohort_id=cohort_id, **query),
        page_url=lambda n: url_for("assessments.cohort_grid", cohort_id=cohort_id, page=n, **query),
    )


@bp.route("/cohorts/<int:cohort_id>/grid.csv")
@roles_required(*STAFF)
def cohort_grid_csv(cohort_id: int) -> Response:
    """The same grid, every row that passes the filters, as CSV."""
    text = grid_service.grid_csv(cohort_id, _filters())
    if text is None:
        abort(404)
    record_read(Action.CSV_EXPORTED, Subject("cohort", cohort_id), document="cohort_grid")
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="cohort-{cohort_id}-grid.csv"'},
    )
