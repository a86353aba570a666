"""What the curriculum room holds about people, for the privacy registry (core.privacy): only who
made and published a programme. The catalogue and programmes themselves describe no one."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select, update

from core import privacy
from core.extensions import db
from core.privacy import Basis, Erase, Export, ImpersonalTable, PersonalField, PersonalTable
from curriculum.models import Programme, ProgrammeVersion

DESIGNERS = "designers"


class CurriculumProvider(privacy.Provider):
    name = "Curriculum"
    tables = (
        PersonalTable(
            "programme",
            {
                "created_by_id": PersonalField(
                    "the designer who created the programme", Basis.CONTRACT, DESIGNERS, Export.AS_IS, Erase.NULL
                )
            },
            retention="accounts",
            title="Programmes you created",
        ),
        PersonalTable(
            "programme_version",
            {
                "published_by_id": PersonalField(
                    "the designer who published the version", Basis.CONTRACT, DESIGNERS, Export.AS_IS, Erase.NULL
                )
            },
            retention="accounts",
            title="Programme versions you published",
            not_personal=("name",),  # the programme's name
        ),
    )
    impersonal = (
        ImpersonalTable("programme_outcome", ("text",)),  # an outcome's wording
        ImpersonalTable("catalogue_outcome", ("text",)),  # the built-in catalogue's wording
    )

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        created = db.session.scalars(
            select(Programme).where(Programme.created_by_id == person_id).order_by(Programme.id)
        )
        published = db.session.scalars(
            select(ProgrammeVersion).where(ProgrammeVersion.published_by_id == person_id).order_by(ProgrammeVersion.id)
        )
        return {
            "programme": [{"programme": p.current.name, "created_at": p.created_at} for p in created],
            "programme_version": [
                {"programme": v.name, "version": v.number, "published_at": v.published_at} for v in published
            ],
        }

    def erase(self, person_id: int) -> list[str]:
        # Programmes stay (cohorts are taught from them); only who made or published them goes.
        made = db.session.execute(
            update(Programme).where(Programme.created_by_id == person_id).values(created_by_id=None)
        ).rowcount
        published = db.session.execute(
            update(ProgrammeVersion).where(ProgrammeVersion.published_by_id == person_id).values(published_by_id=None)
        ).rowcount
        if not made + published:
            return []
        return [f"{made + published:,} programmes and versions this person made or published kept, without their name."]


def init_app(app: Flask) -> None:
    privacy.register(app, CurriculumProvider())
