"""Pages for the built-in catalogue: browsing and searching it, and one module with its outcomes,
their sources and the drafts it can be added to."""

from __future__ import annotations

from flask import abort, render_template, request

from core.content import titles
from curriculum import rules, services
from curriculum.forms import LockedForm
from curriculum.services import catalogue as catalogue_service
from curriculum.views.base import bp


@bp.route("/catalogue")
def catalogue() -> str:
    """Browse and search the built-in catalogue."""
    filters = catalogue_service.Filters.from_args(request.args)
    return render_template(
        "curriculum/catalogue.html",
        filters=filters,
        **catalogue_service.browse(filters),
        **catalogue_service.framework(),
    )


@bp.route("/catalogue/<key>")
def catalogue_module(key: str) -> str:
    """One catalogue module with its outcomes and their sources."""
    module = catalogue_service.get_module(key) or abort(404)
    scenario_titles = titles("scenario")  # the competencies room's scenarios, by key
    drafts = [p for p in services.list_programmes() if p.draft is not None]
    return render_template(
        "curriculum/catalogue_module.html",
        module=module,
        delivery=rules.delivery_in_words(module.delivery_modes),
        scenarios=[scenario_titles.get(k, k) for k in module.scenario_keys],
        drafts=drafts,
        lock_form=LockedForm,
        **catalogue_service.reference(),
    )
