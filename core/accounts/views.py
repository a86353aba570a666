"""Signing in and out, changing a password, each role's home, and managing people."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from core import jobs
from core.access import public, restrict_blueprint
from core.accounts import invitations, needs, services, throttle
from core.accounts.errors import AccountError
from core.accounts.forms import ChangePasswordForm, ConfirmForm, EditPersonForm, NewPersonForm, SignInForm
from core.accounts.models import User
from core.audit import Action, Subject, record_read
from core.clock import utcnow
from core.errors import render_error
from core.extensions import db, login_manager
from core.layout import navigation
from core.paging import page_number, page_of
from core.privacy import erasure
from core.privacy import export as subject_access
from core.problems import Invalid
from core.redirects import redirect_to_local
from core.roles import Role

auth = Blueprint("auth", __name__)
people = Blueprint("people", __name__, url_prefix="/admin/people")
restrict_blueprint(people, Role.ADMIN)


SIGNED_IN_AT = "signed_in_at"  # session key: when this session signed in, in epoch seconds


def throttle_policy() -> throttle.ThrottlePolicy:
    return throttle.ThrottlePolicy.from_config(current_app.config)


def client_address() -> str:
    # The proxy's X-Forwarded-For is only read when TRUSTED_PROXY_HOPS says how many to trust
    # (ProxyFix in core.app); otherwise this is the connecting address.
    return request.remote_addr or "unknown"


def too_many_attempts(retry_after: datetime):  # type: ignore[no-untyped-def]
    page = render_template("accounts/too_many_attempts.html", retry_after=retry_after)
    return page, 429, {"Retry-After": _seconds_until(retry_after)}


def start_session(user: User) -> None:
    """A fresh session at sign-in: nothing from before (CSRF token included) carries over."""
    session.clear()
    login_user(user)
    session[SIGNED_IN_AT] = int(utcnow().timestamp())


@auth.route("/")
def home() -> Response:
    """Send a signed-in person to the home page of their first role."""
    endpoint = navigation().home_for(current_user.roles)
    if endpoint is None:
        abort(403)
    return redirect(url_for(endpoint))


@auth.route("/health")
@public
def health() -> tuple[str, int]:
    """Liveness check for a load balancer."""
    return "ok", 200


@auth.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():  # type: ignore[no-untyped-def]
    """Check an email address and password, with a limit on failed attempts."""
    if current_user.is_authenticated:
        return redirect(url_for("auth.home"))
    form = SignInForm()
    if form.validate_on_submit():
        result = services.sign_in(form.email.data, form.password.data, client_address(), throttle_policy())
        if result.throttled:
            return too_many_attempts(result.retry_after)
        if result.user is None:
            # One message, on the first field: it must not hint which of the two was wrong.
            form.email.errors.append("Enter a correct email address and password")
        else:
            start_session(result.user)
            return redirect_to_local(request.args.get("next"), url_for("auth.home"))
    return render_template("accounts/sign_in.html", form=form, issuers=current_app.config.get("OIDC_ISSUERS") or ())


def _seconds_until(moment: datetime) -> str:
    return str(max(1, int((moment - utcnow()).total_seconds())))


@auth.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    """End this session and every copy of it."""
    services.sign_out(current_user._get_current_object())
    logout_user()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@auth.route("/account/password", methods=["GET", "POST"])
def change_password():  # type: ignore[no-untyped-def]
    """Change your own password; other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.change_password(
                user,
                form.current_password.data,
                form.new_password.data,
                address=client_address(),
                policy=throttle_policy(),
            )
        except throttle.Throttled as throttled:
            return too_many_attempts(throttled.retry_after)
        except AccountError as error:
            getattr(form, error.field or "current_password").errors.append(error.message)
        else:
            _keep_session(user)  # this session carries on under the new token
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.home"))
    return render_template("accounts/change_password.html", form=form)


