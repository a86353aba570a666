"""The observation lifecycle after the first record: corrections with their history, requests,
self-assessment, next steps, reflections, a second observer and the mentor's dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from assessments import services
from assessments.models import (
    NextStep,
    Observation,
    ObservationRequest,
    ObservationRevision,
    RequestStatus,
    SelfAssessment,
)
from assessments.services import feedback, requests
from core.accounts.roles import Role
from core.extensions import db
from core.problems import Conflict, Invalid
from tests.conftest import csrf_token

from .conftest import TODAY, an_open_request_lands_first

SCENARIO = "annual-review"
NEW = "/assessments/trainees/{}/observations/new/" + SCENARIO
CRITERIA = ("statutory-timelines", "facts-and-law", "child-voice", "evidence-of-progress", "chairing", "agreed-actions")


def _evidence(child_voice: int = 3, comment: str = "") -> dict:  # type: ignore[type-arg]
    return {
        "judgements": [
            {
                "criterion": k,
                "level": child_voice if k == "child-voice" else 3,
                "comment": comment if k == "child-voice" else "",
            }
            for k in CRITERIA
        ],
        "faults": [],
    }


def _record(
    app,
    enrolment_id: int,
    mentor_id: int,
    *,
    submit: bool = True,
    child_voice: int = 3,  # type: ignore[no-untyped-def]
    setting: str = "Meeting room",
    key: str = "k1",
    days_ago: int = 1,
) -> int:
    with app.app_context():
        given = services.ObservationInput(
            SCENARIO,
            TODAY - timedelta(days=days_ago),
            setting,
            ("Parents or carers",),
            _evidence(child_voice),
            key,
            submit=submit,
        )
        return services.record_observation(enrolment_id, mentor_id, given, TODAY).id


def _hidden(page: str) -> dict[str, str]:
    """The hidden values of a page's form (token, lock version, idempotency key), as a browser posts them."""
    return dict(re.findall(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"', page))


@pytest.fixture
def second_mentor(make_person) -> int:  # type: ignore[no-untyped-def]
    return make_person("second.mentor@example.org", Role.MENTOR, name="Sue Second-Mentor")


@pytest.fixture
def shared_enrolment_id(app, cohort_id, people, second_mentor) -> int:  # type: ignore[no-untyped-def]
    """The trainee with two mentors: Mo Mentor and Sue Second-Mentor."""
    with app.app_context():
        given = services.EnrolmentInput(
            people["trainee"], (people["mentor"], second_mentor), "Hill Primary", TODAY - timedelta(days=400)
        )
        return services.enrol(cohort_id, given, TODAY).id


# ---- corrections ---------------------------------------------------------------------------


def _correct_page(client, observation_id: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/assessments/observations/{observation_id}/correct")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _correction(page: str, **changes: str) -> dict[str, object]:
    """The correction form as the mentor sends it: what was recorded (yesterday, the meeting room,
    level 3 everywhere unless changed), with ``changes``."""
    day = TODAY - timedelta(days=1)
    data: dict[str, object] = {
        **_hidden(page),
        "observed_on": [str(day.day), str(day.month), str(day.year)],
        "setting": "Meeting room",
        "present": ["Parents or carers"],
        "save_correction": "1",
        **{f"c{i}": "3" for i in range(6)},
    }
    data.update(changes)
    return data


def test_the_observer_corrects_a_submitted_observation_with_a_reason_and_the_history_says_what_changed(
    app, client, auth, enrolment_id, people
):
    observation_id = _record(app, enrolment_id, people["mentor"], child_voice=2)
    auth.sign_in("mentor@example.org")
    page = _correct_page(client, observation_id)
    response = client.post(
        f"/assessments/observations/{observation_id}/correct",
        data=_correction(
            page,
            c2="3",
            m2="Asked the pupil first, as the notes show.",
            reason="I misread my notes: the pupil spoke first.",
        ),
    )
    assert response.status_code == 302
    shown = client.get(f"/assessments/observations/{observation_id}").get_data(as_text=True)
    assert "Outcome: met" in shown and "Corrected" in shown and "I misread my notes" in shown
    history = client.get(f"/assessments/observations/{observation_id}/history").get_data(as_text=True)
    assert "Correction 1" in history and "Mo Mentor" in history
    assert "‘Keeps the child&#39;s voice central’: level 2 changed to level 3" in history
    assert "Outcome: not yet met changed to met" in history
    with app.app_context():
        found = db.session.get(Observation, observation_id)
        first_version = found.rubric_version_id
        revision = db.session.scalar(select(ObservationRevision))
        assert revision.before["result"]["outcome"] == "not yet met" and revision.after["result"]["outcome"] == "met"
        assert found.rubric_version_id == first_version  # re-scored by the same pinned version
        assert found.result["rubric"]["version"] == revision.before["result"]["rubric"]["version"]
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    mine = client.get(f"/assessments/my-training/observations/{observation_id}").get_data(as_text=True)
    assert "Corrected 1 time" in mine and "I misread my notes" in mine and "Outcome: met" in mine
    assert "level 2 changed to level 3" in mine


def test_a_correction_without_a_reason_is_refused_and_nothing_changes(app, client, auth, enrolment_id, people):
    observation_id = _record(app, enrolment_id, people["mentor"], child_voice=2)
    auth.sign_in("mentor@example.org")
    page = _correct_page(client, observation_id)
    response = client.post(
        f"/assessments/observations/{observation_id}/correct", data=_correction(page, c2="3", reason="  ")
    )
    assert response.status_code == 200
    assert "Enter why you are correcting this observation" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Observation, observation_id).result["outcome"] == "not yet met"
        assert db.session.scalar(select(func.count()).select_from(ObservationRevision)) == 0


def test_a_correction_based_on_an_older_version_is_refused_as_changed_since_opened(
    app, client, auth, enrolment_id, people
):
    observation_id = _record(app, enrolment_id, people["mentor"], child_voice=2)
    auth.sign_in("mentor@example.org")
    stale = _correct_page(client, observation_id)
    fresh = _correct_page(client, observation_id)
    assert (
        client.post(
            f"/assessments/observations/{observation_id}/correct",
            data=_correction(fresh, c2="3", reason="Misread notes"),
        ).status_code
        == 302
    )
    refused = client.post(
        f"/assessments/observations/{observation_id}/correct",
        data=_correction(stale, setting="Hall", reason="Wrong room"),
    )
    assert "Someone changed this observation since you opened it" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Observation, observation_id).setting == "Meeting room"


def test_only_the_observer_may_correct_and_a_draft_is_not_corrected(
    app, client, auth, shared_enrolment_id, people, second_mentor
):
    observation_id = _record(app, shared_enrolment_id, people["mentor"])
    auth.sign_in("second.mentor@example.org")
    assert client.get(f"/assessments/observations/{observation_id}").status_code == 200  # may read it
    assert "Correct this observation" not in client.get(f"/assessments/observations/{observation_id}").get_data(
        as_text=True
    )
    assert client.get(f"/assessments/observations/{observation_id}/correct").status_code == 404
    with app.app_context():
        given = services.AmendmentInput(TODAY, "Hall", (), _evidence())
        with pytest.raises(Invalid, match="Only the mentor who made this observation"):
            services.amend_observation(observation_id, second_mentor, given, "mine now", 2, TODAY)
        draft = services.record_observation(
            shared_enrolment_id,
            people["mentor"],
            services.ObservationInput(SCENARIO, TODAY, "Hall", (), _evidence(), "draft-1"),
            TODAY,
        )
        with pytest.raises(Conflict):
            services.amend_observation(draft.id, people["mentor"], given, "why", draft.lock_version, TODAY)


def test_another_mentors_trainee_cannot_be_corrected_or_its_history_read(app, client, auth, other_enrolment_id, people):
    observation_id = _record(app, other_enrolment_id, people["other_mentor"])
    auth.sign_in("mentor@example.org")
    for url in ("", "/correct", "/history"):
        assert client.get(f"/assessments/observations/{observation_id}{url}").status_code == 404


# ---- dates ---------------------------------------------------------------------------------


def test_an_observation_dated_before_the_cohort_started_is_refused(app, enrolment_id, people):
    with app.app_context():
        given = services.ObservationInput(SCENARIO, TODAY - timedelta(days=31), "Hall", (), _evidence(), "early")
        with pytest.raises(Invalid) as error:
            services.record_observation(enrolment_id, people["mentor"], given, TODAY)
        assert error.value.problems[0].path == "observed_on"
        assert "on or after the cohort started" in error.value.message
        assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


def test_notes_on_who_was_present_are_length_checked_and_shown_only_to_the_trainee_and_mentors(
    app, client, auth, enrolment_id, other_enrolment_id, people
):
    with app.app_context():
        too_long = services.ObservationInput(SCENARIO, TODAY, "Hall", (), _evidence(), "n1", present_notes="x" * 501)
        with pytest.raises(Invalid, match="Notes on who was present must be 500 characters or fewer"):
            services.record_observation(enrolment_id, people["mentor"], too_long, TODAY)
        fine = services.ObservationInput(
            SCENARIO,
            TODAY,
            "Hall",
            (),
            _evidence(),
            "n2",
            submit=True,
            present_notes="Class teacher joined for the second half",
        )
        observation_id = services.record_observation(enrolment_id, people["mentor"], fine, TODAY).id
    auth.sign_in("trainee@example.org")
    assert "Class teacher joined" in client.get(f"/assessments/my-training/observations/{observation_id}").get_data(
        as_text=True
    )
    auth.sign_out()
    auth.sign_in("second@example.org")  # another trainee
    assert client.get(f"/assessments/my-training/observations/{observation_id}").status_code == 404
    auth.sign_out()
    auth.sign_in("other@example.org")  # a mentor of someone else
    assert client.get(f"/assessments/observations/{observation_id}").status_code == 404


# ---- requests ------------------------------------------------------------------------------


def test_the_same_request_posted_twice_at_once_leaves_one_open_request(app, enrolment_id, people):
    """The second post passes the service's check before the first is saved (simulated: the first
    lands on its own connection just before the second's insert); the database keeps one."""
    with app.app_context():
        an_open_request_lands_first(enrolment_id, people["mentor"], SCENARIO)
        with pytest.raises(Invalid, match="already asked this mentor") as refused:
            requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO)
        assert refused.value.problems[0].path == "scenario_key"
        assert db.session.scalar(select(func.count()).select_from(ObservationRequest)) == 1
        # Once it is answered, the trainee may ask again.
        db.session.execute(ObservationRequest.__table__.update().values(status=RequestStatus.DECLINED))
        db.session.commit()
        assert requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO).is_open


