"""The personal training plan as a PDF, on the demo data (``flask setup`` into a fresh SQLite file).

(a) End to end ÷ WeasyPrint alone: the plan made by the service (gather the data, key it, render the
    template, send it to the sandboxed worker process and back, store it) against WeasyPrint alone
    rendering the same final HTML and stylesheets in this process. Target ≤ 1.15: the sandbox and
    the plumbing cost little next to the layout itself.
(b) Uncached ÷ cached download: the trainee's GET of their plan when nothing is stored against the
    same GET answered from the store (the key is still worked out from the data, as always).
    Target ≥ 50.
Best of REPEATS each, measured in the same run, the two sides of each ratio taken in turn.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Flask

REPEATS = 5
TARGET_END_TO_END = 1.15
TARGET_CACHED = 50.0
PASSWORD_LINE = re.compile(r"(\S+@example\.org)\s+password: (\S+)")


def demo_app(folder: Path) -> tuple[Flask, dict[str, str]]:
    """A fresh app on SQLite in ``folder`` with the demo data; the demo passwords by email."""
    from core.app import create_app

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "INSTANCE_PATH": str(folder),
            "SESSION_COOKIE_SECURE": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    output = app.test_cli_runner().invoke(args=["setup"]).output
    return app, dict(PASSWORD_LINE.findall(output))


def best_of_each(
    first: Callable[[], object],
    second: Callable[[], object],
    before_second: Callable[[], object] = lambda: None,
    before_first: Callable[[], object] = lambda: None,
) -> tuple[float, float]:
    """Best of REPEATS each, the two taken in turn (not one after the other): on a shared machine
    whose load swings, both sides then meet the same moments."""
    firsts, seconds = [], []
    for _ in range(REPEATS):
        before_first()
        started = time.perf_counter()
        first()
        firsts.append(time.perf_counter() - started)
        before_second()
        started = time.perf_counter()
        second()
        seconds.append(time.perf_counter() - started)
    return min(firsts), min(seconds)


def main() -> None:
    from assessments.models import Enrolment
    from assessments.services import plans
    from core import pdf, printing
    from core.extensions import db

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as name:
        folder = Path(name)
        app, passwords = demo_app(folder)
        store = folder / printing.CACHE_FOLDER

        def forget() -> None:
            for stored in store.glob("*.pdf"):
                stored.unlink()

        with app.test_request_context():
            enrolment_id = db.session.scalars(db.select(Enrolment.id)).first()
            assert enrolment_id is not None
            today = date.today()
            plan = plans.training_plan(enrolment_id, today)
            assert plan is not None
            html = plans.training_plan_html(plan)
            sheets = printing.stylesheet_texts([plans.PRINT_CSS])
            pdf.render_in_process(html, sheets)  # warm both sides: imports, fonts, the worker process
            plans.training_plan_pdf(enrolment_id, today)

            def end_to_end() -> None:
                assert plans.training_plan_pdf(enrolment_id, today).made  # type: ignore[union-attr]

            alone, whole = best_of_each(lambda: pdf.render_in_process(html, sheets), end_to_end, forget)

        client = app.test_client()
        client.post("/sign-in", data={"email": "trainee@example.org", "password": passwords["trainee@example.org"]})
        url = f"/assessments/enrolments/{enrolment_id}/training-plan.pdf"

        def download() -> None:
            response = client.get(url)
            assert response.status_code == 200 and response.data.startswith(b"%PDF-")

        download()
        uncached, cached = best_of_each(download, download, before_first=forget)  # made, then sent from the store
        pdf._worker.close()

    ratio_a, ratio_b = whole / alone, uncached / cached
    print("training plan PDF (demo data):")
    print(f"  WeasyPrint alone {alone * 1000:7.0f} ms   end to end {whole * 1000:7.0f} ms")
    print(
        f"  (a) end to end ÷ WeasyPrint alone = {ratio_a:.2f} (target ≤ {TARGET_END_TO_END:g}) "
        f"{'OK' if ratio_a <= TARGET_END_TO_END else 'ABOVE TARGET'}"
    )
    print(f"  download uncached {uncached * 1000:7.0f} ms   cached {cached * 1000:7.1f} ms")
    print(
        f"  (b) uncached ÷ cached = {ratio_b:.0f} (target ≥ {TARGET_CACHED:g}) "
        f"{'OK' if ratio_b >= TARGET_CACHED else 'BELOW TARGET'}"
    )


if __name__ == "__main__":
    main()
