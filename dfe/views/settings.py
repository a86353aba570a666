"""DfE settings: environment, addresses and tokens, cohort year, cohorts and schedules."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from assessments.models import Cohort
from core.extensions import db
from core.problems import Invalid, blame_fields
from dfe import connection
from dfe.client import DfeError
from dfe.contract import Environment, cohort_year_of
from dfe.forms import ConnectionForm, TestConnectionForm, schedules_form
from dfe.token_store import TokenUnreadable
from dfe.views.base import bp


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> Response | tuple[str, int]:
    form = ConnectionForm()
    shown = {view.environment: view for view in connection.views()}
    if form.validate_on_submit():
        try:
            for env in Environment:
                token = getattr(form, f"{env.value}_token").data or None
                connection.save_connection(env, getattr(form, f"{env.value}_base_url").data, token, current_user)
            connection.choose(Environment(form.environment.data), form.year())
            db.session.commit()
            flash("DfE settings saved.", "success")
            return redirect(url_for("dfe.settings"))
        except Invalid as error:
            db.session.rollback()
            blame_fields(form, error, "environment")
    if request.method == "GET":
        chosen = connection.settings()
        form.environment.data = chosen.environment
        form.cohort_year.data = str(chosen.cohort_year or "")
        for env, view in shown.items():
            getattr(form, f"{env.value}_base_url").data = view.base_url
    status = 400 if form.errors else 200
    return render_template("dfe/settings.html", form=form, shown=shown, test_form=TestConnectionForm()), status


@bp.route("/settings/test", methods=["POST"])
def test_connection() -> Response:
    """Read one application with the chosen environment's token: says whether the DfE accepts it."""
    form = TestConnectionForm()
    if form.validate_on_submit():
        env = connection.environment()
        try:
            with connection.client(env) as client:
                client.get("/npq-applications", {"page[page]": 1, "page[per_page]": 1})
            flash(f"Connected: the DfE's {env.label.lower()} environment accepted the token.", "success")
        except (connection.NotConnected, TokenUnreadable, DfeError) as error:
            flash(f"Not connected: {error}.", "error")
    return redirect(url_for("dfe.settings"))


@bp.route("/schedules", methods=["GET", "POST"])
def schedules() -> Response | tuple[str, int]:
    cohorts = list(db.session.scalars(db.select(Cohort).order_by(Cohort.name, Cohort.id)))
    current = {cid: (row.cohort_year, row.schedule_identifier) for cid, row in connection.schedules().items()}
    form = schedules_form(cohorts, current)
    if form.validate_on_submit():
        try:
            problems: list[tuple[str, str]] = []
            for cohort in cohorts:
                year_text = (getattr(form, f"cohort_{cohort.id}_year").data or "").strip()
                schedule = getattr(form, f"cohort_{cohort.id}_schedule").data or None
                year = cohort_year_of(year_text) if year_text else None
                if year_text and year is None:
                    year = -1  # not a year: map_cohort says so on the field
                try:
                    connection.map_cohort(cohort, year, schedule)
                except Invalid as error:
                    problems.extend(error.problems)
            if problems:
                raise Invalid(problems)
            db.session.commit()
            flash("Cohorts and schedules saved.", "success")
            return redirect(url_for("dfe.schedules"))
        except Invalid as error:
            db.session.rollback()
            blame_fields(form, error, "submit")
    status = 400 if form.errors else 200
    return render_template("dfe/schedules.html", form=form, cohorts=cohorts), status
