"""The ``flask jobs`` command line, and starting this process's runner with the app."""

from __future__ import annotations

import threading

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from core.extensions import db
from core.jobs.kinds import daily_jobs_on, run_periodic, start_daily
from core.jobs.models import DAILY_POLL_SECONDS, POLL_SECONDS, Job, log, runner
from core.jobs.runners import LocalRunner, RQRunner, make_runner
from core.jobs.running import AppFactory

# ---- the command line ------------------------------------------------------------------------


@click.group("jobs")
def jobs_command() -> None:
    """Bulk jobs: run a worker, list jobs."""


@jobs_command.command("worker")
@click.option("--burst", is_flag=True, help="Run what is waiting, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run jobs in the foreground: an RQ worker when REDIS_URL is set, otherwise the local runner."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("REDIS_URL"):
        from redis import Redis
        from rq import Worker

        queue = RQRunner(app)
        queue.start()
        if daily_jobs_on(app):
            _start_daily_loop(app, once=burst)
        Worker([queue.queue_name], connection=Redis.from_url(queue.url)).work(burst=burst)
        return
    local = LocalRunner(app)
    while True:
        ran = local.run_waiting()
        if burst:
            click.echo(f"Ran {ran} job(s).")
            return
        local.wake.wait(POLL_SECONDS)


def _start_daily_loop(app: Flask, once: bool) -> None:
    """Beside an RQ worker: start the daily jobs when due (once, for a burst), in a thread of its own."""

    def loop() -> None:
        while True:
            try:
                with app.app_context():
                    start_daily()
                    run_periodic(app)
                    db.session.remove()
            except Exception:  # a broken database must not end the loop; it tries again
                log.exception("jobs: could not start the daily jobs")
            if once:
                return
            threading.Event().wait(DAILY_POLL_SECONDS)

    if once:
        loop()
    else:
        threading.Thread(target=loop, name="daily-jobs", daemon=True).start()


@jobs_command.command("list")
@with_appcontext
def list_command() -> None:
    """The newest jobs, with their status and progress."""
    for job in db.session.scalars(select(Job).order_by(Job.id.desc()).limit(50)):
        click.echo(
            f"{job.id:>6}  {job.kind:<16} {job.status:<8} {job.done}/{job.total}  {job.created_at:%Y-%m-%d %H:%M}"
            + (f"  {job.error}" if job.error else "")
        )


def start_runner(app: Flask) -> None:
    """Start this process's runner, once (later calls do nothing): it first takes up what a previous
    process left queued or running. The serving process calls this as it starts (gunicorn's
    ``post_worker_init`` in ``gunicorn.conf.py``; ``flask run`` through :func:`start_if_serving`),
    so queued jobs do not wait for a first request after a restart."""
    started: threading.Event = app.extensions["job_runner_started"]
    with app.extensions["job_runner_lock"]:
        if started.is_set():
            return
        started.set()
    runner(app).start()


def _serving_with_flask_run() -> bool:
    """Whether this process is ``flask run``'s server (not ``flask db upgrade`` or another command,
    and not the reloader's watching process, which serves nothing)."""
    from flask.cli import get_debug_flag
    from werkzeug.serving import is_running_from_reloader

    context = click.get_current_context(silent=True)
    if context is None or context.command.name != "run":
        return False
    reload = context.params.get("reload")
    reloading = get_debug_flag() if reload is None else bool(reload)
    return not reloading or is_running_from_reloader()


def start_if_serving(app: Flask) -> None:
    """Called at the end of the app factory (after every room registered its kinds of job)."""
    if not app.testing and _serving_with_flask_run():
        start_runner(app)


def init_app(app: Flask, factory: AppFactory | None = None) -> None:
    """Choose the runner. The serving process starts it at once (:func:`start_runner`); under any
    other server it starts with the first request.

    ``factory`` builds the app from a configuration (``core.app.create_app``): handed in as data, so
    the job runner, below the rooms, never imports the factory that knows them. A pool process of
    :func:`parallel_map` builds its app with it."""
    app.extensions["job_app_factory"] = factory
    app.extensions["job_runner"] = make_runner(app)
    app.extensions["job_runner_started"] = threading.Event()
    app.extensions["job_runner_lock"] = threading.Lock()

    def start_once() -> None:
        if not app.extensions["job_runner_started"].is_set():
            start_runner(app)

    app.before_request(start_once)
    app.cli.add_command(jobs_command)