def test_a_trainee_asks_a_mentor_who_accepts_and_the_request_closes_when_the_observation_is_submitted(
    app, client, auth, enrolment_id, people
):
    auth.sign_in("trainee@example.org")
    ask = f"/assessments/my-training/{enrolment_id}/ask"
    page = client.get(ask).get_data(as_text=True)
    response = client.post(
        ask,
        data={
            "csrf_token": csrf_token(page),
            "mentor_id": str(people["mentor"]),
            "scenario_key": SCENARIO,
            "note": "The meeting is on Thursday",
        },
    )
    assert response.status_code == 302
    assert "waiting for an answer" in client.get("/assessments/my-training").get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    home = client.get("/assessments/observations").get_data(as_text=True)
    assert "Tia Trainee asks to be observed" in home
    with app.app_context():
        request_id = db.session.scalar(select(ObservationRequest.id))
    page = client.get(f"/assessments/requests/{request_id}").get_data(as_text=True)
    assert "The meeting is on Thursday" in page
    past = TODAY - timedelta(days=1)
    refused = client.post(
        f"/assessments/requests/{request_id}",
        data={
            "csrf_token": csrf_token(page),
            "planned_on": [str(past.day), str(past.month), str(past.year)],
            "accept": "1",
        },
    )
    assert "The date you plan to observe must be today or later" in refused.get_data(as_text=True)
    client.post(
        f"/assessments/requests/{request_id}",
        data={
            "csrf_token": csrf_token(page),
            "planned_on": [str(TODAY.day), str(TODAY.month), str(TODAY.year)],
            "accept": "1",
        },
    )
    home = client.get("/assessments/observations").get_data(as_text=True)
    assert "Record this observation" in home
    _record(app, enrolment_id, people["mentor"])
    assert "Record this observation" not in client.get("/assessments/observations").get_data(as_text=True)
    with app.app_context():
        found = db.session.get(ObservationRequest, request_id)
        assert found.status == RequestStatus.DONE and found.observation_id is not None


