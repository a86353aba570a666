"""Withdrawing, deferring and resuming a trainee: a form with the DfE's reasons for the one change
asked for, a confirmation, then the change (see :mod:`assessments.services.training_status`)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from assessments import training_status as rules
from assessments.forms import TrainingStatusForm
from assessments.models import Enrolment
from assessments.services import enrolments, scope
from assessments.services import training_status as service
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import STAFF
from core.extensions import db
from core.forms import sent_lock_version
from core.problems import Conflict, Invalid, blame_fields, summary_items

# The change each URL asks for, in the words of its button.
CHANGES = {
    "withdraw": rules.TrainingStatus.WITHDRAWN,
    "defer": rules.TrainingStatus.DEFERRED,
    "resume": rules.TrainingStatus.ACTIVE,
}
CONFIRM_BUTTONS = {
    rules.TrainingStatus.WITHDRAWN: "Withdraw trainee",
    rules.TrainingStatus.DEFERRED: "Defer training",
    rules.TrainingStatus.ACTIVE: "Resume training",
}
CONFIRMED = "yes"


def _enrolment(enrolment_id: int) -> Enrolment:
    found = enrolments.get_enrolment(enrolment_id) or abort(404)
    if not scope.may_change_enrolment(current_user):
        abort(403)
    return found


def _back(found: Enrolment) -> Response:
    return redirect(url_for("assessments.change_enrolment", enrolment_id=found.id))


@bp.route("/enrolments/<int:enrolment_id>/training-status/<change>", methods=["GET", "POST"])
@roles_required(*STAFF)
def change_training_status(enrolment_id: int, change: str):  # type: ignore[no-untyped-def]
    """Withdraw, defer or resume: choose the reason, add a note, confirm."""
    found = _enrolment(enrolment_id)
    to = CHANGES.get(change) or abort(404)
    refused = [p for p in rules.change_problems(found.status, rules.StatusChange(to)) if p.path == "to_status"]
    if refused:  # a link to a change no longer possible (an old tab): say why on the enrolment page
        flash(refused[0].message, "error")
        return _back(found)
    form = TrainingStatusForm(lock_version=found.lock_version)
    reasons = rules.REASONS_FOR[to]
    if reasons:
        form.reason.choices = [SelectChoice(code, label) for code, label in reasons.items()]
    else:
        del form.reason  # resuming takes no reason (the DfE's participant-resume has none)
    page_errors: list[dict[str, str]] = []
    confirming = False
    if form.validate_on_submit():
        reason = form.reason.data if reasons else None
        given = rules.StatusChange(to, reason or None, (form.note.data or "").strip())
        problems = rules.change_problems(found.status, given)
        if problems:
            blame_fields(form, Invalid((p.path, p.message) for p in problems), "note", {"to_status": "note"})
        elif form.confirmed.data != CONFIRMED:
            confirming = True  # the answers are right: show them back with the button that makes the change
        else:
            try:
                service.change_status(
                    found, to, given.reason, current_user, sent_lock_version(form.lock_version), given.note
                )
                db.session.commit()
            except Conflict as error:
                flash(error.message, "error")
                return _back(found)
            except Invalid as error:
                page_errors = summary_items(blame_fields(form, error, "note"))
            else:
                flash(f"{found.trainee.name}’s training status is now {to.label.lower()}.", "success")
                return _back(found)
    return render_template(
        "assessments/training_status.html",
        enrolment=found,
        form=form,
        to=to,
        action=rules.ACTION_NAMES[to],
        confirm_button=CONFIRM_BUTTONS[to],
        confirming=confirming,
        confirmed=CONFIRMED,
        reason_label=rules.reason_label(form.reason.data) if reasons else "",
        page_errors=page_errors,
    ), 400 if form.errors or page_errors else 200
