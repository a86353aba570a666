"""Applications: the list read from the DfE, "Sync now", and one application's page where an
administrator accepts (enrolling the trainee) or rejects it."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from assessments.services.enrolments import people_with
from core import clock
from core.accounts.roles import Role
from core.paging import page_number
from core.problems import Conflict, Invalid, Problem, blame_fields
from dfe import applications, connection, sync
from dfe.application_forms import STATUS_FILTERS, AcceptForm, FinishForm, RejectForm, SyncForm, choose, chosen_id
from dfe.forms import SCHEDULE_LABELS
from dfe.models import DfeApplication
from dfe.token_store import TokenUnreadable
from dfe.views.base import bp


@bp.route("/applications")
def applications_list() -> str:
    status = request.args.get("status", "pending")
    status = status if status in STATUS_FILTERS else "pending"
    page = applications.listing(status or None, page_number(request.args.get("page")))
    return render_template(
        "dfe/applications.html",
        page=page,
        status=status,
        filters=STATUS_FILTERS,
        summary=applications.summary,
        sync_form=SyncForm(),
        sync_job=(job := sync.latest_job(current_user.id)),
        sync_report=sync.job_report(job) if job else [],
        syncs=[s for s in sync.last_syncs(connection.environment()) if s.resource == applications.RESOURCE],
        page_url=lambda n: url_for("dfe.applications_list", status=status, page=n),
    )


@bp.route("/applications/sync", methods=["POST"])
def applications_sync() -> Response:
    """Queue a sync of the applications changed at the DfE; the list shows how it goes."""
    if SyncForm().validate_on_submit():
        try:
            sync.start([applications.RESOURCE], current_user.id)
        except sync.SyncBusy as error:
            flash(f"{error}.", "error")
        except (connection.NotConnected, TokenUnreadable) as error:
            flash(f"Not synced: {error}.", "error")
    return redirect(url_for("dfe.applications_list"))


def _found(application_id: str) -> DfeApplication:
    application = applications.get(application_id)
    if application is None:
        abort(404)
    return application


def _choices() -> tuple[list[SelectChoice], list[SelectChoice]]:
    cohorts = [
        SelectChoice(
            str(row.cohort_id),
            f"{row.cohort.name} (DfE {row.cohort_year}, {SCHEDULE_LABELS.get(row.schedule_identifier, row.schedule_identifier)})",
        )
        for row in applications.linked_cohorts()
    ]
    mentors = [SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in people_with(Role.MENTOR)]
    return cohorts, mentors


def _forms(application: DfeApplication, fresh: bool) -> dict[str, Any]:
    """The page's forms; ``fresh``: as the application stands now (its lock version, its default
    cohort), not as a post left them."""
    cohorts, mentors = _choices()
    accept, finish, reject = AcceptForm(), FinishForm(), RejectForm()
    for form in (accept, finish):
        choose(form, cohorts, mentors)
        if request.method == "GET":
            default = applications.default_cohort(application)
            form.cohort_id.data = str(default.id) if default else ""
    if fresh:
        for form in (accept, finish, reject):
            form.lock_version.data = str(application.lock_version)
    return {"accept_form": accept, "finish_form": finish, "reject_form": reject}


def _render(
    application: DfeApplication, forms: dict[str, Any], unplaced: list[Problem], status: int
) -> tuple[str, int]:
    page_errors = []
    for form in forms.values():
        for name, messages in form.errors.items():
            page_errors += [{"text": m, "href": f"#{name}"} for m in messages]
    page_errors += [{"text": p.message, "href": "#decision"} for p in unplaced]
    dfe_errors = [
        {
            "text": f"The DfE: {e.get('detail') or e.get('title')}",
            "href": f"#{applications.DFE_FIELDS.get(e.get('title', ''), 'decision')}",
        }
        for e in application.errors or []
    ]
    return (
        render_template(
            "dfe/application.html",
            application=application,
            a=application.attributes,
            summary=applications.summary,
            eligible=applications.eligible(application),
            needs_enrolment=applications.needs_enrolment(application),
            page_errors=page_errors + dfe_errors,
            dfe_errors=dfe_errors,
            **forms,
        ),
        status,
    )


@bp.route("/applications/<application_id>")
def application_page(application_id: str) -> tuple[str, int]:
    application = _found(application_id)
    forms = _forms(application, fresh=True)
    # The DfE's last refusal, on the field it names.
    for error in application.errors or []:
        field = applications.DFE_FIELDS.get(error.get("title", ""))
        if field and application.status == "pending":
            getattr(forms["accept_form"], field).errors = [f"The DfE: {error.get('detail') or error.get('title')}"]
    return _render(application, forms, [], 200)


def _decided(application_id: str, form_name: str, decide: Any) -> Response | tuple[str, int]:
    application = _found(application_id)
    forms = _forms(application, fresh=False)
    form = forms[form_name]
    if not form.validate_on_submit():
        return _render(application, forms, [], 400)
    try:
        message = decide(application, form)
    except Conflict as error:
        application = _found(application_id)
        return _render(application, _forms(application, fresh=True), error.problems, 409)
    except Invalid as error:
        unplaced = blame_fields(form, error, "")
        return _render(_found(application_id), forms, unplaced, 400)
    except applications.DfeFailed as error:
        application = _found(application_id)
        return _render(
            application, _forms(application, fresh=True), [] if error.problems else [Problem("", error.message)], 422
        )
    flash(message, "success")
    return redirect(url_for("dfe.application_page", application_id=application_id))


@bp.route("/applications/<application_id>/accept", methods=["POST"])
def application_accept(application_id: str) -> Response | tuple[str, int]:
    def decide(application: DfeApplication, form: AcceptForm) -> str:
        enrolment = applications.accept(
            application.id,
            form.lock(),
            form.funded(),
            chosen_id(form.cohort_id.data),
            tuple(i for i in [chosen_id(form.mentor_id.data)] if i is not None),
            current_user,
            clock.today(),
        )
        return f"Accepted at the DfE. {application.full_name} is enrolled on {enrolment.cohort.name} and invited."

    return _decided(application_id, "accept_form", decide)


@bp.route("/applications/<application_id>/finish", methods=["POST"])
def application_finish(application_id: str) -> Response | tuple[str, int]:
    def decide(application: DfeApplication, form: FinishForm) -> str:
        enrolment = applications.finish(
            application.id,
            form.lock(),
            chosen_id(form.cohort_id.data),
            tuple(i for i in [chosen_id(form.mentor_id.data)] if i is not None),
            current_user,
            clock.today(),
        )
        return f"{application.full_name} is enrolled on {enrolment.cohort.name}."

    return _decided(application_id, "finish_form", decide)


@bp.route("/applications/<application_id>/reject", methods=["POST"])
def application_reject(application_id: str) -> Response | tuple[str, int]:
    def decide(application: DfeApplication, form: RejectForm) -> str:
        applications.reject(application.id, form.lock(), form.reason.data or "", current_user)
        return "Rejected at the DfE. Tell the applicant yourself: the DfE does not pass on your reason."

    return _decided(application_id, "reject_form", decide)