def test_a_mentor_declines_with_a_reason_that_the_trainee_reads(app, client, auth, enrolment_id, people):
    with app.app_context():
        request_id = requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO).id
    auth.sign_in("mentor@example.org")
    page = client.get(f"/assessments/requests/{request_id}").get_data(as_text=True)
    empty = client.post(
        f"/assessments/requests/{request_id}", data={"csrf_token": csrf_token(page), "reason": "", "decline": "1"}
    )
    assert "Enter why you are declining" in empty.get_data(as_text=True)
    client.post(
        f"/assessments/requests/{request_id}",
        data={"csrf_token": csrf_token(page), "decline": "1", "reason": "Ask Sue: she chairs those meetings"},
    )
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    assert "declined. Reason: “Ask Sue: she chairs those meetings”" in client.get("/assessments/my-training").get_data(
        as_text=True
    )


def test_requests_reach_only_the_trainees_own_mentors(app, client, auth, enrolment_id, other_enrolment_id, people):
    with app.app_context():
        with pytest.raises(Invalid, match="Choose one of your mentors"):
            requests.ask(enrolment_id, people["trainee"], people["other_mentor"], SCENARIO)
        with pytest.raises(Invalid):  # someone else's enrolment
            requests.ask(other_enrolment_id, people["trainee"], people["other_mentor"], SCENARIO)
        request_id = requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO).id
        with pytest.raises(Invalid, match="already asked"):
            requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO)
    auth.sign_in("other@example.org")
    assert client.get(f"/assessments/requests/{request_id}").status_code == 404
    auth.sign_out()
    auth.sign_in("second@example.org")
    assert client.get(f"/assessments/my-training/{enrolment_id}/ask").status_code == 404


