"""The administrators' Outbox, and each person's "How we email you"."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from core.access import restrict_blueprint
from core.audit import Action, Subject, record_read
from core.layout import navigation
from core.messages import outbox, preferences, transports
from core.messages.forms import REMINDERS_OFF, REMINDERS_ON, EmailChoicesForm
from core.messages.models import MessageStatus
from core.messages.services import SETTINGS_PATH
from core.paging import page_number
from core.roles import Role

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")
restrict_blueprint(bp, Role.ADMIN)
choices_bp = Blueprint("emails", __name__)


def _labels() -> dict[str, object]:
    return {
        "labels": {s.value: label for s, label in outbox.STATUS_LABELS.items()},
        "colours": {s.value: colour for s, colour in outbox.STATUS_COLOURS.items()},
    }


@bp.route("/")
def index() -> str:
    """Every message the app wrote, newest first: to whom, what, and whether it went."""
    page = outbox.messages_page(page_number(request.args.get("page")))
    return render_template(
        "messages/outbox.html",
        messages=page,
        counts=outbox.counts(),
        failed=MessageStatus.FAILED,
        smtp=transports.smtp_configured(),
        page_url=lambda n: url_for("outbox.index", page=n),
        **_labels(),
    )


@bp.route("/<int:message_id>")
def show(message_id: int) -> str:
    """One message as it was written (plain text, shown escaped)."""
    found = outbox.message(message_id)
    if found is None:
        abort(404)
    record_read(Action.MESSAGE_VIEWED, Subject("message", found.id), found.recipient_id)
    text = outbox.text_for_administrators(found, transports.smtp_configured())
    return render_template("messages/outbox_message.html", message=found, text=text, **_labels())


@choices_bp.route(SETTINGS_PATH, methods=["GET", "POST"])
def choose():  # type: ignore[no-untyped-def]
    """Choose every email at once or a daily digest, and whether to get reminders."""
    form = EmailChoicesForm()
    if form.validate_on_submit():
        frequency = preferences.Frequency(form.frequency.data)
        preferences.save_choices(current_user.id, frequency, form.reminders.data == REMINDERS_ON)
        flash("Your choices have been saved.", "success")
        return redirect(url_for("emails.choose"))
    if request.method == "GET":
        chosen = preferences.choices_of(current_user.id)
        form.frequency.data = chosen.frequency.value
        form.reminders.data = REMINDERS_ON if chosen.reminders else REMINDERS_OFF
    status = 400 if form.errors else 200
    return render_template("messages/choices.html", form=form), status


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(choices_bp)
    navigation(app).add("Outbox", "outbox.index", Role.ADMIN, section="/admin/outbox")
