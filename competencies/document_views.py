"""PDF downloads of the competencies room: a blank observation form per scenario rubric (mentors and
designers) and a published programme version's handbook (designers). Stored, with an ETag."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, abort

from competencies import documents
from core.access import roles_required
from core.accounts.roles import Role
from core.printing import safe_filename, send_pdf

bp = Blueprint("documents", __name__, url_prefix="/documents")


@bp.route("/scenarios/<key>/observation-form.pdf")
@roles_required(Role.MENTOR, Role.DESIGNER)
def observation_form(key: str) -> Response:
    """A blank form of the scenario's published rubric, to print and take into an observation."""
    document = documents.blank_form_pdf(key) or abort(404)
    return send_pdf(document, safe_filename("observation-form", key))


@bp.route("/programmes/<int:programme_id>/versions/<int:number>/handbook.pdf")
@roles_required(Role.DESIGNER)
def handbook(programme_id: int, number: int) -> Response:
    """The handbook of a published programme version: areas, modules, outcomes, scenarios and rubrics."""
    document = documents.handbook_pdf(programme_id, number) or abort(404)
    return send_pdf(document, safe_filename("handbook", f"programme-{programme_id}", f"version-{number}"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
