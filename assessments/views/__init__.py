"""Pages for designers (cohorts, enrolments), mentors (observing trainees) and trainees (their progress).

One module a subject; each registers its routes on the room's blueprint (``base.bp``) when imported.
The room registers the blueprint in :func:`assessments.init_app`.
"""

from __future__ import annotations

from assessments.views import (  # noqa: F401  (registers the routes)
    appeals,
    calibration,
    case_study,
    cohort_plans,
    cohorts,
    documents,
    enrolments,
    grid,
    moderation,
    observations,
    register,
    requests,
    trainees,
    training_status,
)
from assessments.views.base import bp

__all__ = ["bp", "enrolments"]
