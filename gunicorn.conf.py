"""gunicorn settings for `make serve`; `make verify` measures its load figure with these same ones.

Threads suit this app: a request mostly waits on the database or on Argon2 (which releases the
GIL), and SQLite lets readers run beside one writer. Override with GUNICORN_WORKERS and
GUNICORN_THREADS, or gunicorn's own flags.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 10
accesslog = os.environ.get("GUNICORN_ACCESS_LOG")  # e.g. "-" for stdout; off by default


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    """Each worker starts its job runner as it starts, not on its first request, so jobs left queued
    by a restart run even with no traffic (claiming is atomic: two workers never run one job)."""
    from core import jobs

    jobs.start_runner(worker.wsgi)
