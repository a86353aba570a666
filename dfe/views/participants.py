"""Participants: each trainee tied to a DfE participant, what this app holds beside what the DfE
holds, the reports waiting or refused, and a participant's change of schedule."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.extensions import db
from core.problems import Invalid, blame_fields
from dfe import connection, participants
from dfe.forms import SCHEDULE_LABELS, ChangeScheduleForm, SendAgainForm
from dfe.models import DfeParticipant, DfeReport
from dfe.views.base import bp


@bp.route("/participants")
def participants_list() -> str:
    env = connection.environment()
    return render_template(
        "dfe/participants.html",
        env=env,
        standings=participants.standings(env),
        send_again_form=SendAgainForm(),
        kind_words=participants.KIND_WORDS,
        schedule_labels=SCHEDULE_LABELS,
    )


@bp.route("/participants/<int:participant_id>", methods=["GET", "POST"])
def participant(participant_id: int) -> Response | tuple[str, int]:
    found = participants.standings(connection.environment(), participant_id)
    if not found:
        abort(404)
    standing = found[0]
    form = ChangeScheduleForm()
    if form.validate_on_submit():
        try:
            participants.change_schedule(standing.participant, form.schedule_identifier.data, form.year(), current_user)
            db.session.commit()
            flash("Change of schedule queued: the app will send it to the DfE shortly.", "success")
            return redirect(url_for("dfe.participant", participant_id=participant_id))
        except Invalid as error:
            db.session.rollback()
            blame_fields(form, error, "schedule_identifier")
    status = 400 if form.errors else 200
    page = render_template(
        "dfe/participant.html",
        standing=standing,
        form=form,
        send_again_form=SendAgainForm(),
        kind_words=participants.KIND_WORDS,
        schedule_labels=SCHEDULE_LABELS,
    )
    return page, status


@bp.route("/reports/<int:report_id>/send-again", methods=["POST"])
def send_report_again(report_id: int) -> Response:
    report = db.session.get(DfeReport, report_id)
    if report is None:
        abort(404)
    form = SendAgainForm()
    back = _participant_page(report)
    if form.validate_on_submit():
        try:
            participants.send_again(report)
            db.session.commit()
            flash("Queued to send again.", "success")
        except Invalid as error:
            db.session.rollback()
            flash(str(error.problems[0].message), "error")
    return redirect(back)


def _participant_page(report: DfeReport) -> str:
    row = (
        db.session.query(DfeParticipant)
        .filter_by(environment=report.environment, participant_id=report.participant_id)
        .first()
    )
    return url_for("dfe.participant", participant_id=row.id) if row else url_for("dfe.participants_list")
