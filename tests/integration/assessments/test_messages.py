"""The emails the assessments room writes when something happens (issue 22): one row per person
told, written in the change's own transaction, to people who may open what it links to, never to
the person who did it, and never holding a mark or any text a person typed."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, func, select

from assessments import services
from assessments.models import Observation, enrolment_mentor
from assessments.services import appeals, feedback, moderation, requests
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.layout import format_date
from core.messages import Message
from core.problems import Invalid
from tests.conftest import Auth, csrf_token

from .conftest import TODAY, an_open_request_lands_first
from .test_moderation import _evidence, _sample_of

SCENARIO = "annual-review"
SCENARIO_TITLE = "Lead the annual review of an EHC plan"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/\S+)")
CHILD = "Oliver"  # a child's name, typed into every free-text box the events carry
TYPED = f"{CHILD} cried when his mum spoke; 3/5"
# Words a judgement is told in: none may be in any email.
JUDGEMENT_WORDS = re.compile(r"\b(met|not yet|outcome|levels?|upheld|passed|faults?|agreed)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sent:
    recipient_id: int
    kind: str
    subject: str
    body: str

    @property
    def path(self) -> str:
        """The one link of the email's action (the first: the footer's settings link comes after)."""
        found = LINK.search(self.body)
        assert found, self.body
        return found.group(1)


def sent(app, kind: str | None = None) -> list[Sent]:  # type: ignore[no-untyped-def]
    with app.app_context():
        query = select(Message).order_by(Message.id)
        if kind is not None:
            query = query.where(Message.kind == kind)
        return [Sent(m.recipient_id, m.kind, m.subject, m.body) for m in db.session.scalars(query)]


def _clean(message: Sent) -> None:
    """No typed text (so no child's name), no judgement; why it was sent and how to change that."""
    text = f"{message.subject}\n{message.body}"
    assert CHILD not in text and "3/5" not in text
    assert not JUDGEMENT_WORDS.search(text), text
    assert "You are getting this email because" in message.body and "/account/emails" in message.body


def _opens(app, email: str, path: str) -> str:  # type: ignore[no-untyped-def]
    """The page the email links to, as its recipient sees it after signing in (a browser of their own)."""
    browser = app.test_client()
    assert browser.get(path).status_code == 302  # the link needs signing in
    Auth(browser).sign_in(email)
    page = browser.get(path)
    assert page.status_code == 200, path
    return page.get_data(as_text=True)


def _observe(app, enrolment_id: int, mentor_id: int, submit: bool = True, key: str = "k1") -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        given = services.ObservationInput(
            SCENARIO,
            TODAY - timedelta(days=1),
            f"Room of {CHILD}",
            ("Parents or carers",),
            _evidence((3, 3, 2, 3, 3, 3), comment=TYPED),
            key,
            submit=submit,
            present_notes=TYPED,
        )
        return services.record_observation(enrolment_id, mentor_id, given, TODAY).id


@contextmanager
def failing_commit(app):  # type: ignore[no-untyped-def]
    """The change's commit fails (as a lost connection would): everything it wrote is rolled back."""

    def fail(session) -> None:  # type: ignore[no-untyped-def]
        if not session.in_nested_transaction():  # the change's own commit, not a message's savepoint
            raise RuntimeError("the database went away")

    with app.app_context():
        event.listen(db.session, "before_commit", fail)
        try:
            with pytest.raises(RuntimeError):
                yield
        finally:
            event.remove(db.session, "before_commit", fail)
        db.session.rollback()


YESTERDAY = format_date(TODAY - timedelta(days=1))


# ---- requests ------------------------------------------------------------------------------


def test_a_request_to_be_observed_is_emailed_to_the_mentor_asked_with_a_link_to_answer_it(
    app, client, auth, enrolment_id, people
):
    auth.sign_in("trainee@example.org")
    ask = f"/assessments/my-training/{enrolment_id}/ask"
    page = client.get(ask).get_data(as_text=True)
    data = {"csrf_token": csrf_token(page), "mentor_id": str(people["mentor"]), "scenario_key": SCENARIO, "note": TYPED}
    assert client.post(ask, data=data).status_code in (200, 302)
    if not sent(app):  # the children's-names check held the note back: saved as typed on the second post
        client.post(ask, data={**data, "csrf_token": csrf_token(client.get(ask).get_data(as_text=True))})
    [message] = sent(app)
    assert message.recipient_id == people["mentor"] and message.kind == "observation_requested"
    assert message.subject == "Tia Trainee asked you to observe them"
    assert "Dear Mo Mentor" in message.body and f"observe them for ‘{SCENARIO_TITLE}’" in message.body
    _clean(message)
    assert f"Tia Trainee: {SCENARIO_TITLE}" in _opens(app, "mentor@example.org", message.path)


def test_the_trainee_is_told_a_request_was_accepted_with_the_planned_date(app, enrolment_id, people):
    planned = TODAY + timedelta(days=10)
    with app.app_context():
        request_id = requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO, TYPED).id
        requests.accept(request_id, people["mentor"], planned, TODAY)
    [message] = sent(app, "request_accepted")
    assert message.recipient_id == people["trainee"]
    assert message.subject == f"Your mentor will observe you on {format_date(planned)}"
    assert f"Mo Mentor has accepted your request to be observed for ‘{SCENARIO_TITLE}’" in message.body
    _clean(message)
    assert [m.recipient_id for m in sent(app)] == [people["mentor"], people["trainee"]]  # nobody told of their own act
    assert "Mo Mentor" in _opens(app, "trainee@example.org", message.path)