@people.route("/")
def index() -> str:
    """List people, with a search by name or email, and who has not accepted their invitation."""
    search = request.args.get("q", "").strip()
    found = services.list_people(search)
    now = utcnow()
    show = request.args.get("show") if request.args.get("show") in needs.FILTERS else None
    if show:
        waiting = invitations.waiting(p.id for p in found)
        expired_only = show == needs.EXPIRED  # the need "… ran out: resend" lists only those
        found = [p for p in found if p.id in waiting and (not expired_only or waiting[p.id].expired(now))]
    # A cohort imported from a CSV file is thousands of people: one page of them at a time.
    shown = page_of(found, page_number(request.args.get("page")))
    if not show:
        waiting = invitations.waiting(p.id for p in shown.items)
    return render_template(
        "accounts/people.html",
        people=shown,
        page_url=lambda n: url_for("people.index", q=search or None, show=show, page=n),
        search=search,
        waiting=waiting,
        not_accepted=show is not None,
        filter_words=needs.FILTERS.get(show or "", ("", "")),
        not_accepted_filter=needs.NOT_ACCEPTED,
        needs=needs.administrator_needs(now),
        now=now,
    )


@people.route("/new", methods=["GET", "POST"])
def new():  # type: ignore[no-untyped-def]
    """Add a person with one or more roles: invited by email, or (without email) a temporary password."""
    form = NewPersonForm()
    if form.validate_on_submit():
        try:
            if form.invited():
                person = invitations.add_and_invite(form.name.data, form.email.data, form.selected_roles())
            else:
                person = services.create_person(
                    form.name.data, form.email.data, form.password.data, form.selected_roles(), temporary=True
                )
        except AccountError as error:
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            how = "An invitation has been emailed to them." if form.invited() else "Give them the password yourself."
            flash(f"{person.name} has been added. {how}", "success")
            return redirect(url_for("people.index"))
    return render_template("accounts/person_form.html", form=form, person=None)


@people.route("/<int:person_id>/invitation", methods=["POST"])
def resend_invitation(person_id: int) -> Response:
    """Email a new invitation to someone who has not accepted theirs; the earlier link stops working."""
    person = _person_or_404(person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        invitations.resend(person.id)
    except AccountError as refused:
        flash(refused.message, "error")
    else:
        flash(f"A new invitation has been emailed to {person.name}. The earlier link no longer works.", "success")
    return redirect(url_for("people.index"))


def _person_or_404(person_id: int) -> User:
    return db.get_or_404(User, person_id)


@people.route("/<int:person_id>", methods=["GET", "POST"])
def edit(person_id: int):  # type: ignore[no-untyped-def]
    """Edit a person's details and roles (deactivating has its own button and confirmation)."""
    person = _person_or_404(person_id)
    form = EditPersonForm(obj=person) if request.method == "GET" else EditPersonForm()
    if request.method == "GET":
        form.roles.data = [role.value for role in person.sorted_roles()]
    if form.validate_on_submit():
        try:
            invitations.update_person(
                current_user._get_current_object(),
                person,
                name=form.name.data,
                email=form.email.data,
                roles=form.selected_roles(),
                active=person.active,
                new_password=form.password.data or None,
            )
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field or "email").errors.append(error.message)
        else:
            flash(f"Changes to {person.name} have been saved.", "success")
            return redirect(url_for("people.index"))
    return render_template("accounts/person_form.html", form=form, person=person)


def _keep_session(user: User) -> None:
    """Carry this session on under the user's new token, keeping when it signed in."""
    signed_in_at = session.get(SIGNED_IN_AT)
    login_user(user)
    session[SIGNED_IN_AT] = signed_in_at


def _session_expired() -> bool:
    # Measured from sign-in and never refreshed, so no request (a flashed message, a save)
    # can stretch a session past its absolute lifetime.
    signed_in_at = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in_at, int):
        return True
    age = utcnow().timestamp() - signed_in_at
    return not 0 <= age <= current_app.config["SESSION_ABSOLUTE_LIFETIME_SECONDS"]


