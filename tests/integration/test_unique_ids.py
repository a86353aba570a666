"""A page with several forms (a remove or move button a row, each with its CSRF token and
lock_version) still has every HTML id once: a duplicate id breaks label and error-summary links
and fails WCAG 2.2's parsing checks."""

from __future__ import annotations

from collections import Counter
from datetime import date
from html.parser import HTMLParser

from competencies.services import authoring
from curriculum import services
from curriculum.services import catalogue as catalogue_service
from tests.conftest import post_form


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ids.update(value for name, value in attrs if name == "id" and value)


def repeated_ids(html: str) -> dict[str, int]:
    parser = _Ids()
    parser.feed(html)
    return {name: count for name, count in parser.ids.items() if count > 1}


def _programme_with_modules(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        keys = [m.key for m in catalogue_service.shipped_catalogue().modules][:3]
        programme = services.create_programme(
            None, services.ProgrammeDetails("SENCO 2026", "North Trust", date(2026, 9, 1), 78)
        )
        services.add_catalogue_modules(programme.id, None, keys)
        return programme.id


def test_a_programme_with_several_modules_has_each_id_once(app, client, designer):
    programme_id = _programme_with_modules(app)
    page = client.get(f"/curriculum/programmes/{programme_id}").get_data(as_text=True)
    assert page.count('name="lock_version"') >= 3  # the page does repeat its small forms
    assert repeated_ids(page) == {}


def test_a_catalogue_module_offered_to_several_drafts_has_each_id_once(app, client, designer):
    first, second = _programme_with_modules(app), _programme_with_modules(app)
    assert first != second
    with app.app_context():
        key = next(m.key for m in catalogue_service.shipped_catalogue().modules[3:])
    page = client.get(f"/curriculum/catalogue/{key}").get_data(as_text=True)
    assert page.count('name="lock_version"') >= 2
    assert repeated_ids(page) == {}


def test_a_draft_rubric_with_criteria_faults_and_a_try_out_has_each_id_once(app, client, designer):
    levels = (("Not yet", "Not seen"), ("Secure", "Seen throughout"))
    with app.app_context():
        rubric = authoring.create_rubric(
            authoring.Settings("Chair a review", authoring.engine.RubricModel.ANALYTIC, 50)
        )
        for title in ("Hears the child", "Agrees actions"):
            authoring.add_criterion(rubric.id, None, authoring.CriterionInput(title, levels=levels))
        authoring.add_fault_type(
            rubric.id, None, authoring.FaultTypeInput("Talks over", authoring.engine.FaultSeverity.MINOR)
        )
        rubric_id = rubric.id
    page = client.get(f"/competencies/rubrics/{rubric_id}").get_data(as_text=True)
    assert page.count('name="csrf_token"') >= 5  # three remove buttons, publish, and the try-out
    assert repeated_ids(page) == {}
    # The numbered ids change nothing a form sends: removing a criterion from its row still works.
    removed = post_form(
        client,
        f"/competencies/rubrics/{rubric_id}/criteria/agrees-actions/remove",
        {},
        form_url=f"/competencies/rubrics/{rubric_id}",
    )
    assert removed.status_code == 302
    assert "Agrees actions" not in client.get(f"/competencies/rubrics/{rubric_id}").get_data(as_text=True)
