"""Bulk work as jobs: a row in the database each, run where it survives the web process.

A job is a row (kind, parameters, status, progress, result file, error, owner, times). What
runs it depends on the configuration, behind one interface (:class:`Runner`):

- ``REDIS_URL`` set: **RQ workers over Redis** (``flask jobs worker`` or ``rq worker``). The web
  process only enqueues the row's id, to ``worker.run_queued_job`` by name; that module (beside
  ``wsgi.py``) builds the app from the same environment.
- otherwise: a **local runner**, a thread in each app process that claims rows from the
  database and runs them, the work itself spread over a process pool (:func:`parallel_map`).
  Nothing but Python is needed, as for ``make run``.

Either way a job is *claimed* by one conditional UPDATE, so two runners never run it at once,
and a running job keeps a heartbeat. A row left ``running`` by a process that died (a web
restart mid-job) stops beating; after ``JOB_LEASE_SECONDS`` it may be claimed and run again,
and a local runner looks for such rows as soon as it starts. ``JOB_ATTEMPTS_MAX`` bounds the
tries, so a job that kills its process every time ends ``failed`` instead of looping.

A room adds a kind with :func:`register_kind`: a function that reads its parameters, writes
its result to the path it is given (reporting progress as it goes) and returns the name the
file is downloaded under. Results live under ``instance/job-results/`` (private), are fetched
by their owner only, and are removed ``JOB_RESULT_SECONDS`` after the job finished.

A kind may also run once a day (:func:`register_daily`, e.g. the retention purge): the runner
inserts that day's row under a unique ``schedule_key``, so of several processes looking at once
only one starts it. Such a job has no owner: nobody's pages list it, ``flask jobs list`` shows it.

The package re-exports the public names of its modules (:mod:`.models`, :mod:`.kinds`,
:mod:`.running`, :mod:`.runners`, :mod:`.commands`), so rooms keep writing ``jobs.start``.
"""

from core.jobs.commands import (
    init_app,
    jobs_command,
    list_command,
    start_if_serving,
    start_runner,
    worker_command,
)
from core.jobs.kinds import (
    daily_jobs_on,
    job_for,
    purge_expired,
    purge_finished,
    purge_results,
    register_daily,
    register_kind,
    register_periodic,
    result_path,
    run_periodic,
    start,
    start_daily,
    unfinished,
)
from core.jobs.models import (
    DAILY_POLL_SECONDS,
    DIED_TOO_OFTEN,
    ERROR_MAX_LENGTH,
    FAILED_UNEXPECTEDLY,
    JOB_ATTEMPTS_MAX,
    JOB_LEASE_SECONDS,
    JOB_RESULT_SECONDS,
    JOB_TIMEOUT_SECONDS,
    KIND_MAX_LENGTH,
    PERIODIC_SECONDS,
    POLL_SECONDS,
    QUEUE_NAME,
    RESULT_FOLDER,
    Job,
    JobFailed,
    JobStatus,
    KindFunction,
    Runner,
    Work,
    log,
    results_folder,
    runner,
)
from core.jobs.runners import (
    WORKER_FUNCTION,
    LocalRunner,
    NoRunner,
    RQRunner,
    run_queued_job,
)
from core.jobs.running import (
    AppFactory,
    app_factory,
    claimable,
    execute,
    parallel_map,
    processes,
)

__all__ = [
    "AppFactory",
    "DAILY_POLL_SECONDS",
    "DIED_TOO_OFTEN",
    "ERROR_MAX_LENGTH",
    "FAILED_UNEXPECTEDLY",
    "JOB_ATTEMPTS_MAX",
    "JOB_LEASE_SECONDS",
    "JOB_RESULT_SECONDS",
    "JOB_TIMEOUT_SECONDS",
    "Job",
    "JobFailed",
    "JobStatus",
    "KIND_MAX_LENGTH",
    "KindFunction",
    "LocalRunner",
    "NoRunner",
    "PERIODIC_SECONDS",
    "POLL_SECONDS",
    "QUEUE_NAME",
    "RESULT_FOLDER",
    "RQRunner",
    "WORKER_FUNCTION",
    "Runner",
    "Work",
    "app_factory",
    "claimable",
    "daily_jobs_on",
    "execute",
    "init_app",
    "job_for",
    "jobs_command",
    "list_command",
    "log",
    "parallel_map",
    "processes",
    "purge_expired",
    "purge_finished",
    "purge_results",
    "register_daily",
    "register_kind",
    "register_periodic",
    "result_path",
    "results_folder",
    "run_periodic",
    "run_queued_job",
    "runner",
    "start",
    "start_daily",
    "start_if_serving",
    "start_runner",
    "unfinished",
    "worker_command",
]
