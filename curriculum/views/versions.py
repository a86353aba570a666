"""Pages for a programme's versions and their exchange: one published version read-only, what
changed between two, a version downloaded as a programme document, and a document imported."""

from __future__ import annotations

from flask import Response, abort, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core.import_pages import ImportPages
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number
from curriculum import services
from curriculum.diff import diff
from curriculum.forms import ImportForm
from curriculum.models import Programme, ProgrammeVersion
from curriculum.services import catalogue as catalogue_service
from curriculum.services.imports import PROGRAMME_JSON
from curriculum.views.base import bp, programme_or_404
from curriculum.views.programme_page import version_choices


@bp.route("/programmes/<int:programme_id>/versions/<int:number>")
def version(programme_id: int, number: int) -> str:
    """One published version, read-only."""
    programme = programme_or_404(programme_id)
    version = services.get_version(programme.id, number) or abort(404)
    return render_template(
        "curriculum/version.html", programme=programme, version=version, analysis=catalogue_service.analyse(version)
    )


def _version_by_label(programme: Programme, label: str | None) -> ProgrammeVersion:
    if label == "draft" and programme.draft is not None:
        return programme.draft
    number = whole_number(label, RECORD_NUMBER_MAX)
    if number is not None:
        found = services.get_version(programme.id, number)
        if found is not None:
            return found
    abort(404)


@bp.route("/programmes/<int:programme_id>/compare")
def compare(programme_id: int) -> str:
    """What changed between two versions (or a version and the draft)."""
    programme = programme_or_404(programme_id)
    before = _version_by_label(programme, request.args.get("from"))
    after = _version_by_label(programme, request.args.get("to"))
    changes = diff(services.export_version(before), services.export_version(after))
    return render_template(
        "curriculum/compare.html",
        programme=programme,
        before=before,
        after=after,
        changes=changes,
        **{
            **version_choices(programme),
            "compare_from": request.args.get("from"),
            "compare_to": request.args.get("to"),
        },
    )


@bp.route("/programmes/<int:programme_id>/export.json")
def export(programme_id: int) -> Response:
    """Download a version (the current one unless ?version=N) as a programme document."""
    programme = programme_or_404(programme_id)
    version = (
        _version_by_label(programme, request.args.get("version")) if request.args.get("version") else programme.current
    )
    response = jsonify(services.export_version(version))
    filename = f"programme-{programme.id}-{version.label.lower().replace(' ', '-')}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


PROGRAMME_IMPORT = ImportPages(
    PROGRAMME_JSON,
    "programme",
    ImportForm,
    "curriculum/import.html",
    "curriculum.import_programme",
    "curriculum.confirm_import",
    lambda programme: url_for("curriculum.programme", programme_id=programme.id),
    "Programme imported as a draft.",
)


@bp.route("/programmes/import", methods=["GET", "POST"])
def import_programme() -> ResponseReturnValue:
    """Check a programme document; every problem is listed with its place, and nothing is saved yet."""
    return PROGRAMME_IMPORT.choose()


@bp.route("/programmes/import/<staged_id>", methods=["GET", "POST"])
def confirm_import(staged_id: str) -> ResponseReturnValue:
    """What a checked document will create, and the button that creates it."""
    return PROGRAMME_IMPORT.confirm(staged_id)
