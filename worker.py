"""What RQ workers run: the web process enqueues ``worker.run_queued_job`` by this dotted name.

It sits beside ``wsgi.py``, above every room, so that the job runner in ``core.jobs`` never imports
the app factory: this module builds the app from the environment (as ``wsgi.py`` does) and hands it
to the runner. ``rq worker`` and ``flask jobs worker`` both import it from the project's folder.
"""

from __future__ import annotations

from flask import Flask

from core import jobs
from core.app import create_app

_app: Flask | None = None


def run_queued_job(job_id: int) -> str | None:
    """Run one queued job in this process's app (built once, on the first job)."""
    global _app
    if _app is None:
        _app = create_app()
    return jobs.run_queued_job(_app, job_id)
