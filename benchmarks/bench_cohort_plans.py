"""(c) A cohort's ZIP of 200 training plans on 1 process ÷ on 2 processes.

The same cohort (200 trainees, each with the demo's observations) is made into a ZIP twice by
:func:`assessments.services.cohort_plans.write_zip`, the function the job and the CLI run: once
with one render process, once with two. The stored PDFs are cleared before each run, so every
plan is rendered both times. Target on a 2-core machine: ≥ 1.7. The load average is printed
beside the figure, since other work on the machine takes cores from the second run.
BENCH_COHORT_PLANS=40 makes a quicker, smaller run.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TARGET_RATIO = 1.7
PLANS = int(os.environ.get("BENCH_COHORT_PLANS", "200"))


def _cohort(app) -> int:  # type: ignore[no-untyped-def]
    from flask_migrate import upgrade

    from assessments import services
    from assessments.demo import published_programme
    from core.accounts import services as accounts
    from core.accounts.roles import Role
    from core.content import loaders

    today = date.today()
    with app.app_context():
        upgrade()
        for loader in loaders():
            loader.load()
        mentor = accounts.create_person("Bench Mentor", "mentor@bench.example", "bench password long enough", {Role.MENTOR})
        version = published_programme(today - timedelta(days=60))
        cohort = services.create_cohort("Bench cohort", version.id)
        for number in range(PLANS):
            trainee = accounts.create_person(f"Bench Trainee {number}", f"trainee{number}@bench.example",
                                             "bench password long enough", {Role.TRAINEE})
            services.enrol(cohort.id, services.EnrolmentInput(trainee.id, (mentor.id,), "Bench School",
                                                              today - timedelta(days=400)), today)
        return cohort.id


def _timed_zip(app, cohort_id: int, workers: int, folder: Path) -> float:  # type: ignore[no-untyped-def]
    from assessments.services import cohort_plans
    from core import printing

    shutil.rmtree(Path(app.instance_path) / printing.CACHE_FOLDER, ignore_errors=True)
    with app.app_context():
        started = time.perf_counter()
        cohort_plans.write_zip(cohort_id, folder / f"plans-{workers}.zip", lambda done, total: None, workers)
        return time.perf_counter() - started


def main() -> None:
    from core.app import create_app

    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as name:
        folder = Path(name)
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}", "INSTANCE_PATH": name,
                          "JOBS_RUNNER": "none", "SECRET_KEY": "bench"})
        cohort_id = _cohort(app)
        load_before = os.getloadavg()[0]
        one = _timed_zip(app, cohort_id, 1, folder)
        two = _timed_zip(app, cohort_id, 2, folder)
        ratio = one / two
        print(f"(c) cohort ZIP of {PLANS} plans, 1 process ÷ 2 processes: {one:.1f} s ÷ {two:.1f} s = {ratio:.2f} "
              f"(target ≥ {TARGET_RATIO}; {os.cpu_count()} cores; load average {load_before:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after) {'ok' if ratio >= TARGET_RATIO else 'MISSED'}")
