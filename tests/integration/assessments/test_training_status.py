"""Staff withdraw, defer and resume a trainee with the DfE's reasons: a confirmation first, the
history on the enrolment page, the status wherever trainees are listed, one signal a change (none
for a refused one); a withdrawn or deferred trainee drops out of reminders and mentors' to-do lists,
and nobody starts a new observation of a withdrawn one."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessments import reminders as rule
from assessments.deadlines import third_anniversary
from assessments.models import Enrolment, EnrolmentStatusChange
from assessments.services import ObservationInput, record_observation, training_status
from assessments.services import reminders as reminder_service
from assessments.signals import training_status_changed
from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.audit import Action
from core.audit.models import AuditEvent
from core.extensions import db
from core.problems import Conflict, Invalid
from tests.conftest import csrf_token, post_form

from .conftest import TODAY

OVERDUE = third_anniversary(TODAY - timedelta(days=400)) + timedelta(days=1)  # the enrolment fixture's deadline


@pytest.fixture
def sent() -> Iterator[list[tuple[int, str, str | None]]]:
    """(enrolment id, to_status, reason) of each training_status_changed signal, as the DfE room hears it."""
    heard: list[tuple[int, str, str | None]] = []

    def receiver(sender: Enrolment, enrolment: Enrolment, change: EnrolmentStatusChange) -> None:
        assert sender is enrolment and change.id is not None and change.enrolment_id == enrolment.id
        heard.append((enrolment.id, change.to_status, change.reason))

    training_status_changed.connect(receiver)
    yield heard
    training_status_changed.disconnect(receiver)


@pytest.fixture
def designer(auth, make_person) -> int:  # type: ignore[no-untyped-def]
    person = make_person("designer@example.org", Role.DESIGNER, name="Dee Designer")
    auth.sign_in("designer@example.org")
    return person


def _lock(page: str) -> str:
    return re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)


def test_a_designer_withdraws_a_trainee_after_checking_and_every_list_shows_it(
    app, client, designer, enrolment_id, cohort_id, sent
):  # type: ignore[no-untyped-def]
    enrolment_page = f"/assessments/enrolments/{enrolment_id}/change"
    page = client.get(enrolment_page).get_data(as_text=True)
    assert "Training status" in page and "Withdraw" in page and "Defer" in page and "Resume<" not in page
    url = f"/assessments/enrolments/{enrolment_id}/training-status/withdraw"
    form = client.get(url).get_data(as_text=True)
    assert form.count('type="radio"') == 21 and 'value="quality-of-programme-structure-not-suitable."' in form
    # No reason: the error is on the radios, and nothing changes.
    missing = post_form(client, url, {"note": ""})
    assert missing.status_code == 400 and 'href="#reason"' in missing.get_data(as_text=True)
    assert "Select why the trainee is withdrawing" in missing.get_data(as_text=True)
    # With a reason: the answers are shown back first, still nothing changes.
    answers = {"reason": "quality-of-programme-structure-not-suitable.", "note": "Left at half term"}
    check = post_form(client, url, answers).get_data(as_text=True)
    assert "Check before you withdraw" in check and "Quality of programme: structure not suitable" in check
    assert "A withdrawal is final" in check and sent == []
    with app.app_context():
        assert db.session.get(Enrolment, enrolment_id).training_status == "active"
    done = client.post(
        url, data={"csrf_token": csrf_token(check), "lock_version": _lock(check), "confirmed": "yes", **answers}
    )
    assert done.status_code == 302 and done.headers["Location"].endswith(enrolment_page)
    assert sent == [(enrolment_id, "withdrawn", "quality-of-programme-structure-not-suitable.")]
    page = client.get(enrolment_page).get_data(as_text=True)
    assert "training status is now withdrawn" in page and "Active to withdrawn" in page
    assert "Left at half term" in page and "Dee Designer" in page and "cannot be changed" in page
    assert ">Withdrawn<" in client.get(f"/assessments/cohorts/{cohort_id}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get("/assessments/register.csv?show=all").get_data(as_text=True))))
    assert rows[0][-1] == "Training status" and rows[1][-1] == "Withdrawn"
    with app.app_context():
        bearer = api_tokens.issue_token(db.session.get(User, designer), "designer")
    read = client.get(f"/api/v1/enrolments/{enrolment_id}", headers={"Authorization": f"Bearer {bearer}"})
    assert read.json["training_status"] == "withdrawn"
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == Action.ENROLMENT_STATUS_CHANGED))
        assert event.details["to_status"] == "withdrawn" and event.actor_id == designer
    # An old tab's link to defer is answered with why not, not a form.
    refused = client.get(f"/assessments/enrolments/{enrolment_id}/training-status/defer", follow_redirects=True)
    assert "A withdrawal cannot be changed" in refused.get_data(as_text=True) and len(sent) == 1


def test_a_stale_page_is_told_it_changed_and_a_refused_change_sends_nothing(app, client, designer, enrolment_id, sent):  # type: ignore[no-untyped-def]
    url = f"/assessments/enrolments/{enrolment_id}/training-status/defer"
    check = post_form(client, url, {"reason": "parental-leave"}).get_data(as_text=True)
    with app.app_context():  # someone else changes the enrolment meanwhile
        enrolment = db.session.get(Enrolment, enrolment_id)
        enrolment.school = "Vale Academy"
        db.session.commit()
    stale = client.post(
        url,
        data={
            "csrf_token": csrf_token(check),
            "lock_version": _lock(check),
            "confirmed": "yes",
            "reason": "parental-leave",
        },
        follow_redirects=True,
    )
    assert "Someone changed this enrolment since you opened it" in stale.get_data(as_text=True)
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        actor = db.session.get(User, designer)
        assert enrolment.training_status == "active" and sent == []
        with pytest.raises(Conflict):
            training_status.change_status(enrolment, "deferred", "parental-leave", actor, enrolment.lock_version - 1)
        with pytest.raises(Invalid) as refused:
            training_status.change_status(enrolment, "active", None, actor, enrolment.lock_version)
        assert refused.value.problems[0].path == "to_status" and sent == []
        # Deferred, then resumed (no reason): one signal each, and the history in order.
        training_status.change_status(enrolment, "deferred", "parental-leave", actor, enrolment.lock_version)
        db.session.commit()
        training_status.change_status(enrolment, "active", None, actor, enrolment.lock_version, "Back in September")
        db.session.commit()
        assert sent == [(enrolment_id, "deferred", "parental-leave"), (enrolment_id, "active", None)]
        assert [(c.from_status, c.to_status) for c in training_status.history(enrolment_id)] == [
            ("active", "deferred"),
            ("deferred", "active"),
        ]


def test_a_deferred_trainee_drops_out_of_reminders_and_a_withdrawn_one_cannot_be_observed(
    app, client, auth, enrolment_id, people
):  # type: ignore[no-untyped-def]
    with app.app_context():
        due = {(r.recipient_id, r.kind) for r in reminder_service.due(OVERDUE)}
        assert due == {(people["mentor"], rule.SENCO_OVERDUE), (people["trainee"], rule.SENCO_OVERDUE)}
        assert reminder_service.needs_of(people["mentor"], rule.Audience.MENTOR, OVERDUE) != []
        enrolment = db.session.get(Enrolment, enrolment_id)
        training_status.change_status(enrolment, "deferred", "long-term-sickness", None, enrolment.lock_version)
        db.session.commit()
        assert reminder_service.due(OVERDUE) == []
        assert reminder_service.needs_of(people["mentor"], rule.Audience.MENTOR, OVERDUE) == []
        assert reminder_service.needs_of(people["trainee"], rule.Audience.TRAINEE, OVERDUE) == []
    auth.sign_in("trainee@example.org")
    assert "Your training is deferred" in client.get("/assessments/my-training").get_data(as_text=True)
    auth.sign_out()
    with app.app_context():
        enrolment = db.session.get(Enrolment, enrolment_id)
        training_status.change_status(enrolment, "withdrawn", "change-in-career", None, enrolment.lock_version)
        db.session.commit()
        given = ObservationInput("annual-review", TODAY, "Office", (), {}, "k" * 32)
        with pytest.raises(Invalid) as refused:
            record_observation(enrolment_id, people["mentor"], given, TODAY)
        assert refused.value.problems[0].path == "enrolment_id"
        assert "withdrawn" in refused.value.problems[0].message
    auth.sign_in("mentor@example.org")
    page = client.get(f"/assessments/trainees/{enrolment_id}").get_data(as_text=True)
    assert "has withdrawn from the course" in page and "Record an observation" not in page
    started = client.get(f"/assessments/trainees/{enrolment_id}/observations/new/annual-review", follow_redirects=True)
    assert "You cannot start a new observation for them" in started.get_data(as_text=True)
    # Mentors may not change a training status; the API shows it and will not take it.
    assert client.get(f"/assessments/enrolments/{enrolment_id}/training-status/resume").status_code == 403
