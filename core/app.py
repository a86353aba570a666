"""The application factory: wiring only. It is the one place that knows the rooms exist."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

import assessments
import competencies
import curriculum
import dfe
from core import access, api, config, database, errors, forms, jobs, layout, printing, security
from core.accounts import cli as accounts_cli
from core.accounts import import_views as people_import_views  # its routes join the people blueprint
from core.accounts import link_views, sso_views
from core.accounts import privacy as accounts_privacy
from core.accounts import views as accounts_views
from core.audit import views as audit_views
from core.backups import cli as backups_cli
from core.extensions import csrf, db, login_manager, migrate
from core.messages import privacy as messages_privacy
from core.messages import wiring as messages
from core.privacy import cli as privacy_cli
from core.privacy import core_tables as core_privacy
from core.privacy import purges, retention
from core.setup import setup_command

REPO_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = REPO_ROOT / "migrations"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    instance_path = (
        (test_config or {}).get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH") or str(REPO_ROOT / "instance")
    )
    app = Flask(__name__.split(".")[0], instance_path=instance_path, instance_relative_config=True)
    config.create_private_folder(app.instance_path)
    app.config.from_mapping(config.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SESSION_COOKIE_NAME"] = config.session_cookie_name(app.config["SESSION_COOKIE_SECURE"])
    config.prepare_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    app.jinja_loader = ChoiceLoader(  # type: ignore[assignment]
        [
            app.jinja_loader,
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    forms.number_csrf_token_ids()
    security.init_app(app)
    errors.init_app(app)
    layout.init_app(app)
    access.init_app(app)
    printing.init_app(app)

    jobs.init_app(app, factory=create_app)  # before the rooms, which register their kinds of job
    retention.init_app(app)  # before the rooms, which register their purge functions
    purges.init_app(app)
    api.init_app(app)  # before the rooms, which register their API blueprints on it
    core_privacy.init_app(app)  # core's personal data; each room registers its own
    accounts_privacy.init_app(app)
    messages_privacy.init_app(app)
    privacy_cli.init_app(app)  # flask privacy (export, purge) and the export's job kind
    accounts_views.init_app(app)
    people_import_views.init_app()
    link_views.init_app(app)
    sso_views.init_app(app)
    messages.init_app(app)  # delivery, digests, the Outbox and each person's choices
    audit_views.init_app(app)
    curriculum.init_app(app)
    competencies.init_app(app)
    assessments.init_app(app)
    dfe.init_app(app)  # the link to the DfE, above the assessments room it reads

    app.cli.add_command(accounts_cli.users)
    app.cli.add_command(accounts_cli.people)
    app.cli.add_command(setup_command)
    app.cli.add_command(backups_cli.backup)
    app.cli.add_command(backups_cli.restore)
    jobs.start_if_serving(app)  # last: the rooms have registered their kinds of job
    return app