# ---- self-assessment -----------------------------------------------------------------------


def test_a_trainee_rates_themselves_on_a_draft_without_seeing_the_marks_then_sees_both_side_by_side(
    app, client, auth, enrolment_id, people
):
    observation_id = _record(app, enrolment_id, people["mentor"], submit=False, child_voice=2)
    with app.app_context():
        draft = db.session.get(Observation, observation_id)
        draft_page_values = draft.lock_version
    auth.sign_in("trainee@example.org")
    assert "Rate yourself before your mentor submits" in client.get("/assessments/my-training").get_data(as_text=True)
    url = f"/assessments/my-training/observations/{observation_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Outcome:" not in page and "level 3" not in page and "not yet met" not in page
    bad = client.post(f"{url}/self-assessment", data={"csrf_token": csrf_token(page), "r2": "9", "rate": "1"})
    assert "Choose a level for ‘Keeps the child&#39;s voice central’ from the list" in bad.get_data(as_text=True)
    client.post(f"{url}/self-assessment", data={"csrf_token": csrf_token(page), "r2": "3", "r4": "2", "rate": "1"})
    with app.app_context():
        assert db.session.scalar(select(SelfAssessment)).ratings == {"child-voice": 3, "chairing": 2}
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    page = client.get(f"/assessments/observations/{observation_id}").get_data(as_text=True)
    assert "The trainee has rated themselves" in page
    client.post(
        f"/assessments/observations/{observation_id}/submit",
        data={"csrf_token": csrf_token(page), "lock_version": str(draft_page_values)},
    )
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    page = client.get(url).get_data(as_text=True)
    assert "Outcome: not yet met" in page
    table = page[page.index("app-side-by-side") :]
    row = re.search(r"Keeps the child&#39;s voice central</th>\s*<td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td>", table)
    assert row and row.group(1).startswith("3:") and row.group(2).startswith("2:")


