"""JSON API for the assessments room: cohorts, enrolments, observations and progress.

The same people may do the same things as on the pages: designers and administrators run
cohorts and enrolments; a mentor records observations of their own trainees; a trainee reads
their own progress and submitted observations. Anything else is a 404, whether or not it
exists. Lists are paginated (``?page=``, ``?page_size=``, totals in ``X-Pagination``); a
record's ``lock_version`` is its ETag, and a change needs it back in ``If-Match`` (428 without;
412 if it is stale; 409 if sent as ``lock_version`` in the body and stale: every room's rule,
``core.api.checked_lock``). Creating an observation needs an idempotency key: sending the same
key again answers the record the first request made, never a second one. See docs/api.md.

The routes live by subject in this package's modules; importing them here puts them on the one
blueprint, in the order the OpenAPI document lists them.
"""

from __future__ import annotations

from flask import Flask

# Imported for their routes, which each module adds to the blueprint.
from assessments.api import cohorts, enrolments, observations, requests  # noqa: F401

# isort: split
# The register comes last, as it did in the document before the routes were split.
from assessments.api import register  # noqa: F401
from assessments.api.base import bp
from core import api


def init_app(app: Flask) -> None:
    api.register(app, bp)
