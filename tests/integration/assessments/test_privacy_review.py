"""Regression tests for the security and privacy review of the assessments room: held results stay
out of the trainee's documents, an agreed judgement replaces the mentor's everywhere, blind marking
stays blind, and stale or doubled saves are refused or answered once, never lost or a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest

from assessments import services
from assessments.case_study_rules import CaseStudyDates
from assessments.models import CaseStudy, Observation, SelfAssessment
from assessments.services import case_study, enrolment_mentors, enrolments, feedback, moderation, requests
from assessments.services.grid import GridFilters, cohort_grid
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid
from tests import pdf_reading as read
from tests.conftest import post_form

from .conftest import TODAY

MODERATOR = "moderator@example.org"
CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")
WRONG_LAW = "gives-wrong-legal-information"
NEXT_STEP = "Ask the pupil for their views directly next time."


def _evidence(levels: tuple[int, ...], faults: tuple[str, ...] = ()) -> dict:  # type: ignore[type-arg]
    return {
        "judgements": [{"criterion": k, "level": v} for k, v in zip(CRITERIA, levels)],
        "faults": [{"fault": f} for f in faults],
    }


NOT_MET = _evidence((3, 3, 2, 3, 3, 3), (WRONG_LAW,))  # a serious fault: not yet met
MET = _evidence((3, 3, 3, 3, 3, 3))


def _observe(app, enrolment_id: int, mentor_id: int, evidence: dict, key: str, submit: bool = True) -> int:  # type: ignore[no-untyped-def,type-arg]
    with app.app_context():
        return services.record_observation(
            enrolment_id,
            mentor_id,
            services.ObservationInput(
                "annual-review",
                TODAY - timedelta(days=1),
                "Meeting room",
                ("Parents or carers",),
                evidence,
                key,
                submit=submit,
            ),
            TODAY,
        ).id


@pytest.fixture
def moderator_id(make_person) -> int:  # type: ignore[no-untyped-def]
    return make_person(MODERATOR, Role.MODERATOR, name="Mia Moderator")


@pytest.fixture
def not_met(app, enrolment_id, people) -> int:  # type: ignore[no-untyped-def]
    """A submitted observation the mentor judged not yet met."""
    return _observe(app, enrolment_id, people["mentor"], NOT_MET, "obs-1")


def _sample(app, cohort_id: int, moderator_id: int, observation_id: int) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return moderation.draw_chosen(cohort_id, moderator_id, [observation_id]).items[0].id


def _record_url(observation_id: int) -> str:
    return f"/assessments/observations/{observation_id}/record.pdf"


def _plan_url(enrolment_id: int) -> str:
    return f"/assessments/enrolments/{enrolment_id}/training-plan.pdf"


# ---- A. held results stay out of the trainee's documents -------------------------------------------


def test_a_held_result_stays_out_of_the_trainees_plan_record_and_next_steps_until_moderated(
    app, client, auth, cohort_id, enrolment_id, people, moderator_id, not_met
):
    with app.app_context():
        feedback.set_next_step(not_met, people["mentor"], "child-voice", NEXT_STEP)
        moderation.set_policy(cohort_id, "0.6", 10, hold_results=True)
    _sample(app, cohort_id, moderator_id, not_met)
    auth.sign_in("mentor@example.org")  # staff read the mentor's result and its record meanwhile
    staff_plan = read.text(client.get(_plan_url(enrolment_id)).data)
    assert "not yet met" in staff_plan
    assert client.get(_record_url(not_met)).status_code == 200
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert NEXT_STEP not in client.get("/assessments/my-training").get_data(as_text=True)
    assert client.get(_record_url(not_met)).status_code == 404
    held_plan = client.get(_plan_url(enrolment_id))
    assert held_plan.status_code == 200
    words = read.text(held_plan.data)
    assert "not yet met" not in words and "1 observation is awaiting moderation" in words
    with app.app_context():  # the moderator gives the same marks: nothing left to agree, so it is released
        moderation.record_marks(not_met, moderator_id, NOT_MET)
    assert NEXT_STEP in client.get("/assessments/my-training").get_data(as_text=True)
    assert client.get(_record_url(not_met)).status_code == 200
    released = read.text(client.get(_plan_url(enrolment_id)).data)
    assert "not yet met" in released and "awaiting moderation" not in released


# ---- B. the agreed judgement replaces the mentor's ------------------------------------------------


def test_after_an_agreed_judgement_the_record_and_the_grid_show_it_not_the_mentors(
    app, client, auth, cohort_id, enrolment_id, people, moderator_id, not_met
):
    item_id = _sample(app, cohort_id, moderator_id, not_met)
    with app.app_context():
        moderation.record_marks(not_met, moderator_id, MET)
        moderation.agree(item_id, people["mentor"], MET, "The law was stated rightly on reflection.")
        row = cohort_grid(cohort_id, GridFilters()).rows.items[0]
        assert [c.met for c in row.cells if c.observed] == [1]
    auth.sign_in("trainee@example.org")
    record = read.text(client.get(_record_url(not_met)).data)
    assert "not yet met" not in record and "met" in record


# ---- C. blind marking stays blind ---------------------------------------------------------------


@pytest.mark.parametrize("staff_role", [Role.DESIGNER, Role.ADMIN])
def test_a_moderator_who_is_also_a_designer_or_administrator_may_not_mark_blind(
    app, client, auth, cohort_id, make_person, moderator_id, not_met, staff_role
):
    both = make_person("both@example.org", Role.MODERATOR, staff_role, name="Bo Both")
    item_id = _sample(app, cohort_id, moderator_id, not_met)
    with app.app_context():
        with pytest.raises(Invalid) as refused:
            moderation.record_marks(not_met, both, MET)
        assert "designer or an administrator" in str(refused.value.problems[0].message)
        assert moderation.get_item(item_id).moderator_result is None
    auth.sign_in("both@example.org")
    page = client.get(f"/assessments/moderation/items/{item_id}/mark").get_data(as_text=True)
    assert "designer or an administrator" in page and 'name="c0"' not in page


# ---- D. no correction once sampled -------------------------------------------------------------


def test_a_mentor_cannot_correct_an_observation_once_it_is_in_a_moderation_sample(
    app, cohort_id, people, moderator_id, not_met
):
    _sample(app, cohort_id, moderator_id, not_met)
    with app.app_context():
        found = db.session.get(Observation, not_met)
        version, result = found.lock_version, found.result
        change = services.AmendmentInput(found.observed_on, found.setting, tuple(found.present), MET)
        with pytest.raises(Conflict) as refused:
            services.amend_observation(not_met, people["mentor"], change, "Changed my mind", version, TODAY)
        assert "agreed judgement" in refused.value.problems[0].message
        db.session.expire_all()
        assert db.session.get(Observation, not_met).result == result


# ---- E. a removed mentor loses the trainee's requests ----------------------------------------------


def test_a_mentor_removed_from_the_enrolment_can_no_longer_see_or_answer_its_requests(
    app, client, auth, enrolment_id, people
):
    with app.app_context():
        asked = requests.ask(enrolment_id, people["trainee"], people["mentor"], "annual-review").id
        found = enrolments.get_enrolment(enrolment_id)
        enrolments.update_enrolment(
            enrolment_id,
            services.EnrolmentInput(
                people["trainee"], (people["other_mentor"],), found.school, TODAY - timedelta(days=400)
            ),
            found.lock_version,
            TODAY,
        )
        assert requests.open_requests_for_mentor(people["mentor"]) == []
        with pytest.raises(Invalid):
            requests.accept(asked, people["mentor"], TODAY, TODAY)
    auth.sign_in("mentor@example.org")
    assert client.get(f"/assessments/requests/{asked}").status_code == 404


# ---- F. adding a mentor makes an open change form stale ---------------------------------------------


def test_adding_a_mentor_makes_a_change_form_opened_before_it_stale(app, enrolment_id, people):
    with app.app_context():
        opened = enrolments.get_enrolment(enrolment_id).lock_version
        enrolment_mentors.add_mentor(enrolment_id, people["other_mentor"])
        with pytest.raises(Conflict):  # the form opened before, saved: it would drop the added mentor
            enrolments.update_enrolment(
                enrolment_id,
                services.EnrolmentInput(
                    people["trainee"], (people["mentor"],), "Hill Primary", TODAY - timedelta(days=400)
                ),
                opened,
                TODAY,
            )
        db.session.expire_all()
        assert {m.id for m in enrolments.get_enrolment(enrolment_id).mentors} == {
            people["mentor"],
            people["other_mentor"],
        }


# ---- G. the case study's stale saves are refused ------------------------------------------------


def _dates(name: str, day) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {name: [str(day.day), str(day.month), str(day.year)]}  # the GOV.UK date input's three parts


def test_a_case_study_form_opened_before_the_trainees_save_does_not_overwrite_their_date(
    app, client, auth, make_person, enrolment_id
):
    make_person("designer@example.org", Role.DESIGNER, name="Dee Designer")
    url = f"/assessments/enrolments/{enrolment_id}/case-study"
    auth.sign_in("designer@example.org")
    opened = client.get(url).get_data(as_text=True)  # the designer opens the form: nothing recorded yet
    assert 'name="lock_version"' in opened
    submitted = TODAY - timedelta(days=2)
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    mine = f"/assessments/my-training/{enrolment_id}/case-study"
    assert post_form(client, mine, {**_dates("submitted_on", submitted), "lock_version": "0"}).status_code == 302
    auth.sign_out()
    auth.sign_in("designer@example.org")
    # The designer saves the form they opened before (it carries version 0), in a new session's request.
    stale = post_form(
        client, url, {"lock_version": "0", "result": "", **_dates("window_opens", TODAY - timedelta(days=10))}
    )
    assert stale.status_code == 200 and "changed this case-study assessment since you opened it" in stale.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.query(CaseStudy).one().submitted_on == submitted


def test_a_case_study_saved_with_the_version_it_was_read_at_is_kept(app, enrolment_id, people):
    with app.app_context():
        first = case_study.record_submission(enrolment_id, people["trainee"], TODAY, TODAY, case_study.version_of(None))
        with pytest.raises(Conflict):
            case_study.record(enrolment_id, CaseStudyDates(), people["trainee"], TODAY, case_study.NO_RECORD_YET)
        assert (
            case_study.record(
                enrolment_id, CaseStudyDates(submitted_on=TODAY), people["trainee"], TODAY, case_study.version_of(first)
            ).submitted_on
            == TODAY
        )


# ---- H. doubled and concurrent saves ---------------------------------------------------------------


def test_two_self_assessments_posted_at_once_are_saved_once_not_a_server_error(app, enrolment_id, people):
    draft = _observe(app, enrolment_id, people["mentor"], {"judgements": [], "faults": []}, "draft-1", submit=False)
    with app.app_context():
        seen = feedback.observation_for_trainee(draft, people["trainee"])
        assert seen is not None and seen.self_assessment is None  # the first request has checked
        with app.app_context():  # meanwhile the second request saves
            feedback.self_assess(draft, people["trainee"], {"child-voice": 2})
        saved = feedback.self_assess(draft, people["trainee"], {"child-voice": 4})
        assert saved.ratings == {"child-voice": 2}
        assert db.session.query(SelfAssessment).count() == 1


def test_moderation_settings_saved_from_a_stale_page_are_refused(app, cohort_id):
    with app.app_context():
        opened = moderation.policy_version(cohort_id)
        moderation.set_policy(cohort_id, "0.6", 10, hold_results=True, lock_version=opened)
        with pytest.raises(Conflict):
            moderation.set_policy(cohort_id, "0.5", 10, hold_results=False, lock_version=opened)
        assert moderation.holds_results(cohort_id)
