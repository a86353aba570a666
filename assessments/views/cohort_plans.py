"""A cohort's training plans as a ZIP: start the job, follow its progress, download the result.

Course designers and administrators only; a job is its starter's, and anyone else's is not
found (404) whether or not it exists.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from assessments import services
from assessments.services import cohort_plans
from assessments.views.base import bp
from core import jobs
from core.access import roles_required
from core.accounts.roles import STAFF
from core.audit import Action, Subject, record_read
from core.errors import render_error
from core.problems import Invalid

EXPIRED = (
    "This download has expired",
    "Plans are kept for a day after they are made. Make them again from the cohort page.",
)


def _own_job(job_id: int) -> jobs.Job:
    job = jobs.job_for(job_id, current_user.id)
    if job is None or job.kind != cohort_plans.KIND:
        abort(404)
    return job


@bp.route("/cohorts/<int:cohort_id>/plans", methods=["POST"])
@roles_required(*STAFF)
def start_cohort_plans(cohort_id: int):  # type: ignore[no-untyped-def]
    """Start making every trainee's plan into one ZIP, then show its progress."""
    services.get_cohort(cohort_id) or abort(404)
    try:
        job = cohort_plans.start(cohort_id, current_user.id)
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("assessments.cohort", cohort_id=cohort_id))
    return redirect(url_for("assessments.cohort_plans_job", job_id=job.id), code=303)


@bp.route("/plan-jobs/<int:job_id>")
@roles_required(*STAFF)
def cohort_plans_job(job_id: int) -> str:
    """How far the plans have got; the download once they are made."""
    job = _own_job(job_id)
    cohort = services.get_cohort(int(job.params.get("cohort_id", 0)))
    return render_template(
        "assessments/cohort_plans_job.html", job=job, cohort=cohort, form=FlaskForm(), states=jobs.JobStatus
    )


@bp.route("/plan-jobs/<int:job_id>/status")
@roles_required(*STAFF)
def cohort_plans_status(job_id: int):  # type: ignore[no-untyped-def]
    """The job's progress as JSON, for the progress page's script."""
    job = _own_job(job_id)
    return jsonify(
        status=job.status, done=job.done, total=job.total, percent=job.percent, error=job.error, expired=job.expired
    )


@bp.route("/plan-jobs/<int:job_id>/download")
@roles_required(*STAFF)
def download_cohort_plans(job_id: int):  # type: ignore[no-untyped-def]
    """The ZIP, once made and until it expires."""
    job = _own_job(job_id)
    if not job.state.finished or job.state is jobs.JobStatus.FAILED:
        return redirect(url_for("assessments.cohort_plans_job", job_id=job.id))
    path = jobs.result_path(job)
    if path is None:
        return render_error(410, *EXPIRED)
    cohort_id = int(job.params.get("cohort_id", 0)) or None
    record_read(Action.ZIP_DOWNLOADED, Subject("cohort", cohort_id), document="training_plans", job_id=job.id)
    return send_file(
        path, mimetype="application/zip", as_attachment=True, download_name=job.result_name or path.name, max_age=0
    )