def test_a_self_assessment_is_refused_once_the_marks_are_visible_and_for_unknown_criteria(app, enrolment_id, people):
    submitted = _record(app, enrolment_id, people["mentor"])
    draft = _record(app, enrolment_id, people["mentor"], submit=False, key="k2")
    with app.app_context():
        with pytest.raises(Conflict, match="already submitted"):
            feedback.self_assess(submitted, people["trainee"], {"child-voice": 3})
        with pytest.raises(Invalid) as error:
            feedback.self_assess(draft, people["trainee"], {"no-such-criterion": 3, "chairing": 99})
        assert {p.path for p in error.value.problems} == {"ratings.no-such-criterion", "ratings.chairing"}
        with pytest.raises(Invalid):
            feedback.self_assess(draft, people["other_trainee"], {"chairing": 3})
        assert db.session.scalar(select(func.count()).select_from(SelfAssessment)) == 0


# ---- next steps ----------------------------------------------------------------------------


def test_a_next_step_shows_at_the_top_of_the_next_observation_and_is_marked_done(
    app, client, auth, enrolment_id, people
):
    observation_id = _record(app, enrolment_id, people["mentor"], child_voice=2)
    auth.sign_in("mentor@example.org")
    page = client.get(f"/assessments/observations/{observation_id}").get_data(as_text=True)
    bad = client.post(
        f"/assessments/observations/{observation_id}/next-step",
        data={"csrf_token": csrf_token(page), "criterion_key": "no-such", "text": "x"},
    )
    assert "Choose a criterion from the list" in bad.get_data(as_text=True)
    client.post(
        f"/assessments/observations/{observation_id}/next-step",
        data={"csrf_token": csrf_token(page), "criterion_key": "child-voice", "text": "Ask the pupil’s views first"},
    )
    new = client.get(NEW.format(enrolment_id)).get_data(as_text=True)
    assert "Next steps from earlier observations" in new and "Ask the pupil’s views first" in new
    assert new.index("Ask the pupil’s views first") < new.index("Date of the observation")
    auth.sign_out()
    auth.sign_in("trainee@example.org")
    mine = client.get("/assessments/my-training").get_data(as_text=True)
    assert "Keeps the child&#39;s voice central: Ask the pupil’s views first" in mine
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    with app.app_context():
        step_id = db.session.scalar(select(NextStep.id))
    new = client.get(NEW.format(enrolment_id)).get_data(as_text=True)  # a new sign-in, a new form token
    client.post(f"/assessments/next-steps/{step_id}/review", data={"csrf_token": csrf_token(new), "not_yet": "1"})
    assert "Marked not yet on" in client.get(NEW.format(enrolment_id)).get_data(as_text=True)
    client.post(f"/assessments/next-steps/{step_id}/review", data={"csrf_token": csrf_token(new), "done": "1"})
    assert "Next steps from earlier observations" not in client.get(NEW.format(enrolment_id)).get_data(as_text=True)
    auth.sign_out()
    auth.sign_in("other@example.org")
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    assert (
        client.post(f"/assessments/next-steps/{step_id}/review", data={"csrf_token": token, "done": "1"}).status_code
        == 404
    )


