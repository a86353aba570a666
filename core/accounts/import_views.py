"""Administrators add people in bulk from a CSV file: choose, check the preview, import (all or nothing)."""

from __future__ import annotations

from flask import Response, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from core import clock, importing
from core.accounts import people_import
from core.accounts.views import people
from core.import_pages import ImportPages
from core.roles import Role


class PeopleImportForm(FlaskForm):
    document = FileField(
        "CSV file of people",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose a CSV file of people")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


def _format() -> importing.Format[people_import.PeopleDraft]:
    return people_import.people_csv(current_user.id, clock.today())


def _imported(done: people_import.Imported) -> str:
    enrolled = done.counts.get("enrolled", 0)
    words = f"{done.added:,} {'person' if done.added == 1 else 'people'} added and invited by email"
    words += f", {done.changed:,} changed"
    if enrolled:
        words += f", {enrolled:,} enrolled"
    return words + "."


PEOPLE_IMPORT = ImportPages(
    _format,
    "people",
    PeopleImportForm,
    "accounts/import_people.html",
    "people.import_people",
    "people.confirm_import",
    lambda _done: url_for("people.index"),
    _imported,
    intro="The file has no problems. " + people_import.WHAT_CHANGES,
    page_context=lambda: {"column_notes": people_import.all_notes(), "rows_max": people_import.ROWS_MAX},
)


@people.route("/import", methods=["GET", "POST"])
def import_people() -> ResponseReturnValue:
    """Check a CSV file of people: every problem is listed by line and column, nothing saved yet."""
    return PEOPLE_IMPORT.choose()


@people.route("/import/<staged_id>", methods=["GET", "POST"])
def confirm_import(staged_id: str) -> ResponseReturnValue:
    """Who a checked file adds or changes, and the button that imports them all."""
    return PEOPLE_IMPORT.confirm(staged_id)


@people.route("/import/template.csv")
def import_template() -> Response:
    """A CSV file to fill in: every column the import reads and one example line."""
    return Response(
        people_import.template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=people-template.csv"},
    )


def init_app() -> None:
    PEOPLE_IMPORT.register(Role.ADMIN)
