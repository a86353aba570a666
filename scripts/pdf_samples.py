"""Make the samples of docs/printed-documents.md: page 1 of each printed document, from the demo data, as PNG in docs/.

.venv/bin/python scripts/pdf_samples.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_pdf import demo_app  # noqa: E402


def main() -> None:
    from assessments.models import Enrolment, Observation
    from assessments.services import plans
    from competencies import documents
    from core import pdf
    from core.extensions import db
    from curriculum.models import ProgrammeVersion

    with tempfile.TemporaryDirectory(prefix="pdf-samples-") as name:
        folder = Path(name)
        app, _ = demo_app(folder)
        with app.test_request_context():
            enrolment_id = db.session.scalars(db.select(Enrolment.id)).one()
            observation_id = db.session.scalars(
                db.select(Observation.id).where(Observation.submitted_at.is_not(None)).order_by(Observation.id)
            ).first()
            version = db.session.scalars(db.select(ProgrammeVersion).where(ProgrammeVersion.number == 1)).one()
            made = {
                "training-plan": plans.training_plan_pdf(enrolment_id),
                "observation-record": plans.observation_record_pdf(observation_id),
                "observation-form": documents.blank_form_pdf("annual-review"),
                "programme-handbook": documents.handbook_pdf(version.programme_id, 1),
            }
        pdf._worker.close()
        for stem, document in made.items():
            assert document is not None, stem
            source = folder / f"{stem}.pdf"
            source.write_bytes(document.pdf)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    str(source),
                    str(ROOT / "docs" / f"{stem}-page-1"),
                ],
                check=True,
            )
            print(f"docs/{stem}-page-1.png")


if __name__ == "__main__":
    main()