@people.route("/<int:person_id>/deactivate", methods=["GET", "POST"])
def deactivate(person_id: int):  # type: ignore[no-untyped-def]
    """Ask, then stop a person signing in and end their sessions and tokens."""
    person = _person_or_404(person_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            services.set_active(current_user._get_current_object(), person, False)
        except AccountError as refused:
            error = refused.message
        else:
            flash(f"{person.name} has been deactivated. They can no longer sign in.", "success")
            return redirect(url_for("people.index"))
    page_errors = [{"text": error, "href": "#deactivate"}] if error else None
    return render_template(
        "accounts/confirm_deactivate.html", form=form, person=person, page_errors=page_errors
    ), 400 if error else 200


@people.route("/<int:person_id>/reactivate", methods=["POST"])
def reactivate(person_id: int) -> Response:
    """Let a deactivated person sign in again."""
    person = _person_or_404(person_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.set_active(current_user._get_current_object(), person, True)
    except AccountError as refused:
        flash(refused.message, "error")
    else:
        flash(f"{person.name} has been reactivated and can sign in again.", "success")
    return redirect(url_for("people.edit", person_id=person.id))


@people.route("/<int:person_id>/erase", methods=["GET", "POST"])
def erase(person_id: int):  # type: ignore[no-untyped-def]
    """Ask, then erase a person's personal data everywhere, and say what was kept and why."""
    person = _person_or_404(person_id)
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            erased = erasure.erase_person(person.id, current_user.id)
        except Invalid as refused:
            error = refused.message
        else:
            return render_template("accounts/erased.html", erased=erased)
    page_errors = [{"text": error, "href": "#erase"}] if error else None
    return render_template(
        "accounts/confirm_erase.html", form=form, person=person, page_errors=page_errors
    ), 400 if error else 200


# ---- subject access: everything held about a person, as a job (core.privacy.export) ----------------

EXPORT_EXPIRED = (
    "This download has expired",
    "Exports are kept for a day after they are made. Make it again from the person's page.",
)
EXPORT_MIMETYPES = {"json": "application/json", "pdf": "application/pdf"}


def _own_export(job_id: int) -> jobs.Job:
    """The export, only if this administrator started it: anyone else's is not found."""
    job = jobs.job_for(job_id, current_user.id)
    if job is None or job.kind != subject_access.KIND:
        abort(404)
    return job


@people.route("/<int:person_id>/personal-data/<kind>", methods=["POST"])
def start_export(person_id: int, kind: str) -> Response:
    """Start gathering everything held about the person, then show how far it has got."""
    person = _person_or_404(person_id)
    if kind not in subject_access.FORMATS:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = subject_access.start(person.id, current_user.id, as_pdf=kind == "pdf")
    return redirect(url_for("people.export_job", job_id=job.id), code=303)


@people.route("/personal-data/<int:job_id>")
def export_job(job_id: int) -> str:
    """How far an export has got; the download once it is made."""
    job = _own_export(job_id)
    person = db.session.get(User, int(job.params.get("person_id", 0)))
    return render_template(
        "accounts/personal_data_job.html", job=job, person=person, form=ConfirmForm(), states=jobs.JobStatus
    )


@people.route("/personal-data/<int:job_id>/status")
def export_status(job_id: int) -> Response:
    """The export's progress as JSON, for the progress page's script."""
    job = _own_export(job_id)
    return jsonify(
        status=job.status, done=job.done, total=job.total, percent=job.percent, error=job.error, expired=job.expired
    )


@people.route("/personal-data/<int:job_id>/download")
def download_export(job_id: int):  # type: ignore[no-untyped-def]
    """The export's file, once made and until it expires."""
    job = _own_export(job_id)
    if job.state is not jobs.JobStatus.DONE:
        return redirect(url_for("people.export_job", job_id=job.id))
    path = jobs.result_path(job)
    if path is None:
        return render_error(410, *EXPORT_EXPIRED)
    mimetype = EXPORT_MIMETYPES.get(str(job.params.get("format")), "application/octet-stream")
    person_id = int(job.params.get("person_id", 0)) or None
    record_read(Action.EXPORT_DOWNLOADED, Subject("user", person_id), person_id, format=str(job.params.get("format")))
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=job.result_name or path.name, max_age=0)


@login_manager.user_loader
def _load_user(session_token: str) -> User | None:
    if _session_expired():
        session.clear()
        return None
    return services.load_user(session_token)


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to continue."
    login_manager.login_message_category = "info"
    app.register_blueprint(auth)
    app.register_blueprint(people)
    nav = navigation(app)
    nav.add("People", "people.index", Role.ADMIN, section="/admin/people")
    nav.set_home(Role.ADMIN, "people.index")
