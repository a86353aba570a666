"""Appeals: a trainee asks for a review of a moderated judgement; a moderator who did not mark it
decides (upheld, or changed with new marks); trainee and mentor read the outcome."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from assessments.forms import AppealForm, answers_of, appeal_decision_form, evidence_of
from assessments.models import AppealStatus, ModerationAppeal
from assessments.services import appeals as services
from assessments.services import feedback, moderation
from assessments.views.base import bp
from core.access import roles_required
from core.accounts.roles import Role
from core.problems import Conflict, Invalid, blame_fields


@bp.route("/my-training/observations/<int:observation_id>/appeal", methods=["GET", "POST"])
@roles_required(Role.TRAINEE)
def appeal(observation_id: int):  # type: ignore[no-untyped-def]
    """The trainee asks for a review of a moderated judgement, with their reason."""
    found = feedback.observation_for_trainee(observation_id, current_user.id) or abort(404)
    waiting = services.open_appeal_of(found, current_user.id)
    if waiting is None and not services.may_appeal(found, current_user.id):
        abort(404)  # not moderated, not settled yet, or already reviewed: the observation page says which
    form = AppealForm(reason=waiting.reason if waiting else None)
    if form.validate_on_submit():
        try:
            services.ask(found.id, current_user.id, form.reason.data or "")
        except Invalid as error:
            blame_fields(form, error, "reason", {"observation_id": "reason"})
        except Conflict as error:
            flash(str(error), "error")
        else:
            flash(
                "Your reason is changed."
                if waiting
                else "You have asked for a review. A moderator who did not mark it will decide.",
                "success",
            )
            return redirect(url_for("assessments.my_observation", observation_id=found.id))
    return render_template(
        "assessments/moderation/appeal.html", observation=found, form=form, waiting=waiting
    ), 400 if form.errors else 200


@bp.route("/moderation/appeals")
@roles_required(Role.MODERATOR)
def appeals() -> str:
    """Appeals awaiting a reviewer, then those decided."""
    return render_template(
        "assessments/moderation/appeals.html",
        appeals=services.open_appeals(),
        refusal=services.refusal,
        words=services.STATUS_WORDS,
    )


def _appeal(appeal_id: int) -> ModerationAppeal:
    return services.get_appeal(appeal_id) or abort(404)


@bp.route("/moderation/appeals/<int:appeal_id>", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def review_appeal(appeal_id: int):  # type: ignore[no-untyped-def]
    """The reviewer reads both sets of marks, the judgement and the trainee's reason, and decides."""
    found = _appeal(appeal_id)
    why = services.refusal(found, current_user.id)
    if why:
        return render_template("assessments/moderation/appeal_refused.html", appeal=found, why=why), 403
    item = found.item
    rubric = moderation.rubric_of_item(item)
    evidence = item.agreed_evidence if item.agreed_evidence is not None else item.observation.evidence
    form = appeal_decision_form(
        rubric, request.form if request.method == "POST" else None, **answers_of(evidence, rubric)
    )
    if request.method == "POST" and found.status == AppealStatus.OPEN and form.validate():
        changed = form.decision.data == AppealStatus.CHANGED
        try:
            services.decide(
                found.id,
                current_user.id,
                form.decision.data or "",
                form.decision_reason.data or "",
                evidence_of(form, rubric) if changed else None,
            )
        except Invalid as error:
            blame_fields(
                form,
                error,
                "decision_reason",
                {"appeal_id": "decision", "judgements": "c0" if "c0" in form else "decision"},
            )
        else:
            flash("Decision recorded. The trainee and the mentor can read it.", "success")
            return redirect(url_for("assessments.review_appeal", appeal_id=found.id))
    return render_template(
        "assessments/moderation/review_appeal.html",
        appeal=found,
        c=moderation.comparison(item),
        rubric=rubric,
        form=form,
        words=services.STATUS_WORDS,
    ), 400 if form.errors else 200
