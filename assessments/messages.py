"""What the assessments room tells people by email when something happens (issue 22).

Each ``tell_…`` is called by a service inside its transaction, before its commit: the message is
written as a row (:func:`core.messages.notify`) and sent only if the change commits.

What a message may carry: adults' names, scenario titles, dates, and one link to a page that
needs signing in. Never a level, fault, outcome or any judgement (the page decides what its reader
may see, results held for moderation included), and never text a person typed (notes, reasons,
comments, settings, next steps), which may hold a child's name. A message goes only to someone who
may open what it links to (:mod:`assessments.services.scope`), never to the person who did the thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask import Flask

from assessments.models import ModerationAppeal, ModerationItem, Observation, ObservationRequest, RequestStatus
from assessments.services import scope
from competencies import services as competency_services
from core.accounts.models import User
from core.accounts.roles import Role
from core.extensions import db
from core.layout import format_date
from core.messages import Category, MessageKind, link_to, notify, register_kind


def _kind(name: str, subject: str, why: str) -> MessageKind:
    return MessageKind(name, subject, f"messages/{name}.txt", Category.ACTIVITY, why)


OBSERVATION_REQUESTED = _kind(
    "observation_requested", "{{ trainee }} asked you to observe them", "a trainee you mentor asked you to observe them"
)
REQUEST_ACCEPTED = _kind(
    "request_accepted", "Your mentor will observe you on {{ planned_on }}", "you asked a mentor to observe you"
)
REQUEST_DECLINED = _kind(
    "request_declined", "Your mentor declined your request to be observed", "you asked a mentor to observe you"
)
OBSERVATION_SUBMITTED = _kind(
    "observation_submitted", "Your mentor recorded an observation of you", "your mentor recorded an observation of you"
)
OBSERVATION_CORRECTED = _kind(
    "observation_corrected",
    "Your mentor corrected an observation of you",
    "your mentor corrected an observation of you",
)
NEXT_STEP_SET = _kind("next_step_set", "Your mentor set you a next step", "your mentor set you a next step")
SELF_ASSESSMENT = _kind(
    "self_assessment_invitation",
    "Rate yourself before your mentor submits their observation",
    "your mentor started recording an observation of you",
)
MODERATION_RELEASED = _kind(
    "moderation_released", "The result of your observation is ready", "an observation of you was moderated"
)
MODERATION_FINISHED = _kind(
    "moderation_finished",
    "The moderation of your observation of {{ trainee }} is finished",
    "an observation you made was moderated",
)
APPEAL_RECEIVED = _kind(
    "appeal_received",
    "A trainee asked for a review of a moderated judgement",
    "you are a moderator who may review this appeal (you did not mark the observation or mentor the trainee)",
)
APPEAL_DECIDED = _kind(
    "appeal_decided", "Your request for a review has been decided", "you asked for a review of a moderated judgement"
)
KINDS = (
    OBSERVATION_REQUESTED,
    REQUEST_ACCEPTED,
    REQUEST_DECLINED,
    OBSERVATION_SUBMITTED,
    OBSERVATION_CORRECTED,
    NEXT_STEP_SET,
    SELF_ASSESSMENT,
    MODERATION_RELEASED,
    MODERATION_FINISHED,
    APPEAL_RECEIVED,
    APPEAL_DECIDED,
)
KIND_NAMES = frozenset(kind.name for kind in KINDS)


def init_app(app: Flask) -> None:
    for kind in KINDS:
        register_kind(app, kind)


# ---- who may be told ------------------------------------------------------------------------


def _trainee_of(enrolment_id: int, trainee_id: int) -> User | None:
    """The trainee, if they may still open their own enrolment (a trainee's pages need the role)."""
    enrolment = scope.enrolment_for(enrolment_id, trainee_id)
    person = db.session.get(User, trainee_id)
    if enrolment is None or enrolment.trainee_id != trainee_id or person is None or not person.has_role(Role.TRAINEE):
        return None
    return person


def _mentor_of(enrolment_id: int, mentor_id: int) -> User | None:
    """The mentor, only while they mentor the enrolment: a removed mentor is told nothing."""
    person = db.session.get(User, mentor_id)
    if person is None or not person.has_role(Role.MENTOR) or not scope.mentors_now(enrolment_id, mentor_id):
        return None
    return person


def _tell(recipient: User | None, actor_id: int | None, kind: MessageKind, about: str, **context: Any) -> None:
    """Write ``kind`` for ``recipient`` unless they are nobody to tell or did the thing themselves."""
    if recipient is None or recipient.id == actor_id:
        return
    notify(recipient, kind.name, about=about, **context)


def _flushed() -> None:
    """Every ``tell_…`` starts here: the caller's own changes are written first, so a new record
    has its id and relations, and a unique rule the change breaks reaches the caller (inside its
    own ``try``, where it answers a conflict) rather than notify's savepoint for a duplicate message."""
    db.session.flush()


def _scenario(key: str) -> str:
    found = competency_services.get_scenario(key)
    return found.title if found is not None else key


def _day(value: date | None) -> str:
    return format_date(value)


def _observed(observation: Observation) -> dict[str, str]:
    """What a message may say about an observation: whose, which scenario, which day, who observed."""
    return {
        "trainee": observation.enrolment.trainee.name,
        "mentor": observation.observer.name,
        "scenario": _scenario(observation.scenario_key),
        "observed_on": _day(observation.observed_on),
    }


def _my_observation(observation: Observation) -> str:
    return link_to("assessments.my_observation", observation_id=observation.id)


# ---- requests to be observed ----------------------------------------------------------------


def tell_observation_requested(request: ObservationRequest, actor_id: int) -> None:
    """The mentor asked: who asks, for which scenario, and the request's page to answer it."""
    _flushed()
    _tell(
        _mentor_of(request.enrolment_id, request.mentor_id),
        actor_id,
        OBSERVATION_REQUESTED,
        f"request:{request.id}:asked",
        trainee=request.enrolment.trainee.name,
        scenario=_scenario(request.scenario_key),
        link=link_to("assessments.observation_request", request_id=request.id),
    )


def tell_request_answered(request: ObservationRequest, status: str, planned_on: date | None, actor_id: int) -> None:
    """The trainee, told the answer: accepted with its date, or declined (never the mentor's reason)."""
    _flushed()
    trainee = _trainee_of(request.enrolment_id, request.enrolment.trainee_id)
    context = {
        "mentor": request.mentor.name,
        "scenario": _scenario(request.scenario_key),
        "link": link_to("assessments.my_training"),  # the trainee's requests, with the answer, are listed there
    }
    if status == RequestStatus.ACCEPTED:
        planned = _day(planned_on)
        _tell(trainee, actor_id, REQUEST_ACCEPTED, f"request:{request.id}:accepted", planned_on=planned, **context)
    elif status == RequestStatus.DECLINED:
        _tell(trainee, actor_id, REQUEST_DECLINED, f"request:{request.id}:declined", **context)


# ---- observations ---------------------------------------------------------------------------


def _trainee_reads(observation: Observation) -> User | None:
    return _trainee_of(observation.enrolment_id, observation.enrolment.trainee_id)


def tell_observation_submitted(observation: Observation, actor_id: int) -> None:
    """The trainee: an observation was recorded (its page shows them what they may see)."""
    _flushed()
    if observation.submitted:
        about = f"observation:{observation.id}:submitted"
        context = {**_observed(observation), "link": _my_observation(observation)}
        _tell(_trainee_reads(observation), actor_id, OBSERVATION_SUBMITTED, about, **context)


def tell_observation_corrected(observation: Observation, revision_number: int, actor_id: int) -> None:
    """The trainee: a submitted observation was corrected (the reason stays on its page)."""
    _flushed()
    about = f"observation:{observation.id}:corrected:{revision_number}"
    context = {**_observed(observation), "link": _my_observation(observation)}
    _tell(_trainee_reads(observation), actor_id, OBSERVATION_CORRECTED, about, **context)


def tell_self_assessment_invitation(observation: Observation, actor_id: int) -> None:
    """The trainee, while the mentor's record is a draft: they may rate themselves on it first.

    Called when a draft is first saved, and only for a rubric with criteria to rate."""
    _flushed()
    if not observation.submitted:
        about = f"observation:{observation.id}:self-assessment"
        context = {**_observed(observation), "link": _my_observation(observation)}
        _tell(_trainee_reads(observation), actor_id, SELF_ASSESSMENT, about, **context)


def tell_next_step_set(observation: Observation, held: bool, actor_id: int) -> None:
    """The trainee, once per observation: a next step is set (its text stays on the page). Not
    while the observation is held for moderation: its page is not theirs to read until then, and
    the release message sends them to it."""
    _flushed()
    if not held:
        about = f"observation:{observation.id}:next-step"
        context = {**_observed(observation), "link": _my_observation(observation)}
        _tell(_trainee_reads(observation), actor_id, NEXT_STEP_SET, about, **context)


# ---- moderation and appeals -----------------------------------------------------------------


def tell_moderation_finished(item: ModerationItem, actor_id: int) -> None:
    """Moderation of an observation is settled (the same marks, or an agreed judgement): its trainee
    may read the result, and its mentor both sets of marks."""
    _flushed()
    observation = item.observation
    context = _observed(observation)
    trainee_link = _my_observation(observation)
    about = f"moderation:{item.id}:finished"
    _tell(
        _trainee_reads(observation), actor_id, MODERATION_RELEASED, about, finished=True, link=trainee_link, **context
    )
    mentor = _mentor_of(observation.enrolment_id, observation.observer_id)  # the mentor who made it, if still theirs
    link = link_to("assessments.moderated", item_id=item.id)
    _tell(mentor, actor_id, MODERATION_FINISHED, about, link=link, **context)


def tell_results_released(observations: Iterable[Observation], actor_id: int | None) -> None:
    """The provider stopped holding results back: each trainee whose result was held may read it."""
    _flushed()
    for observation in observations:
        about = f"observation:{observation.id}:released"
        context = {**_observed(observation), "link": _my_observation(observation)}
        _tell(_trainee_reads(observation), actor_id, MODERATION_RELEASED, about, finished=False, **context)


def tell_appeal_received(appeal: ModerationAppeal, reviewers: Iterable[User], actor_id: int) -> None:
    """Each moderator who may review the appeal (the caller's rule: who did not mark it or mentor the trainee)."""
    _flushed()
    context = {
        **_observed(appeal.item.observation),
        "link": link_to("assessments.review_appeal", appeal_id=appeal.id),
    }
    for reviewer in reviewers:
        if reviewer.active and reviewer.has_role(Role.MODERATOR):
            _tell(reviewer, actor_id, APPEAL_RECEIVED, f"appeal:{appeal.id}:received", **context)


def tell_appeal_decided(appeal: ModerationAppeal, actor_id: int) -> None:
    """The trainee: their appeal is decided (never which way: the page says)."""
    _flushed()
    observation = appeal.item.observation
    context = {**_observed(observation), "link": _my_observation(observation)}
    _tell(_trainee_reads(observation), actor_id, APPEAL_DECIDED, f"appeal:{appeal.id}:decided", **context)
