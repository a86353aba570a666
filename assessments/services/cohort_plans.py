"""A cohort's training plans as one ZIP: a job (``core.jobs``) that renders across the cores.

The web starts it for a course designer and shows its progress; ``flask plans cohort`` writes
the same ZIP in the foreground. Each plan is rendered by :func:`plans.render_training_plan`, in a
pool of processes (one a core), and the ZIP names each file for its trainee in plain ASCII.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from assessments.file_names import plan_file_name, zip_name
from assessments.models import Cohort
from assessments.services import plans
from core import jobs
from core.extensions import db
from core.problems import Invalid
from core.whole_numbers import RECORD_NUMBER_MAX, whole_number

KIND = "cohort-plans"
NO_TRAINEES = "This cohort has no trainees yet, so it has no training plans. Enrol trainees first."
COHORT_GONE = "This cohort no longer exists."
Progress = Callable[[int, int], None]
log = logging.getLogger(__name__)


def _enrolments(cohort_id: int) -> tuple[str, list[tuple[int, str]]]:
    """The cohort's name and its (enrolment id, trainee name) in enrolment order."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise jobs.JobFailed(COHORT_GONE)
    return cohort.name, [(e.id, e.trainee.name) for e in cohort.enrolments]


def start(cohort_id: int, owner_id: int) -> jobs.Job:
    """Queue the ZIP of a cohort's plans for ``owner_id``; refused for a cohort with no trainees.
    While one is still being made for them (a second click), that one is the answer."""
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        raise Invalid(COHORT_GONE, "cohort_id")
    if not cohort.enrolments:
        raise Invalid(NO_TRAINEES, "cohort_id")
    for job in jobs.unfinished(KIND, owner_id):
        if job.params.get("cohort_id") == cohort_id:
            return job
    return jobs.start(KIND, {"cohort_id": cohort_id}, owner_id, total=len(cohort.enrolments))


def render_plan(enrolment_id: int) -> bytes:
    """One plan, in a pool process (a top-level function, so the pool can name it)."""
    return plans.render_training_plan(enrolment_id)


def write_zip(cohort_id: int, output: Path, progress: Progress, workers: int | None = None) -> str:
    """Render every plan of the cohort into the ZIP at ``output``; the name to download it as.

    All or nothing: a plan that cannot be made fails the whole ZIP (the caller removes it), so
    a designer never hands out a ZIP that silently lacks someone's plan.
    """
    cohort_name, enrolments = _enrolments(cohort_id)
    if not enrolments:
        raise jobs.JobFailed(NO_TRAINEES)
    db.session.rollback()  # no read transaction stays open while the plans render
    total = len(enrolments)
    progress(0, total)
    stamp = datetime.now().timetuple()[:6]
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        pdfs = jobs.parallel_map(render_plan, [enrolment_id for enrolment_id, _ in enrolments], workers)
        for position, (enrolment_id, name) in enumerate(enrolments, start=1):
            pdf = _next_plan(pdfs, enrolment_id, name)
            archive.writestr(
                zipfile.ZipInfo(plan_file_name(position, name), date_time=stamp),
                pdf,
                compress_type=zipfile.ZIP_DEFLATED,
            )
            progress(position, total)
    return zip_name(cohort_name)


def _next_plan(pdfs: Iterator[bytes], enrolment_id: int, trainee_name: str) -> bytes:
    try:
        return next(pdfs)
    except Exception as error:
        # The log names the enrolment by id, never the trainee: logs are kept and read more widely.
        log.exception("cohort plans: the plan of enrolment %d failed", enrolment_id)
        raise jobs.JobFailed(
            f"The training plan of {trainee_name} could not be made, so no ZIP was made. "
            "Try again; if it fails again, download that trainee's plan on its own to see why."
        ) from error


def run(work: jobs.Work) -> str:
    """The job kind: ``{"cohort_id": …}`` → the ZIP."""
    cohort_id = work.params.get("cohort_id")
    if not isinstance(cohort_id, int):
        raise jobs.JobFailed(COHORT_GONE)
    return write_zip(cohort_id, work.output, work.progress)


def find_cohort(given: str) -> Cohort | None:
    """A cohort by its number or its exact name (for the command line)."""
    number = whole_number(given.strip(), RECORD_NUMBER_MAX)
    if number is not None:
        return db.session.get(Cohort, number)
    return db.session.scalar(select(Cohort).where(Cohort.name == given.strip()).order_by(Cohort.id.desc()))
