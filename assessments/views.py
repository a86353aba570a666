"""Pages for designers (cohorts, enrolments), mentors (observing trainees) and trainees (their progress)."""
from __future__ import annotations

import secrets
from datetime import date

from flask import Blueprint, Flask, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from assessments import services
from assessments.cli import enrol
from assessments.demo import create_demo_cohort
from assessments.forms import CohortForm, EnrolmentForm, answers_of, evidence_of, observation_form
from assessments.models import Observation
from competencies import engine
from competencies import services as competency_services
from core.access import roles_required
from core.accounts.roles import Role
from core.layout import navigation
from core.problems import Invalid, blame_fields

bp = Blueprint("assessments", __name__, url_prefix="/assessments", template_folder="templates")

OBSERVATION_FIELDS = {"scenario_key": "setting", "evidence": "setting", "idempotency_key": "setting"}


def today() -> date:
    return date.today()


# ---- cohorts (designers and administrators) --------------------------------------------------

@bp.route("/cohorts", methods=["GET", "POST"])
@roles_required(Role.DESIGNER, Role.ADMIN)
def cohorts():  # type: ignore[no-untyped-def]
    """Cohorts, and a form to start one on a published programme version."""
    form = CohortForm()
    form.programme_version_id.choices = [SelectChoice(v.id, f"{v.name} ({v.label})") for v in services.published_versions()]
    if form.validate_on_submit():
        try:
            cohort = services.create_cohort(form.name.data, form.programme_version_id.data)
        except Invalid as error:
            blame_fields(form, error, "name")
        else:
            flash("Cohort created. Enrol its trainees.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=cohort.id))
    return render_template("assessments/cohorts.html", cohorts=services.list_cohorts(), form=form)


@bp.route("/cohorts/<int:cohort_id>", methods=["GET", "POST"])
@roles_required(Role.DESIGNER, Role.ADMIN)
def cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    """A cohort's trainees, and a form to enrol one with a mentor."""
    found = services.get_cohort(cohort_id) or abort(404)
    form = EnrolmentForm()
    form.trainee_id.choices = [SelectChoice(p.id, f"{p.name} ({p.email})") for p in services.people_with(Role.TRAINEE)]
    form.mentor_id.choices = [SelectChoice(p.id, f"{p.name} ({p.email})") for p in services.people_with(Role.MENTOR)]
    if form.validate_on_submit():
        given = services.EnrolmentInput(form.trainee_id.data, (form.mentor_id.data,), form.school.data or "",
                                        form.became_senco.data, form.earlier_senco_months.data or 0)
        try:
            services.enrol(found.id, given, today())
        except Invalid as error:
            blame_fields(form, error, "trainee_id", {"mentor_ids": "mentor_id"})
        else:
            flash("Trainee enrolled.", "success")
            return redirect(url_for("assessments.cohort", cohort_id=found.id))
    return render_template("assessments/cohort.html", cohort=found, form=form)


# ---- mentors --------------------------------------------------------------------------------

@bp.route("/observations")
@roles_required(Role.MENTOR)
def observations() -> str:
    """The mentor's home: the trainees they observe."""
    return render_template("assessments/observations.html", enrolments=services.mentor_enrolments(current_user.id))


def _my_trainee(enrolment_id: int):  # type: ignore[no-untyped-def]
    """The enrolment if the signed-in mentor mentors it; 404 otherwise (another mentor's trainee)."""
    return services.enrolment_for_mentor(enrolment_id, current_user.id) or abort(404)


@bp.route("/trainees/<int:enrolment_id>")
@roles_required(Role.MENTOR)
def trainee(enrolment_id: int) -> str:
    """One trainee's scenarios, their observations, and what sign-off still needs."""
    enrolment = _my_trainee(enrolment_id)
    return render_template("assessments/trainee.html", enrolment=enrolment, progress=services.progress(enrolment),
                           duty=services.senco_duty(enrolment, today()))


def _observation_page(enrolment, scenario, observation: Observation | None):  # type: ignore[no-untyped-def]
    version = services.current_rubric(scenario) or abort(404)
    rubric = competency_services.rubric_of(version)
    values = {}
    if observation is not None and request.method == "GET":
        values = {**answers_of(observation.evidence, rubric), "observed_on": observation.observed_on,
                  "setting": observation.setting, "present": observation.present,
                  "idempotency_key": observation.idempotency_key, "lock_version": observation.lock_version}
    elif request.method == "GET":
        values = {"idempotency_key": secrets.token_urlsafe(24)}
    form = observation_form(rubric, list(scenario.present), request.form if request.method == "POST" else None, **values)
    if request.method == "POST" and form.validate():
        lock = int(form.lock_version.data) if (form.lock_version.data or "").isdigit() else None
        given = services.ObservationInput(scenario.key, form.observed_on.data, form.setting.data or "", tuple(form.present.data or ()),
                                          evidence_of(form, rubric), form.idempotency_key.data or secrets.token_urlsafe(24),
                                          submit=bool(form.submit_observation.data), lock_version=lock)
        try:
            saved = services.record_observation(enrolment.id, current_user.id, given, today(),
                                                observation.id if observation else None)
        except Invalid as error:
            blame_fields(form, error, "setting", OBSERVATION_FIELDS)
        else:
            flash("Observation submitted." if saved.submitted else "Draft saved. Submit it when it is complete.", "success")
            return redirect(url_for("assessments.observation", observation_id=saved.id))
    return render_template("assessments/observation_form.html", enrolment=enrolment, scenario=scenario, rubric=rubric,
                           form=form, observation=observation)


@bp.route("/trainees/<int:enrolment_id>/observations/new/<scenario_key>", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def new_observation(enrolment_id: int, scenario_key: str):  # type: ignore[no-untyped-def]
    enrolment = _my_trainee(enrolment_id)
    scenario = next((s for s in services.scenarios_of(enrolment) if s.key == scenario_key), None) or abort(404)
    return _observation_page(enrolment, scenario, None)


def _my_observation(observation_id: int) -> Observation:
    return services.get_observation_for_mentor(observation_id, current_user.id) or abort(404)


@bp.route("/observations/<int:observation_id>/change", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def change_observation(observation_id: int):  # type: ignore[no-untyped-def]
    found = _my_observation(observation_id)
    if found.submitted:
        abort(404)
    scenario = competency_services.get_scenario(found.scenario_key) or abort(404)
    return _observation_page(found.enrolment, scenario, found)


@bp.route("/observations/<int:observation_id>")
@roles_required(Role.MENTOR)
def observation(observation_id: int) -> str:
    """One observation: its outcome and reasons; a draft can be changed or submitted."""
    found = _my_observation(observation_id)
    return render_template("assessments/observation.html", view=services.explained(found),
                           scenario=competency_services.get_scenario(found.scenario_key))


@bp.route("/observations/<int:observation_id>/submit", methods=["POST"])
@roles_required(Role.MENTOR)
def submit_observation(observation_id: int) -> Response:
    found = _my_observation(observation_id)
    seen = request.form.get("lock_version", "")
    try:
        services.submit_observation(found.id, current_user.id, int(seen) if seen.isdigit() else -1)
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash("Observation submitted.", "success")
    return redirect(url_for("assessments.observation", observation_id=found.id))


# ---- trainees -------------------------------------------------------------------------------

@bp.route("/my-training")
@roles_required(Role.TRAINEE)
def my_training() -> str:
    """The trainee's home: the SENCO deadline, each scenario's progress, and what sign-off needs."""
    enrolments = services.trainee_enrolments(current_user.id)
    found = [(e, services.senco_duty(e, today()), services.progress(e, submitted_only=True)) for e in enrolments]
    return render_template("assessments/my_training.html", enrolments=found, outcomes=engine.Outcome)


def _demo_data() -> str:
    return create_demo_cohort("trainee@example.org", "mentor@example.org", today())


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(enrol)
    app.extensions.setdefault("demo_data", []).append(_demo_data)  # run by ``flask setup`` after the demo people
    nav = navigation(app)
    nav.add("Cohorts", "assessments.cohorts", Role.DESIGNER, Role.ADMIN, section="/assessments/cohorts")
    nav.add("Observations", "assessments.observations", Role.MENTOR, section="/assessments/observations")
    nav.add("My training", "assessments.my_training", Role.TRAINEE, section="/assessments/my-training")
    nav.set_home(Role.MENTOR, "assessments.observations")
    nav.set_home(Role.TRAINEE, "assessments.my_training")