# ---- reflections ---------------------------------------------------------------------------


def test_a_trainee_reflects_and_only_they_and_their_mentors_read_it(app, client, auth, enrolment_id, people):
    observation_id = _record(app, enrolment_id, people["mentor"])
    auth.sign_in("trainee@example.org")
    url = f"/assessments/my-training/observations/{observation_id}"
    page = client.get(url).get_data(as_text=True)
    long = client.post(f"{url}/reflection", data={"csrf_token": csrf_token(page), "reflection": "x" * 3_001})
    assert "Reflection must be 3,000 characters or fewer" in long.get_data(as_text=True)
    client.post(f"{url}/reflection", data={"csrf_token": csrf_token(page), "reflection": "I will ask the pupil first."})
    auth.sign_out()
    auth.sign_in("mentor@example.org")
    assert "I will ask the pupil first." in client.get(f"/assessments/observations/{observation_id}").get_data(
        as_text=True
    )
    auth.sign_out()
    auth.sign_in("second@example.org")
    assert client.get(url).status_code == 404
    token = csrf_token(client.get("/account/password").get_data(as_text=True))
    assert client.post(f"{url}/reflection", data={"csrf_token": token, "reflection": "mine"}).status_code == 404


# ---- second observer -----------------------------------------------------------------------


def test_two_mentors_of_one_trainee_count_as_two_observers_for_sign_off(
    app, client, auth, shared_enrolment_id, people, second_mentor
):
    _record(app, shared_enrolment_id, people["mentor"], key="a", setting="Meeting room", days_ago=3)
    _record(app, shared_enrolment_id, people["mentor"], key="b", setting="Library", days_ago=2)
    with app.app_context():
        before = next(
            p
            for p in services.progress(services.enrolment_for_mentor(shared_enrolment_id, second_mentor))
            if p.scenario.key == SCENARIO
        )
        assert len(before.sign_off.observers) == 1 and any("new observer" in m for m in before.missing)
    _record(app, shared_enrolment_id, second_mentor, key="c", setting="Hall", days_ago=1)
    with app.app_context():
        after = next(
            p
            for p in services.progress(services.enrolment_for_mentor(shared_enrolment_id, second_mentor))
            if p.scenario.key == SCENARIO
        )
        assert len(after.sign_off.observers) == 2 and after.sign_off.evidenced
    auth.sign_in("mentor@example.org")
    page = client.get(f"/assessments/trainees/{shared_enrolment_id}").get_data(as_text=True)
    assert "Observed by Sue Second-Mentor" in page and "Observed by Mo Mentor" in page


# ---- the dashboard -------------------------------------------------------------------------


def test_the_dashboard_lists_drafts_due_observations_and_pages_through_trainees(
    app, client, auth, cohort_id, people, make_person
):
    with app.app_context():
        for n in range(12):
            trainee = make_person(f"t{n}@example.org", Role.TRAINEE, name=f"Trainee {n:02}")
            services.enrol(
                cohort_id,
                services.EnrolmentInput(
                    trainee, (people["mentor"],), became_senco=TODAY - timedelta(days=3 * 365 - 30)
                ),
                TODAY,
            )
    first = db_enrolment(app, "t0@example.org")
    _record(app, first, people["mentor"], submit=False, key="d1")
    auth.sign_in("mentor@example.org")
    home = client.get("/assessments/observations").get_data(as_text=True)
    assert "Your trainees (12)" in home and "Trainee 00</a>" in home and "Trainee 10</a>" not in home
    assert "Drafts not submitted" in home and "Trainee 00: Lead the annual review" in home
    assert "3 more met observations (0 of 3 so far)." in home
    assert "Due within 6 months" in home  # became SENCO nearly three years ago
    second = client.get("/assessments/observations?page=2").get_data(as_text=True)
    assert "Trainee 10</a>" in second and "Trainee 00</a>" not in second
    for odd in ("0", "-1", "abc", "²", "9" * 40):
        assert client.get(f"/assessments/observations?page={odd}").status_code == 200


