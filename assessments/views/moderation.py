"""Moderation: samples drawn by moderators, blind second marking, the agreed judgement (moderator
and mentor), and the agreement report with its CSV."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from assessments import agreement
from assessments.forms import CalibrationForm, RandomSampleForm, answers_of, chosen_sample_form, evidence_of, marks_form
from assessments.models import Cohort, ModerationItem
from assessments.reminders import Audience
from assessments.services import appeals, reminders
from assessments.services import calibration as calibration_services
from assessments.services import moderation as services
from assessments.services import moderation_pack as moderation_pack_service
from assessments.views.base import bp
from competencies import services as competency_services
from core.access import roles_required
from core.accounts.roles import STAFF, Role
from core.audit import Action, Subject, record_read
from core.clock import today
from core.forms import sent_lock_version
from core.problems import Invalid, blame_fields


@bp.route("/moderation")
@roles_required(Role.MODERATOR)
def moderation() -> str:
    """The moderator's home: what needs them this week, each cohort and how far its moderation has gone."""
    needs = reminders.needs_of(current_user.id, Audience.MODERATOR, today())
    return render_template("assessments/moderation/index.html", cohorts=services.cohorts(), needs=needs)


def _cohort(cohort_id: int) -> Cohort:
    return services.get_cohort(cohort_id) or abort(404)


def _chosen_form(cohort_id: int, data=None):  # type: ignore[no-untyped-def]
    # The scenario's title, as on every other page: its key (e.g. "annual-review") means nothing to a moderator.
    titles = {sc.key: sc.title for sc in competency_services.list_scenarios(rubrics=False)}
    choices = [
        SelectChoice(
            o.id,
            f"{o.enrolment.trainee.name}, {titles.get(o.scenario_key, o.scenario_key)}, {o.observed_on:%-d %B %Y}"
            f" (mentor: {o.observer.name if o.observer else 'removed'})",
        )
        for o in services.candidates(cohort_id)
    ]
    return chosen_sample_form(choices, data)


def _cohort_page(cohort: Cohort, random_form=None, chosen_form=None, status: int = 200):  # type: ignore[no-untyped-def]
    random_form = random_form or RandomSampleForm(formdata=None)
    chosen_form = chosen_form or _chosen_form(cohort.id)
    items = [i for s in services.samples_of(cohort.id) for i in s.items]
    errors = random_form if random_form.errors else chosen_form
    return render_template(
        "assessments/moderation/cohort.html",
        cohort=cohort,
        summary=services.cohort_summary(cohort.id),
        plan=services.sampling_plan(cohort.id),
        plan_settings=services.plan_settings(cohort.id),
        today=today(),
        random_form=random_form,
        chosen_form=chosen_form,
        form=errors,
        items=items,
        samples=services.samples_of(cohort.id),
        status_of=services.status_of,
        words=services.STATUS_WORDS,
        may_see=services.may_see_both,
    ), status


@bp.route("/moderation/cohorts/<int:cohort_id>")
@roles_required(Role.MODERATOR)
def moderation_cohort(cohort_id: int):  # type: ignore[no-untyped-def]
    """A cohort's samples and their observations, and the two ways to draw a sample."""
    return _cohort_page(_cohort(cohort_id))


@bp.route("/moderation/cohorts/<int:cohort_id>/random", methods=["POST"])
@roles_required(Role.MODERATOR)
def draw_random(cohort_id: int):  # type: ignore[no-untyped-def]
    """Draw a random percentage, stratified by mentor and scenario, from a recorded seed."""
    cohort = _cohort(cohort_id)
    form = RandomSampleForm()
    if form.validate_on_submit():
        try:
            sample = services.draw_random(cohort.id, current_user.id, form.percent.data, form.seed.data or None)
        except Invalid as error:
            blame_fields(form, error, "percent", {"cohort_id": "percent"})
        else:
            flash(f"Sample drawn: {len(sample.items)} observation{'s' if len(sample.items) != 1 else ''}.", "success")
            return redirect(url_for("assessments.moderation_sample", sample_id=sample.id))
    return _cohort_page(cohort, random_form=form, status=400)


@bp.route("/moderation/cohorts/<int:cohort_id>/chosen", methods=["POST"])
@roles_required(Role.MODERATOR)
def draw_chosen(cohort_id: int):  # type: ignore[no-untyped-def]
    """Put the observations the moderator ticked in a sample."""
    cohort = _cohort(cohort_id)
    form = _chosen_form(cohort.id, request.form)
    if form.validate_on_submit():
        try:
            sample = services.draw_chosen(cohort.id, current_user.id, form.observation_ids.data)
        except Invalid as error:
            blame_fields(form, error, "observation_ids", {"cohort_id": "observation_ids"})
        else:
            flash("Sample drawn from your choice.", "success")
            return redirect(url_for("assessments.moderation_sample", sample_id=sample.id))
    return _cohort_page(cohort, chosen_form=form, status=400)


@bp.route("/moderation/samples/<int:sample_id>")
@roles_required(Role.MODERATOR)
def moderation_sample(sample_id: int) -> str:
    """A sample: how it was drawn (seed, percentage), whether redrawing gives it again, its observations."""
    sample = services.get_sample(sample_id) or abort(404)
    return render_template(
        "assessments/moderation/sample.html",
        sample=sample,
        check=services.redraw(sample),
        status_of=services.status_of,
        words=services.STATUS_WORDS,
        may_see=services.may_see_both,
    )


def _item(item_id: int) -> ModerationItem:
    return services.get_item(item_id) or abort(404)


