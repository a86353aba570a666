"""(c) A cohort's ZIP of 200 training plans on 1 process ÷ on 2 processes.

The same cohort (200 trainees, new to it: each plan lists every competency as a gap) is made into a ZIP four times by
:func:`assessments.services.cohort_plans.write_zip`, the function the job and the CLI run: twice
with one render process and twice with two, in the order 1, 2, 2, 1. The stored PDFs are cleared before each run, so every
plan is rendered both times. Target on a 2-core machine: ≥ 1.7. The load average is printed
beside the figure, and so is the most the machine gives at that moment: the same pool of 1 and
of 2 processes on pure arithmetic. On a shared, busy machine that ceiling falls towards 1, and
the cohort's ratio with it; the plans are then waiting for cores, not for each other.
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
    from core.accounts.models import User
    from core.accounts.roles import Role
    from core.content import loaders
    from core.extensions import db

    today = date.today()
    with app.app_context():
        upgrade()
        for loader in loaders():
            loader.load()
        mentor = accounts.create_person(
            "Mo Mentor", "mentor@bench.example", "quartz lantern over seven meadows", {Role.MENTOR}
        )
        version = published_programme(today - timedelta(days=60))
        cohort = services.create_cohort("Bench cohort", version.id)
        for number in range(PLANS):
            # Trainees never sign in here: one password hash for all spares 200 Argon2 hashings.
            trainee = User(
                name=f"Bench Trainee {number}",
                email=f"trainee{number}@bench.example",
                password_hash=mentor.password_hash,
            )
            trainee.set_roles({Role.TRAINEE})
            db.session.add(trainee)
            db.session.commit()
            services.enrol(
                cohort.id,
                services.EnrolmentInput(trainee.id, (mentor.id,), "Bench School", today - timedelta(days=400)),
                today,
            )
        return cohort.id


CPU_SECONDS: dict[int, float] = {1: 0.0, 2: 0.0}  # processes → CPU time its runs used (pool and render processes)


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed_zip(app, cohort_id: int, workers: int, folder: Path) -> float:  # type: ignore[no-untyped-def]
    from assessments.services import cohort_plans
    from core import printing

    shutil.rmtree(Path(app.instance_path) / printing.CACHE_FOLDER, ignore_errors=True)
    with app.app_context():
        cpu = _children_cpu()
        started = time.perf_counter()
        cohort_plans.write_zip(cohort_id, folder / f"plans-{workers}.zip", lambda done, total: None, workers)
        took = time.perf_counter() - started
        CPU_SECONDS[workers] += _children_cpu() - cpu
        return took


def _autogroup() -> str:
    """Linux's autogroup scheduler shares the CPU between sessions first, then between a session's
    processes: while other sessions are busy, a second process of ours adds no CPU time."""
    try:
        return "on" if Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1" else "off"
    except OSError:
        return "unknown"


def _arithmetic(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _ceiling() -> float:
    """1 process ÷ 2 on pure arithmetic (4 equal pieces): what the machine's cores give now."""
    from concurrent.futures import ProcessPoolExecutor

    times = []
    for workers in (1, 2):
        started = time.perf_counter()
        with ProcessPoolExecutor(workers) as pool:
            list(pool.map(_arithmetic, [5_000_000] * 4))
        times.append(time.perf_counter() - started)
    return times[0] / times[1]


def main() -> None:
    from core.app import create_app

    with tempfile.TemporaryDirectory(prefix="bench-cohort-") as name:
        folder = Path(name)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                "INSTANCE_PATH": name,
                "JOBS_RUNNER": "none",
                "SECRET_KEY": "bench",
            }
        )
        cohort_id = _cohort(app)
        load_before = os.getloadavg()[0]
        # In the order 1, 2, 2, 1 (ABBA): a load that rises or falls steadily while the bench runs
        # weighs on both sides alike instead of on whichever ran second.
        runs = {workers: _timed_zip(app, cohort_id, workers, folder) for workers in (1, 2)}
        runs[2] += _timed_zip(app, cohort_id, 2, folder)
        runs[1] += _timed_zip(app, cohort_id, 1, folder)
        one, two = runs[1] / 2, runs[2] / 2
        ratio = one / two
        ceiling = _ceiling()
        print(
            f"(c) cohort ZIP of {PLANS} plans, 1 process ÷ 2 processes (mean of 2 runs each, ABBA): "
            f"{one:.1f} s ÷ {two:.1f} s = {ratio:.2f} "
            f"(target ≥ {TARGET_RATIO}) {'ok' if ratio >= TARGET_RATIO else 'MISSED'}; {os.cpu_count()} cores, "
            f"load average {load_before:.1f} before and {os.getloadavg()[0]:.1f} after; "
            f"pure arithmetic on the same pools: {ceiling:.2f}; CPU time of the render and pool processes "
            f"{CPU_SECONDS[1] / 2:.1f} s on 1 and {CPU_SECONDS[2] / 2:.1f} s on 2 (equal: no contention between them); "
            f"autogroup scheduling {_autogroup()}"
        )