def test_a_declined_request_is_told_without_the_mentors_reason(app, enrolment_id, people):
    with app.app_context():
        request_id = requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO).id
        requests.decline(request_id, people["mentor"], TYPED)
    [message] = sent(app, "request_declined")
    assert message.recipient_id == people["trainee"] and "has declined your request" in message.body
    assert message.subject == "Your mentor declined your request to be observed"
    _clean(message)
    assert TYPED in _opens(app, "trainee@example.org", message.path)  # the page tells why


def test_a_request_that_loses_a_race_writes_no_email(app, enrolment_id, people):
    """The same request posted twice at once: the second is refused at its flush, and the email it
    was about to write goes with it (simulated as in test_lifecycle: the first lands just before)."""
    with app.app_context():
        an_open_request_lands_first(enrolment_id, people["mentor"], SCENARIO)
        with pytest.raises(Invalid, match="already asked this mentor"):
            requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO)
    assert sent(app) == []


def test_an_answer_whose_commit_fails_writes_no_email(app, enrolment_id, people):
    with app.app_context():
        request_id = requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO).id
    with failing_commit(app):
        requests.accept(request_id, people["mentor"], TODAY, TODAY)
    assert sent(app, "request_accepted") == []


# ---- observations --------------------------------------------------------------------------


def test_a_submitted_observation_is_told_to_the_trainee_with_no_mark_in_it(app, enrolment_id, people):
    observation_id = _observe(app, enrolment_id, people["mentor"])
    [message] = sent(app)
    assert message.recipient_id == people["trainee"] and message.kind == "observation_submitted"
    assert message.subject == "Your mentor recorded an observation of you"
    assert f"Mo Mentor has recorded an observation of you for ‘{SCENARIO_TITLE}’ on {YESTERDAY}" in message.body
    _clean(message)
    assert message.path == f"/assessments/my-training/observations/{observation_id}"
    assert "Outcome" in _opens(app, "trainee@example.org", message.path)  # the page shows it, not the email


def test_a_submit_whose_commit_fails_writes_no_email(app, enrolment_id, people):
    draft = _observe(app, enrolment_id, people["mentor"], submit=False)
    with app.app_context():
        version = db.session.get(Observation, draft).lock_version
    with failing_commit(app):
        services.submit_observation(draft, people["mentor"], version)
    assert sent(app, "observation_submitted") == []


def test_a_new_draft_invites_the_trainee_to_rate_themselves_once(app, enrolment_id, people):
    draft = _observe(app, enrolment_id, people["mentor"], submit=False)
    with app.app_context():
        observation = db.session.get(Observation, draft)
        given = services.ObservationInput(
            SCENARIO,
            observation.observed_on,
            "Hall",
            (),
            observation.evidence,
            "k1",
            lock_version=observation.lock_version,
        )
        services.record_observation(enrolment_id, people["mentor"], given, TODAY, draft)  # changed: no second email
    [message] = sent(app)
    assert message.kind == "self_assessment_invitation" and message.recipient_id == people["trainee"]
    assert message.subject == "Rate yourself before your mentor submits their observation"
    assert f"Mo Mentor has started recording an observation of you for ‘{SCENARIO_TITLE}’" in message.body
    _clean(message)
    assert "Rate yourself" in _opens(app, "trainee@example.org", message.path)


