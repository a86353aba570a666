"""The API's register of completions (designers and administrators)."""

from __future__ import annotations

from typing import Any

from assessments import schemas
from assessments.api.base import bp, first_and_size, one_page
from assessments.services.register import register_data
from core import api
from core.accounts.roles import STAFF

# ---- the register (designers and administrators) -----------------------------------------


@bp.get("/register")
@api.roles(*STAFF)
@bp.arguments(schemas.RegisterQuerySchema, location="query")
@bp.response(200, schemas.RegisterRowSchema(many=True))
@bp.paginate()
def register(query: dict[str, Any], pagination_parameters: Any) -> list[dict[str, Any]]:
    """The register of completions (the register page's rows), a page at a time: by default only
    those who completed; ``completed_only=false`` for every enrolment."""
    rows = register_data(query["cohort_id"], query["completed_only"])
    first, size = first_and_size(pagination_parameters)
    return one_page((rows[first : first + size], len(rows)), pagination_parameters)
