"""Calibration exemplars: designers publish a written account of practice with its agreed marks;
mentors score it blind and then see how far they were from the agreed marks per criterion."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assessments.forms import evidence_of, exemplar_form, marks_form
from assessments.models import CalibrationExemplar
from assessments.services import calibration as services
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import STAFF, Role
from core.problems import Conflict, Invalid, blame_fields


@bp.route("/calibration/exemplars")
@roles_required(*STAFF)
def exemplars() -> str:
    """The published exemplars, and a scenario to publish a new one for."""
    return render_template(
        "assessments/calibration/exemplars.html", exemplars=services.exemplars(), scenarios=services.scenarios()
    )


@bp.route("/calibration/exemplars/new/<scenario_key>", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_exemplar(scenario_key: str):  # type: ignore[no-untyped-def]
    """Publish an exemplar for a scenario: the account and its agreed marks by the scenario's rubric."""
    version = services.published_version(scenario_key) or abort(404)
    from competencies import services as competency_services

    rubric = competency_services.rubric_of(version)
    form = exemplar_form(rubric, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            services.publish(
                current_user.id, scenario_key, form.title.data or "", form.account.data or "", evidence_of(form, rubric)
            )
        except Invalid as error:
            blame_fields(
                form, error, "title", {"judgements": "c0" if "c0" in form else "title", "scenario_key": "title"}
            )
        else:
            flash("Exemplar published. Mentors can score it now.", "success")
            return redirect(url_for("assessments.exemplars"))
    scenario = competency_services.get_scenario(scenario_key)
    return render_template(
        "assessments/calibration/new.html", form=form, rubric=rubric, scenario=scenario
    ), 400 if form.errors else 200


@bp.route("/calibration")
@roles_required(Role.MENTOR)
def calibration() -> str:
    """The mentor's exemplars: those to score, and those scored with how far they were."""
    return render_template("assessments/calibration/mine.html", found=services.for_mentor(current_user.id))


def _exemplar(exemplar_id: int) -> CalibrationExemplar:
    return services.get_exemplar(exemplar_id) or abort(404)


@bp.route("/calibration/exemplars/<int:exemplar_id>", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def calibrate(exemplar_id: int):  # type: ignore[no-untyped-def]
    """Score an exemplar blind; once scored, the agreed marks beside the mentor's, criterion by criterion."""
    exemplar = _exemplar(exemplar_id)
    rubric = services.rubric_of(exemplar)
    attempt = services.attempt_of(exemplar.id, current_user.id)
    form = marks_form(rubric, request.form if request.method == "POST" else None)
    if attempt is None and request.method == "POST" and form.validate():
        try:
            services.score(exemplar.id, current_user.id, evidence_of(form, rubric))
        except Invalid as error:
            blame_fields(form, error, "c0" if "c0" in form else "m0", {"judgements": "c0", "exemplar_id": "c0"})
        except Conflict as error:
            flash(str(error), "error")
        else:
            flash("Your marks are saved. Here is how they compare with the agreed marks.", "success")
            return redirect(url_for("assessments.calibrate", exemplar_id=exemplar.id))
    rows = services.gap_rows(attempt) if attempt is not None else ()
    return render_template(
        "assessments/calibration/score.html", exemplar=exemplar, rubric=rubric, form=form, attempt=attempt, rows=rows
    ), 400 if form.errors else 200