def db_enrolment(app, email: str) -> int:  # type: ignore[no-untyped-def]
    from assessments.models import Enrolment
    from core.accounts.models import User

    with app.app_context():
        return db.session.scalar(
            select(Enrolment.id).join(User, Enrolment.trainee_id == User.id).where(User.email == email)
        )


def _queries(app, client, url: str) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        engine = db.engine
    seen: list[str] = []
    listener = lambda *args: seen.append(args[2])  # noqa: E731  (statement text)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_dashboard_makes_as_many_queries_for_a_hundred_trainees_as_for_ten(
    app, client, auth, cohort_id, people, make_person
):
    """A full first page either way: what grows with the data must not add queries."""

    def grow(to: int) -> None:
        with app.app_context():
            for n in range(grow.count, to):
                trainee = make_person(f"g{n}@example.org", Role.TRAINEE, name=f"Grown {n:03}")
                enrolment = services.enrol(cohort_id, services.EnrolmentInput(trainee, (people["mentor"],)), TODAY).id
                services.record_observation(
                    enrolment,
                    people["mentor"],
                    services.ObservationInput(SCENARIO, TODAY, "Hall", (), _evidence(), f"g{n}", submit=n % 2 == 0),
                    TODAY,
                )
        grow.count = to

    grow.count = 0  # type: ignore[attr-defined]
    auth.sign_in("mentor@example.org")
    grow(10)
    small = _queries(app, client, "/assessments/observations")
    grow(100)
    large = _queries(app, client, "/assessments/observations")
    assert large == small, (small, large)


# ---- bad evidence --------------------------------------------------------------------------


def test_a_level_out_of_range_on_the_form_is_a_field_error_and_nothing_is_saved(app, client, auth, enrolment_id):
    auth.sign_in("mentor@example.org")
    page = client.get(NEW.format(enrolment_id)).get_data(as_text=True)
    day = TODAY - timedelta(days=1)
    response = client.post(
        NEW.format(enrolment_id),
        data={
            **_hidden(page),
            "observed_on": [str(day.day), str(day.month), str(day.year)],
            "setting": "Hall",
            "c0": "3",
            "c1": "3",
            "c2": "99",
            "c3": "3",
            "c4": "3",
            "c5": "3",
            "submit_observation": "1",
        },
    )
    assert response.status_code == 200
    assert "Choose a level for ‘Keeps the child&#39;s voice central’ from the list" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Observation)) == 0


@pytest.mark.parametrize(
    "evidence",
    [
        {"judgements": [{"criterion": "no-such-criterion", "level": 3}], "faults": []},
        {"judgements": [{"criterion": "child-voice", "level": 99}], "faults": []},
        {"judgements": [], "faults": [{"fault": "no-such-fault"}]},
    ],
)
def test_a_correction_with_bad_evidence_is_refused_with_where_and_nothing_changes(app, enrolment_id, people, evidence):
    observation_id = _record(app, enrolment_id, people["mentor"])
    with app.app_context():
        found = db.session.get(Observation, observation_id)
        given = services.AmendmentInput(found.observed_on, "Meeting room", ("Parents or carers",), evidence)
        with pytest.raises(Invalid) as error:
            services.amend_observation(observation_id, people["mentor"], given, "fix", found.lock_version, TODAY)
        assert all(p.path.startswith("evidence") for p in error.value.problems)
    with app.app_context():
        assert db.session.get(Observation, observation_id).result["outcome"] == "met"
        assert db.session.scalar(select(func.count()).select_from(ObservationRevision)) == 0