def test_a_correction_is_told_to_the_trainee_without_its_reason(app, enrolment_id, people):
    observation_id = _observe(app, enrolment_id, people["mentor"])
    with app.app_context():
        found = db.session.get(Observation, observation_id)
        given = services.AmendmentInput(found.observed_on, "Hall", ("Parents or carers",), _evidence((3,) * 6))
        services.amend_observation(observation_id, people["mentor"], given, TYPED, found.lock_version, TODAY)
    [message] = sent(app, "observation_corrected")
    assert message.recipient_id == people["trainee"] and "has corrected their observation" in message.body
    assert message.subject == "Your mentor corrected an observation of you"
    _clean(message)
    assert TYPED in _opens(app, "trainee@example.org", message.path)


def test_a_next_step_is_told_to_the_trainee_without_its_text(app, enrolment_id, people):
    observation_id = _observe(app, enrolment_id, people["mentor"])
    with app.app_context():
        feedback.set_next_step(observation_id, people["mentor"], "child-voice", TYPED)
        feedback.set_next_step(observation_id, people["mentor"], "chairing", "Another step")  # replaced: told once
    [message] = sent(app, "next_step_set")
    assert message.recipient_id == people["trainee"] and "has set you a next step" in message.body
    assert message.subject == "Your mentor set you a next step"
    _clean(message)
    assert "Another step" in _opens(app, "trainee@example.org", message.path)


# ---- moderation and appeals ----------------------------------------------------------------


@pytest.fixture
def held(app, cohort_id, people, enrolment_id, make_person) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """A submitted observation in a sample of a cohort that holds results back: (observation, item, moderator)."""
    moderator_id = make_person("moderator@example.org", Role.MODERATOR, name="Mia Moderator")
    observation_id = _observe(app, enrolment_id, people["mentor"])
    item_id = _sample_of(app, cohort_id, moderator_id, [observation_id])
    with app.app_context():
        moderation.set_policy(cohort_id, "0.6", 10, hold_results=True)
    return observation_id, item_id, moderator_id


def test_a_next_step_of_a_held_observation_is_not_told(app, held, people):
    observation_id, _item, _moderator = held
    with app.app_context():
        feedback.set_next_step(observation_id, people["mentor"], "child-voice", "Ask first")
    assert sent(app, "next_step_set") == []


def test_the_same_marks_release_the_result_to_the_trainee_and_tell_the_mentor(app, held, people):
    observation_id, item_id, moderator_id = held
    with app.app_context():
        moderation.record_marks(observation_id, moderator_id, _evidence((3, 3, 2, 3, 3, 3)))
    trainee, mentor = sent(app, "moderation_released"), sent(app, "moderation_finished")
    assert [m.recipient_id for m in trainee] == [people["trainee"]]
    assert [m.recipient_id for m in mentor] == [people["mentor"]]
    assert trainee[0].subject == "The result of your observation is ready"
    assert mentor[0].subject == "The moderation of your observation of Tia Trainee is finished"
    assert f"The moderation of your observation for ‘{SCENARIO_TITLE}’" in trainee[0].body
    assert f"your observation of Tia Trainee for ‘{SCENARIO_TITLE}’" in mentor[0].body
    for message in trainee + mentor:
        _clean(message)
    assert moderator_id not in {m.recipient_id for m in sent(app)}
    assert "Outcome" in _opens(app, "trainee@example.org", trainee[0].path)
    _opens(app, "mentor@example.org", mentor[0].path)


def test_differing_marks_release_nothing_until_agreed_and_the_mentor_who_agrees_is_not_told(app, held, people):
    observation_id, item_id, moderator_id = held
    with app.app_context():
        moderation.record_marks(observation_id, moderator_id, _evidence((3,) * 6))
    assert sent(app, "moderation_released") == []  # still held: not a word
    with app.app_context():
        moderation.agree(item_id, people["mentor"], _evidence((3,) * 6), TYPED)
    [released] = sent(app, "moderation_released")
    assert released.recipient_id == people["trainee"]
    _clean(released)
    assert sent(app, "moderation_finished") == []  # the mentor agreed it themselves


