"""The curriculum room's blueprint, for course designers only, and what its pages share: finding the
programme and its draft (404 and 409 otherwise), and a refused change's problems on the form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort

from core.access import restrict_blueprint
from core.accounts.roles import Role
from core.problems import Invalid, blame_fields
from curriculum import services
from curriculum.models import Programme, ProgrammeVersion

bp = Blueprint("curriculum", __name__, url_prefix="/curriculum", template_folder="../templates")
restrict_blueprint(bp, Role.DESIGNER)


def programme_or_404(programme_id: int) -> Programme:
    """The programme of a page's address, or 404."""
    programme = services.get_programme(programme_id)
    if programme is None:
        abort(404)
    return programme


def draft_or_409(programme: Programme) -> ProgrammeVersion:
    """The programme's draft, or 409 where it has none (a change needs one)."""
    if programme.draft is None:
        abort(409)
    return programme.draft


# The services locate problems by the API's names; a few form fields are named otherwise.
FIELD_NAMES = {"prerequisites": "prerequisite_keys"}


def field_error(form: Any, error: Invalid, default: str) -> None:
    """A refused change's problems, each on the field of ``form`` it names (else on ``default``)."""
    blame_fields(form, error, default, FIELD_NAMES)
