"""Pages reached from an emailed link, and the pages that send one: accepting an invitation,
a forgotten password, and a change of email address."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from core.access import public
from core.accounts import email_change, invitations, links, reset_privacy, resets, security_messages
from core.accounts.errors import AccountError
from core.accounts.forms import ChangeEmailForm, ChoosePasswordForm, ConfirmForm, ForgotPasswordForm
from core.accounts.links import Purpose
from core.accounts.models import normalise_email
from core.accounts.throttle import Throttled
from core.accounts.views import client_address, start_session, throttle_policy, too_many_attempts

bp = Blueprint("links", __name__, url_prefix="/account")


@bp.after_request
def _kept_by_no_cache(response: Response) -> Response:
    """A page reached from an emailed link names its person and carries the link's secret in its
    address, before anyone has signed in (the app's no-store is for signed-in pages): no browser
    history or shared cache may keep it."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _link_gone() -> tuple[str, int]:
    return render_template("accounts/link_gone.html"), 404


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):  # type: ignore[no-untyped-def]
    """Choose a password through an invitation, then start working."""
    try:
        person = links.peek(token, Purpose.INVITATION).user
    except links.LinkGone:
        return _link_gone()
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            person = invitations.accept(token, form.new_password.data)
        except links.LinkGone:
            return _link_gone()
        except AccountError as error:
            form.new_password.errors.append(error.message)
        else:
            logout_user()  # whoever was signed in in this browser, it is now the invited person
            start_session(person)
            flash("Your password has been saved. Welcome.", "success")
            return redirect(url_for("auth.home"))
    return render_template("accounts/accept_invitation.html", form=form, person=person)


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
def forgot_password():  # type: ignore[no-untyped-def]
    """Ask for a link to choose a new password; the answer never says whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        resets.request_reset(form.email.data, client_address())  # throttled or not: the same answer
        return redirect(url_for("links.reset_sent"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/forgot-password/sent")
@public
def reset_sent() -> str:
    """The one answer to every reset request."""
    return render_template("accounts/reset_sent.html", hours=security_messages.RESET_HOURS)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):  # type: ignore[no-untyped-def]
    """Choose a new password through a reset link; every other session ends."""
    try:
        person = links.peek(token, Purpose.PASSWORD_RESET).user
    except links.LinkGone:
        return _link_gone()
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        try:
            person = resets.reset_password(token, form.new_password.data)
        except links.LinkGone:
            return _link_gone()
        except AccountError as error:
            form.new_password.errors.append(error.message)
        else:
            logout_user()
            start_session(person)
            flash("Your new password has been saved. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.home"))
    return render_template("accounts/reset_password.html", form=form, person=person)


@bp.route("/email", methods=["GET", "POST"])
def change_email():  # type: ignore[no-untyped-def]
    """Ask to change your own email address; a link goes to the new one."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        try:
            email_change.request_change(
                current_user._get_current_object(),
                form.new_email.data,
                form.current_password.data,
                address=client_address(),
                policy=throttle_policy(),
            )
        except Throttled as throttled:
            return too_many_attempts(throttled.retry_after)
        except AccountError as error:
            getattr(form, error.field or "new_email").errors.append(error.message)
        else:
            return render_template(
                "accounts/email_change_sent.html",
                new_email=normalise_email(form.new_email.data),
                hours=security_messages.EMAIL_CHANGE_HOURS,
            )
    return render_template("accounts/change_email.html", form=form)


@bp.route("/email/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str):  # type: ignore[no-untyped-def]
    """Confirm a new email address (a button, so a mail scanner opening the link changes nothing)."""
    try:
        change = email_change.pending(token)
    except links.LinkGone:
        return _link_gone()
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            person = email_change.confirm(token)
        except links.LinkGone:
            return _link_gone()
        except email_change.EmailInUse as refused:
            return render_template("accounts/email_in_use.html", message=refused.message), 409
        return render_template("accounts/email_changed.html", person=person)
    return render_template("accounts/confirm_email.html", form=form, new_email=change.new_email)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    invitations.init_app(app)
    security_messages.init_app(app)
    resets.init_app(app)
    reset_privacy.init_app(app)
