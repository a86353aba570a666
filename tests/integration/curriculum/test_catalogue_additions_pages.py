"""Issue 26's additions as a designer meets them: on the catalogue page (the framework's coverage
and the survey's caveats), on a module's page, and in the printed handbook of a programme that
uses the new modules."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.extensions import db
from curriculum import services as curriculum_services
from curriculum.models import CatalogueArea
from tests import pdf_reading as read


def test_the_catalogue_page_shows_the_framework_coverage_and_the_surveys_caveats(client, designer):
    page = client.get("/curriculum/catalogue").get_data(as_text=True)
    assert "The NPQ framework: what the catalogue covers" in page
    assert "could not be read here" in page and "Leading and managing provision" in page
    assert "About the survey evidence" in page
    assert "commissioned by the NASENCO providers" in page and "48% for replacing the NASENCO" in page
    assert "Mental health, CAMHS and the school&#39;s mental health lead" in page
    assert "Accountability for SEND" in page


def test_a_module_page_shows_the_new_outcomes_and_the_surveys_caveat(client, designer):
    page = client.get("/curriculum/catalogue/rights-and-redress").get_data(as_text=True)
    assert "SENDIASS" in page and "IPSEA" in page and "Contact (for families with disabled children)" in page
    assert "commissioned by the NASENCO providers" in page


def test_the_handbook_of_a_programme_with_the_new_modules_prints_them_with_their_sources(app, client, designer):  # type: ignore[no-untyped-def]
    with app.app_context():
        programme = curriculum_services.create_programme(
            None, curriculum_services.ProgrammeDetails("Additions", "North Trust", date(2025, 9, 1), 78)
        )
        mandatory = [
            m.key
            for a in db.session.scalars(select(CatalogueArea).where(CatalogueArea.mandatory.is_(True)))
            for m in a.modules
        ]
        keys = [*mandatory, "mental-health", "send-accountability", "rights-and-redress"]
        curriculum_services.add_catalogue_modules(programme.id, None, keys)
        curriculum_services.publish(programme.id, None, None)
        programme_id = programme.id
    response = client.get(f"/documents/programmes/{programme_id}/versions/1/handbook.pdf")
    assert response.status_code == 200
    words = read.compact(read.text(response.data))
    for text in (
        "Mental health, CAMHS and the school's mental health lead",
        "Accountability for SEND",
        "by 15 February of the year of transfer",
        "SENDIASS",
        "Care Quality Commission",
    ):
        assert read.compact(text) in words, text
