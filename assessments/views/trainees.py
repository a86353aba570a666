"""Trainees: their own progress."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from assessments import services
from assessments.case_study_rules import in_words
from assessments.services.case_study import dates_of
from assessments.views.base import bp, today
from competencies import engine
from core.access import roles_required
from core.accounts.roles import Role


@bp.route("/my-training")
@roles_required(Role.TRAINEE)
def my_training() -> str:
    """The trainee's home: the SENCO deadline, each scenario's progress, and what sign-off needs."""
    enrolments = services.trainee_enrolments(current_user.id)
    found = [(e, services.senco_duty(e, today()), services.progress(e, submitted_only=True)) for e in enrolments]
    return render_template("assessments/my_training.html", enrolments=found, outcomes=engine.Outcome,
                           case_studies={e.id: in_words(dates_of(e.case_study)) for e in enrolments})
