"""What core's own tables and files hold about people: jobs, staged imports, stored PDFs, job results."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from core import privacy
from core.extensions import db
from core.importing import StagedImport
from core.jobs import Job
from core.privacy import Basis, Erase, Export, PersonalField, PersonalFiles, PersonalTable, erasure

OWNER = "the person who started it"

JOB = PersonalTable(
    "job",
    {
        "owner_id": PersonalField(
            "who started the job (only they may download its result)", Basis.CONTRACT, OWNER, Export.AS_IS, Erase.DELETE
        ),
        "params": PersonalField(
            "what the job was asked to do (ids of records, e.g. a cohort)",
            Basis.CONTRACT,
            OWNER,
            Export.AS_IS,
            Erase.DELETE,
        ),
        "result_name": PersonalField(
            "the name its result downloads under", Basis.CONTRACT, OWNER, Export.AS_IS, Erase.DELETE
        ),
        "result_file": PersonalField(
            "the result's file name under instance/job-results (the file is declared below)",
            Basis.CONTRACT,
            OWNER,
            Export.NOT_EXPORTED,
            Erase.DELETE,
        ),
        "error": PersonalField("why the job failed, in words", Basis.CONTRACT, OWNER, Export.AS_IS, Erase.DELETE),
    },
    retention="jobs",
    title="Jobs you started",
)
STAGED_IMPORT = PersonalTable(
    "staged_import",
    {
        "owner_id": PersonalField("who uploaded the file", Basis.CONTRACT, OWNER, Export.AS_IS, Erase.DELETE),
        "document": PersonalField(
            "an uploaded file waiting to be confirmed: an enrolment or people CSV holds people's names, emails, "
            "roles and schools "
            "(not exported: it is the uploader's copy of other people's data, kept an hour)",
            Basis.CONTRACT,
            OWNER,
            Export.NOT_EXPORTED,
            Erase.DELETE,
        ),
    },
    retention="staged_imports",
    title="Files you uploaded, waiting to be confirmed",
)
STORED_DOCUMENTS = PersonalFiles(
    "stored PDFs (instance/documents)",
    "printed documents (progress reports, moderation packs, subject access exports) with names and marks",
    retention="stored_documents",
    erase=Erase.DELETE,
)
JOB_RESULTS = PersonalFiles(
    "job results (instance/job-results)",
    "the files bulk jobs made (training plans, subject access exports), downloadable by the job's owner",
    retention="job_results",
    erase=Erase.DELETE,
)


class CoreProvider(privacy.Provider):
    name = "Jobs and uploads"
    tables = (JOB, STAGED_IMPORT)
    files = (STORED_DOCUMENTS, JOB_RESULTS)

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        jobs = db.session.scalars(select(Job).where(Job.owner_id == person_id).order_by(Job.id))
        staged = db.session.scalars(select(StagedImport).where(StagedImport.owner_id == person_id))
        return {
            "job": [
                {
                    "kind": j.kind,
                    "params": j.params,
                    "status": j.status,
                    "result_name": j.result_name,
                    "error": j.error,
                    "created_at": j.created_at,
                }
                for j in jobs
            ],
            "staged_import": [{"kind": s.kind, "created_at": s.created_at} for s in staged],
        }

    def erase(self, person_id: int) -> list[str]:
        erasure.erase_staged_imports(person_id)
        return [*erasure.erase_jobs(person_id), *erasure.erase_stored_documents()]


def init_app(app: Flask) -> None:
    privacy.register(app, CoreProvider())
