"""Assessments room: enrolments, observations, moderation, progress and training plans.

:func:`init_app` is the room's one entry for the app factory. Its imports sit inside it, so that
the room's pure rules (``assessments.deadlines`` and the like) stay free of Flask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def _demo_data() -> str:
    """The demonstration cohort ``flask setup`` adds after the demonstration people."""
    from assessments.demo import create_demo_cohort
    from core.clock import today

    return create_demo_cohort("trainee@example.org", "mentor@example.org", today())


def init_app(app: Flask) -> None:
    """Register the room: its pages, API, emails, personal data, commands, jobs and navigation."""
    from assessments import api, messages, retention, views
    from assessments import privacy as assessments_privacy
    from assessments.cli import enrol
    from assessments.plans_cli import plans_command
    from assessments.reminders_cli import reminders_command
    from assessments.services import cohort_plans as cohort_plans_service
    from assessments.services import reminders as reminders_service
    from assessments.services.people_enrolments import ENROLMENT_COLUMNS
    from core import jobs
    from core.accounts.people_import import register_columns
    from core.accounts.roles import Role
    from core.errors import UPLOAD_PAGES
    from core.layout import navigation

    UPLOAD_PAGES["assessments.import_enrolments"] = ((Role.DESIGNER, Role.ADMIN), views.enrolments.import_too_large)
    app.register_blueprint(views.bp)
    api.init_app(app)  # the room's JSON API (the assessments/api/ package)
    messages.init_app(app)  # the emails the room sends when something happens
    assessments_privacy.init_app(app)  # what the room holds about people (core.privacy)
    app.cli.add_command(enrol)
    app.cli.add_command(plans_command)
    app.cli.add_command(reminders_command)
    jobs.register_kind(app, cohort_plans_service.KIND, cohort_plans_service.run)
    reminders_service.init_app(app)  # the reminder emails and their daily job
    retention.init_app(app)  # the purge functions for observations, enrolments and calibration
    register_columns(app, ENROLMENT_COLUMNS)  # the people CSV's cohort, mentors and school
    app.extensions.setdefault("demo_data", []).append(_demo_data)  # run by ``flask setup`` after the demo people
    nav = navigation(app)
    nav.add("Cohorts", "assessments.cohorts", Role.DESIGNER, Role.ADMIN, section="/assessments/cohorts")
    nav.add("Register", "assessments.register", Role.DESIGNER, Role.ADMIN, section="/assessments/register")
    nav.add("Observations", "assessments.observations", Role.MENTOR, section="/assessments/observations")
    nav.add("Moderation", "assessments.moderation", Role.MODERATOR, section="/assessments/moderation")
    nav.add("Moderated", "assessments.my_moderations", Role.MENTOR, section="/assessments/moderated")
    nav.add("Calibration", "assessments.calibration", Role.MENTOR, section="/assessments/calibration")
    nav.add(
        "Exemplars", "assessments.exemplars", Role.DESIGNER, Role.ADMIN, section="/assessments/calibration/exemplars"
    )
    nav.add("My training", "assessments.my_training", Role.TRAINEE, section="/assessments/my-training")
    nav.set_home(Role.MODERATOR, "assessments.moderation")
    nav.set_home(Role.MENTOR, "assessments.observations")
    nav.set_home(Role.TRAINEE, "assessments.my_training")
