"""Trainees: their own progress."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from assessments import services
from assessments.services import moderation
from assessments.views.base import bp, today
from competencies import engine
from core.access import roles_required
from core.accounts.roles import Role


@bp.route("/my-training")
@roles_required(Role.TRAINEE)
def my_training() -> str:
    """The trainee's home: the SENCO deadline, each scenario's progress, and what sign-off needs."""
    enrolments = services.trainee_enrolments(current_user.id)
    found = [(e, services.senco_duty(e, today()),
              services.progress(e, submitted_only=True, held=frozenset(moderation.held_observations(e.cohort_id))))
             for e in enrolments]
    return render_template("assessments/my_training.html", enrolments=found, outcomes=engine.Outcome)
