"""Pages reached from an emailed link: accepting an invitation (more to come: reset, email change)."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, url_for
from flask_login import logout_user

from core.access import public
from core.accounts import invitations, links
from core.accounts.forms import ChoosePasswordForm
from core.accounts.links import Purpose
from core.accounts.services import AccountError
from core.accounts.views import start_session

bp = Blueprint("links", __name__, url_prefix="/account")


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


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    invitations.init_app(app)
