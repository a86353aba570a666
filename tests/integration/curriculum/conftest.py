"""A small catalogue made by the tests, so curriculum tests do not depend on the shipped content."""

from __future__ import annotations

from datetime import date

import pytest

from core.extensions import db
from curriculum import services
from curriculum.models import CatalogueArea, CatalogueModule, CatalogueOutcome, NpqArea, SurveyOutcome


def _outcome(key: str, position: int, npq: list[str], survey: list[str]) -> CatalogueOutcome:
    return CatalogueOutcome(
        key=key,
        position=position,
        kind="knowledge",
        text=f"Learn that {key} matters.",
        npq_areas=npq,
        survey_outcomes=survey,
        sources=["Children and Families Act 2014, s.19"],
    )


def make_catalogue() -> None:
    db.session.add_all(
        [
            NpqArea(key="statutory-framework", title="The statutory framework", position=1),
            NpqArea(key="identification", title="Identification of need", position=2),
            SurveyOutcome(
                key="legal-duties",
                group_key="knowledge",
                group_title="Knowledge and understanding",
                title="Legal and statutory duties",
                met_well_percent=88,
                position=1,
            ),
            SurveyOutcome(
                key="identification",
                group_key="operational",
                group_title="Operational",
                title="Identification",
                met_well_percent=63,
                position=2,
            ),
        ]
    )
    law = CatalogueArea(
        key="send-law",
        title="SEND law",
        summary="",
        mandatory=True,
        position=1,
        modules=[
            CatalogueModule(
                key="send-law-foundations",
                title="SEND law foundations",
                summary="The Act and the Code.",
                suggested_hours=6,
                delivery_modes=["online-study"],
                scenario_keys=["annual-review"],
                position=1,
                outcomes=[_outcome("law-1", 1, ["statutory-framework"], ["legal-duties"])],
            ),
        ],
    )
    identification = CatalogueArea(
        key="identification",
        title="Identification",
        summary="",
        mandatory=False,
        position=2,
        modules=[
            CatalogueModule(
                key="screening-literacy",
                title="Screening reading and spelling",
                summary="Screening tools.",
                suggested_hours=4,
                delivery_modes=["seminar"],
                scenario_keys=["screening-assessment"],
                position=1,
                outcomes=[_outcome("screen-1", 1, ["identification"], ["identification"])],
            ),
            CatalogueModule(
                key="screening-processing",
                title="Screening processing",
                summary="Working memory and more.",
                suggested_hours=5,
                delivery_modes=[],
                scenario_keys=[],
                position=2,
                outcomes=[_outcome("screen-2", 1, ["identification"], [])],
            ),
        ],
    )
    db.session.add_all([law, identification])
    db.session.commit()


DETAILS = services.ProgrammeDetails("SENCO 2025", "North Trust", date(2025, 9, 1), 78)


@pytest.fixture
def catalogue(app):  # type: ignore[no-untyped-def]
    with app.app_context():
        make_catalogue()


@pytest.fixture
def programme_id(app, catalogue):  # type: ignore[no-untyped-def]
    """A draft with the three catalogue modules, SEND law first."""
    with app.app_context():
        programme = services.create_programme(None, DETAILS)
        for key in ("send-law-foundations", "screening-literacy", "screening-processing"):
            services.add_catalogue_module(programme.id, None, key)
        return programme.id