@bp.route("/moderation/items/<int:item_id>/mark", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def mark(item_id: int):  # type: ignore[no-untyped-def]
    """Blind second marking: the context and the mentor's comments, never their marks, until submitted."""
    item = _item(item_id)
    why = services.refusal(item, current_user.id)
    if why:
        return render_template("assessments/moderation/refused.html", item=item, why=why), 403
    if item.marked:
        return redirect(url_for("assessments.moderated", item_id=item.id))
    rubric = services.rubric_of_item(item)
    form = marks_form(rubric, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.validate():
        try:
            services.record_marks(item.observation_id, current_user.id, evidence_of(form, rubric))
        except Invalid as error:
            blame_fields(form, error, "c0" if "c0" in form else "m0", {"judgements": "c0"})
        else:
            flash("Your marks are submitted. Here are both sets side by side.", "success")
            return redirect(url_for("assessments.moderated", item_id=item.id))
    return render_template("assessments/moderation/mark.html", view=services.blind_view(item), rubric=rubric, form=form)


@bp.route("/moderation/items/<int:item_id>", methods=["GET", "POST"])
@roles_required(Role.MODERATOR, Role.MENTOR)
def moderated(item_id: int):  # type: ignore[no-untyped-def]
    """Both sets of marks side by side; where they differ, the agreed judgement and its reason."""
    item = _item(item_id)
    if not services.may_see_both(item, current_user.id):
        abort(404)
    rubric = services.rubric_of_item(item)
    values = {**answers_of(item.observation.evidence, rubric), "lock_version": item.lock_version}
    form = marks_form(
        rubric, request.form if request.method == "POST" else None, reason=True, final=item.adjudicate, **values
    )
    if request.method == "POST" and form.validate():
        lock = sent_lock_version(form.lock_version)
        try:
            services.agree(item.id, current_user.id, evidence_of(form, rubric), form.reason.data or "", lock)
        except Invalid as error:
            blame_fields(form, error, "reason", {"item_id": "reason"})
        else:
            flash("Agreed judgement recorded. The trainee’s progress now uses it.", "success")
            return redirect(url_for("assessments.moderated", item_id=item.id))
    return render_template(
        "assessments/moderation/moderated.html",
        c=services.comparison(item),
        rubric=rubric,
        form=form,
        may_agree=services.may_agree(item, current_user.id),
        appeal=appeals.appeal_of_item(item.id),
    )


@bp.route("/moderated")
@roles_required(Role.MENTOR)
def my_moderations() -> str:
    """A mentor's observations that a moderator has second-marked."""
    return render_template(
        "assessments/moderation/mine.html",
        items=services.items_for_mentor(current_user.id),
        status_of=services.status_of,
        words=services.STATUS_WORDS,
        may_see=services.may_see_both,
    )


@bp.route("/moderation/cohorts/<int:cohort_id>/report", methods=["GET", "POST"])
@roles_required(Role.MODERATOR)
def moderation_report(cohort_id: int):  # type: ignore[no-untyped-def]
    """Agreement per mentor, scenario and criterion, the calibration flags, and the threshold."""
    cohort = _cohort(cohort_id)
    policy = services.policy_of(cohort.id)
    plan = services.plan_settings(cohort.id)
    form = CalibrationForm(
        minimum_kappa=str(float(policy.minimum)),
        min_pairs=policy.min_pairs,
        hold_results=services.holds_results(cohort.id),
        sample_rate=plan.rate,
        raised_rate=plan.raised_rate,
        adjudication_gap=services.adjudication_gap(cohort.id),
        new_mentor_rate=plan.new_rate,
        new_mentor_first=plan.new_first,
        interim_share=plan.interim_share,
        interim_on=plan.interim_on,
        lock_version=services.policy_version(cohort.id),
    )
    if form.validate_on_submit():
        try:
            services.set_policy(
                cohort.id,
                form.minimum_kappa.data or "",
                form.min_pairs.data,
                bool(form.hold_results.data),
                form.sample_rate.data,
                form.raised_rate.data,
                form.adjudication_gap.data,
                form.new_mentor_rate.data,
                form.new_mentor_first.data,
                form.interim_share.data,
                form.interim_on.data,
                sent_lock_version(form.lock_version),
                current_user.id,
            )
        except Invalid as error:
            blame_fields(form, error, "minimum_kappa")
        else:
            flash("Moderation settings saved.", "success")
            return redirect(url_for("assessments.moderation_report", cohort_id=cohort.id))
    return render_template(
        "assessments/moderation/report.html",
        report=services.report(cohort.id),
        form=form,
        view=services.report_view,
        render_reason=agreement.render,
        measure_names=agreement.MEASURE_NAMES,
        calibration=calibration_services.cohort_calibration(cohort.id),
    )


@bp.route("/moderation/cohorts/<int:cohort_id>/report.csv")
@roles_required(Role.MODERATOR)
def moderation_report_csv(cohort_id: int) -> Response:
    """The agreement report as CSV, one row per figure."""
    text = services.report_csv(cohort_id)
    if text is None:
        abort(404)
    record_read(Action.CSV_EXPORTED, Subject("cohort", cohort_id), document="agreement_report")
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="agreement-cohort-{cohort_id}.csv"'},
    )


@bp.route("/moderation/cohorts/<int:cohort_id>/pack.zip")
@roles_required(*STAFF, Role.MODERATOR)
def moderation_pack(cohort_id: int) -> Response:
    """The external moderation pack: a ZIP of the PDF (sampled observations, both sets of marks, the
    agreed judgements, the agreement report) and the CSV parts."""
    body = moderation_pack_service.pack_zip(cohort_id) or abort(404)
    record_read(Action.ZIP_DOWNLOADED, Subject("cohort", cohort_id), document="moderation_pack")
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="moderation-pack-cohort-{cohort_id}.zip"'},
    )
