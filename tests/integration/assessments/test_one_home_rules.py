"""Rules that once had several homes and now have one (issue 24): who counts as staff, who may see
an enrolment, the SENCO duty's words and the rubric models' words. Each test goes through the pages."""

from __future__ import annotations

from html import unescape

from assessments import deadlines, services
from assessments.models import Enrolment
from assessments.services import plans
from competencies import engine
from competencies import services as competency_services
from core.accounts.roles import STAFF, Role
from core.extensions import db
from tests.integration.assessments.conftest import TODAY


def test_staff_are_designers_and_administrators_and_only_they_reach_staff_pages(client, auth, make_person, cohort_id):  # type: ignore[no-untyped-def]
    assert set(STAFF) == {Role.DESIGNER, Role.ADMIN}
    for role in Role:
        email = f"{role.value}@example.org"
        make_person(email, role)
        auth.sign_in(email)
        expected = 200 if role in STAFF else 403
        assert client.get("/assessments/cohorts").status_code == expected, role
        assert client.get("/assessments/register").status_code == expected, role
        auth.sign_out()


def test_who_may_see_an_enrolments_documents_is_staff_its_mentors_and_its_trainee(
    client, auth, make_person, enrolment_id, other_enrolment_id
):  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    make_person("admin@example.org", Role.ADMIN)
    make_person("both@example.org", Role.MENTOR, Role.TRAINEE)  # mentors nobody, is enrolled nowhere
    may_see = {
        "designer@example.org": True,
        "admin@example.org": True,
        "mentor@example.org": True,
        "trainee@example.org": True,
        "other@example.org": False,
        "second@example.org": False,
        "both@example.org": False,
    }
    for email, allowed in may_see.items():
        auth.sign_in(email)
        status = client.get(f"/assessments/enrolments/{enrolment_id}/training-plan.pdf").status_code
        assert status == (200 if allowed else 404), email
        auth.sign_out()


def test_the_senco_duty_has_the_same_words_on_the_page_and_in_the_plan(app, client, auth, enrolment_id):  # type: ignore[no-untyped-def]
    with app.app_context():
        duty = services.senco_duty(db.session.get(Enrolment, enrolment_id), TODAY)
        assert duty.duty is not None
        words = deadlines.STATUS_NAMES[duty.duty.status]
        plan = plans.training_plan(enrolment_id, TODAY)
        assert plan is not None and plan.duty_status == words
    auth.sign_in("mentor@example.org")
    page = unescape(client.get(f"/assessments/trainees/{enrolment_id}").get_data(as_text=True))
    assert f'<strong class="govuk-tag app-duty">{words}</strong>' in page


def test_every_rubric_model_is_named_from_one_table_on_the_library_and_the_new_rubric_form(
    app, client, auth, make_person, cohort_id
):  # type: ignore[no-untyped-def]
    make_person("designer@example.org", Role.DESIGNER)
    auth.sign_in("designer@example.org")
    library = unescape(client.get("/competencies/").get_data(as_text=True))
    form = unescape(client.get("/competencies/rubrics/new").get_data(as_text=True))
    assert set(engine.MODEL_WORDS) == set(engine.RubricModel)
    for model in engine.RubricModel:
        assert engine.words_of(model.value) == engine.MODEL_WORDS[model]
        assert engine.words_of(model).choice in form
    with app.app_context():
        used = {s.rubric.latest.definition["model"] for s in competency_services.list_scenarios()}
    assert used
    for model in used:
        assert engine.words_of(model).name in library