def test_a_mentor_removed_from_the_enrolment_is_not_told(app, held, people, enrolment_id):
    observation_id, _item, moderator_id = held
    with app.app_context():
        db.session.execute(delete(enrolment_mentor).where(enrolment_mentor.c.mentor_id == people["mentor"]))
        db.session.commit()
        moderation.record_marks(observation_id, moderator_id, _evidence((3, 3, 2, 3, 3, 3)))
    assert sent(app, "moderation_finished") == []
    assert len(sent(app, "moderation_released")) == 1


def test_no_longer_holding_results_releases_each_held_one_to_its_trainee(app, cohort_id, held, people):
    observation_id, _item, _moderator = held
    with app.app_context():
        moderation.set_policy(cohort_id, "0.6", 10, hold_results=False, actor_id=people["other_mentor"])
    [message] = sent(app, "moderation_released")
    assert message.recipient_id == people["trainee"] and "no longer held back" in message.body
    assert message.path == f"/assessments/my-training/observations/{observation_id}"
    _clean(message)
    assert "Outcome" in _opens(app, "trainee@example.org", message.path)


def test_an_appeal_goes_to_moderators_who_may_decide_it_and_its_decision_to_the_trainee(app, held, people, make_person):
    observation_id, item_id, moderator_id = held
    reviewer = make_person("reviewer@example.org", Role.MODERATOR, name="Rae Reviewer")
    make_person("gone@example.org", Role.MODERATOR, name="Gil Gone", active=False)
    with app.app_context():
        moderation.record_marks(observation_id, moderator_id, _evidence((3, 3, 2, 3, 3, 3)))
        appeal_id = appeals.ask(observation_id, people["trainee"], TYPED).id
        appeals.ask(observation_id, people["trainee"], TYPED + " again")  # a changed reason: not told again
    [received] = sent(app, "appeal_received")  # not the moderator who marked it, not the deactivated one
    assert received.recipient_id == reviewer
    assert received.subject == "A trainee asked for a review of a moderated judgement"
    assert "Tia Trainee has asked for a review" in received.body
    _clean(received)
    assert "Tia Trainee" in _opens(app, "reviewer@example.org", received.path)
    with app.app_context():
        appeals.decide(appeal_id, reviewer, "upheld", TYPED)
    [decided] = sent(app, "appeal_decided")
    assert decided.recipient_id == people["trainee"] and "A moderator has reviewed" in decided.body
    assert decided.subject == "Your request for a review has been decided"
    _clean(decided)
    assert TYPED in _opens(app, "trainee@example.org", decided.path)


def test_a_decision_whose_commit_fails_writes_no_email(app, held, people, make_person):
    observation_id, _item, moderator_id = held
    reviewer = make_person("reviewer@example.org", Role.MODERATOR, name="Rae Reviewer")
    with app.app_context():
        moderation.record_marks(observation_id, moderator_id, _evidence((3, 3, 2, 3, 3, 3)))
        appeal_id = appeals.ask(observation_id, people["trainee"], "Please look again").id
    with failing_commit(app):
        appeals.decide(appeal_id, reviewer, "upheld", "It stands")
    assert sent(app, "appeal_decided") == []


# ---- people ---------------------------------------------------------------------------------


def test_a_deactivated_trainee_is_told_nothing(app, enrolment_id, people):
    with app.app_context():
        db.session.get(User, people["trainee"]).active = False
        db.session.commit()
    _observe(app, enrolment_id, people["mentor"])
    assert sent(app) == []


def test_erasing_a_trainee_takes_their_name_out_of_emails_written_for_others(app, enrolment_id, people):
    from core.privacy.erasure import erase_person

    with app.app_context():
        requests.ask(enrolment_id, people["trainee"], people["mentor"], SCENARIO)
        erase_person(people["trainee"])
        bodies = list(db.session.scalars(select(Message.subject + Message.body)))
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1  # the mentor's, kept
    assert bodies and not any("Tia Trainee" in b for b in bodies)


def test_a_trainees_export_lists_their_emails_naming_nobody_else(app, enrolment_id, people):
    from core.privacy import export

    _observe(app, enrolment_id, people["mentor"])
    with app.app_context():
        data = json.loads(export.collect(people["trainee"]).to_json())
    [email] = data["data"]["Emails"]["message"]
    assert "another person has recorded an observation of you" in email["body"]
    assert "Dear Tia Trainee" in email["body"] and "Mo Mentor" not in email["body"]
