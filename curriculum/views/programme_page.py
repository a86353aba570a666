"""The programme page: a programme's current draft (or newest version) with its analysis, shown
again with the reasons when a change is refused, and the one-button changes that return to it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for

from core.problems import Conflict, Invalid, problems_of
from curriculum import prerequisites, services
from curriculum.forms import LockedForm
from curriculum.models import Programme, ProgrammeModule, ProgrammeVersion
from curriculum.services import catalogue as catalogue_service
from curriculum.views.base import draft_or_409, programme_or_404

ANCHOR = re.compile(r"#[A-Za-z0-9_-]{1,100}")


def show_programme(programme: Programme, errors: list[str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    """The programme page; ``errors`` come from an action that was refused."""
    version = programme.current
    page_errors = [{"text": e, "href": "#modules"} for e in errors or []]
    return (
        render_template(
            "curriculum/programme.html",
            programme=programme,
            version=version,
            next_number=services.next_version_number(programme),
            total_hours=services.total_hours(version),
            analysis=catalogue_service.analyse(version),
            lock=LockedForm(lock_version=version.lock_version),
            page_errors=page_errors,
            out_of_order=_out_of_order(version),
            **version_choices(programme),
        ),
        status,
    )


def _out_of_order(version: ProgrammeVersion) -> list[tuple[ProgrammeModule, ProgrammeModule]]:
    """Modules that run before one of their prerequisites, with that prerequisite."""
    pairs = prerequisites.out_of_order(
        [m.key for m in version.modules], {m.key: set(m.prerequisite_keys) for m in version.modules}
    )
    return [(version.module(key), version.module(needed)) for key, needed in pairs]


def version_choices(programme: Programme) -> dict[str, Any]:
    """The versions a person may compare, newest last, and the two compared by default."""
    labels = [(str(v.number), v.label) for v in programme.published]
    if programme.draft is not None and programme.published:
        labels.append(("draft", "Draft"))
    return {
        "version_choices": labels,
        "compare_from": labels[-2][0] if len(labels) > 1 else None,
        "compare_to": labels[-1][0] if labels else None,
    }


def refused(programme: Programme, error: Invalid):  # type: ignore[no-untyped-def]
    status = 409 if isinstance(error, Conflict) else 400
    return show_programme(programme, [p.message for p in problems_of(error)], status)


def one_button_change(programme_id: int, act: Callable[[int | None], str], needs_draft: bool = True) -> Response:
    """Run a one-button change to the draft (``act`` takes the lock_version the person saw);
    a refusal re-shows the programme with the reason."""
    programme = programme_or_404(programme_id)
    form = LockedForm()
    if not form.validate_on_submit():
        abort(400)
    if needs_draft:
        draft_or_409(programme)
    try:
        message = act(form.seen_lock_version())
    except Invalid as error:
        return refused(programme, error)
    if message:
        flash(message, "success")
    return redirect(
        url_for("curriculum.programme", programme_id=programme.id) + _anchor(request.form.get("anchor", ""))
    )


def _anchor(value: str) -> str:
    """A fragment from the page's own form (``#module-key``); anything else is dropped."""
    return value if ANCHOR.fullmatch(value) else ""
