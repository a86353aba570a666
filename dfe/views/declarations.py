"""Declarations and statements: what the app proposes to declare, what was sent and what the DfE
made of it, voiding, and the DfE's financial statements."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.problems import Invalid
from dfe import connection
from dfe import declarations as service
from dfe.contract import QUEUED, REFUSED, VOIDABLE_DECLARATION_STATES
from dfe.forms import SubmitDeclarationsForm, VoidDeclarationForm
from dfe.milestones import DECLARATION_TYPE_LABELS, DeclarationState, DeclarationType
from dfe.models import REASON_MAX_LENGTH
from dfe.views.base import bp

# The words and GOV.UK tag colour of each state, ours and the DfE's.
STATE_LABELS = {
    QUEUED: ("Queued", "govuk-tag--grey"),
    "sending": ("Sending", "govuk-tag--light-blue"),
    REFUSED: ("Refused by the DfE", "govuk-tag--red"),
    DeclarationState.SUBMITTED.value: ("Submitted", "govuk-tag--blue"),
    DeclarationState.ELIGIBLE.value: ("Eligible", "govuk-tag--turquoise"),
    DeclarationState.INELIGIBLE.value: ("Ineligible", "govuk-tag--orange"),
    DeclarationState.PAYABLE.value: ("Payable", "govuk-tag--purple"),
    DeclarationState.PAID.value: ("Paid", "govuk-tag--green"),
    DeclarationState.VOIDED.value: ("Voided", "govuk-tag--grey"),
    DeclarationState.AWAITING_CLAWBACK.value: ("Awaiting clawback", "govuk-tag--yellow"),
    DeclarationState.CLAWED_BACK.value: ("Clawed back", "govuk-tag--grey"),
}


def _type_label(kind: str) -> str:
    try:
        return DECLARATION_TYPE_LABELS[DeclarationType(kind)]
    except ValueError:
        return kind


def _page(
    submit_form: SubmitDeclarationsForm, void_form: VoidDeclarationForm, errors: list[dict[str, str]], status: int
) -> tuple[str, int]:
    rows = service.declarations()
    return render_template(
        "dfe/declarations.html",
        proposals=service.proposals(),
        queued=[r for r in rows if r.state == QUEUED],
        refused=[r for r in rows if r.state == REFUSED],
        sent=[r for r in rows if r.state not in (QUEUED, REFUSED)],
        job=service.sending_job(),
        submit_form=submit_form,
        void_form=void_form,
        page_errors=errors,
        field_errors={e["href"].lstrip("#"): e["text"] for e in errors},
        voidable=VOIDABLE_DECLARATION_STATES,
        labels=STATE_LABELS,
        type_label=_type_label,
        in_words=service.in_words,
        sending=service.claimed_now,
        environment=connection.environment(),
        reason_max=REASON_MAX_LENGTH,
    ), status


def _errors(error: Invalid, anchor: str) -> list[dict[str, str]]:
    return [{"text": p.message, "href": f"#{p.path or anchor}"} for p in error.problems]


@bp.route("/declarations")
def declarations() -> tuple[str, int]:
    return _page(SubmitDeclarationsForm(), VoidDeclarationForm(), [], 200)


@bp.route("/declarations/submit", methods=["POST"])
def submit_declarations() -> Response | tuple[str, int]:
    form = SubmitDeclarationsForm()
    if not form.validate_on_submit():
        return _page(form, VoidDeclarationForm(), [{"text": "The form had expired: try again", "href": "#"}], 400)
    if form.submit_all.data:
        keys = [p.key for row in service.proposals() for p in row.proposed]
    else:
        keys = list(form.data["declarations"] or [])
    try:
        count = service.submit(keys, current_user)
    except Invalid as error:
        return _page(form, VoidDeclarationForm(), _errors(error, service.FIELD), 400)
    flash(f"{count} declaration{'' if count == 1 else 's'} queued to send to the DfE.", "success")
    return redirect(url_for("dfe.declarations"))


@bp.route("/declarations/<int:declaration_id>/void", methods=["POST"])
def void_declaration(declaration_id: int) -> Response | tuple[str, int]:
    form = VoidDeclarationForm()
    if not form.validate_on_submit():
        return _page(SubmitDeclarationsForm(), form, [{"text": "The form had expired: try again", "href": "#"}], 400)
    try:
        row = service.void(declaration_id, form.reason.data or "", current_user)
    except Invalid as error:
        return _page(SubmitDeclarationsForm(), form, _errors(error, f"void_{declaration_id}_reason"), 400)
    flash(f"Declaration voided: the DfE now shows it as {STATE_LABELS[row.state][0].lower()}.", "success")
    return redirect(url_for("dfe.declarations"))


@bp.route("/statements")
def statements() -> str:
    return render_template(
        "dfe/statements.html",
        statements=service.statements(),
        labels=STATE_LABELS,
        type_label=_type_label,
        in_words=service.in_words,
    )
