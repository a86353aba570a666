"""Erasing a person from the assessments room, in the caller's transaction (never committed here).

As a **trainee**, what others need stays, anonymised: the enrolment (a cohort's register counts it),
the observations' levels and outcomes and the moderation marks (moderation statistics and a
mentor's agreement are computed from them), the case study's dates and result. Everything that
describes the trainee goes: school and SENCO history, comments and notes written about them,
who-was-present notes, reflections, reasons for corrections, appeals and agreed judgements; each
setting is replaced by "Setting 1", "Setting 2"… (a sign-off counts different settings, so the
count is kept); requests, self-assessments and next steps are deleted.

As a **mentor, moderator or reviewer**, what they wrote about other trainees is those trainees'
record and stays, under the tombstone's name; their name or email written in it is replaced.
Their calibration attempts, their links to trainees as a mentor and open requests to them go.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, func, select

from assessments import messages
from assessments.models import (
    CalibrationAttempt,
    CalibrationExemplar,
    Enrolment,
    EnrolmentStatusChange,
    ModerationAppeal,
    ModerationItem,
    ModerationSample,
    NextStep,
    Observation,
    ObservationRequest,
    ObservationRevision,
    RequestStatus,
    SelfAssessment,
    enrolment_mentor,
)
from core.accounts.erasure import tombstone_name
from core.accounts.models import User
from core.extensions import db
from core.messages import Message
from core.messages.privacy import forget_outbox_copies

Scrub = Callable[[str], str]


def erase(person_id: int) -> list[str]:
    """Erase the person as trainee and as author; what was kept and why, in words."""
    person = db.session.get(User, person_id)
    if person is None:
        return []
    scrub = _redactor(person)
    return [*_erase_as_trainee(person_id), *_erase_as_author(person_id, scrub), *_scrub_messages(person, scrub)]


def _scrub_messages(person: User, scrub: Scrub) -> list[str]:
    """Emails this room wrote for other people name the person (the trainee who asked, the mentor
    who answered), always by their account's name: it is replaced there too. Their own emails go
    with core's erasure."""
    if not person.name.strip():
        return []
    found = db.session.scalars(
        select(Message).where(
            Message.kind.in_(sorted(messages.KIND_NAMES)),
            Message.recipient_id != person.id,
            Message.subject.contains(person.name, autoescape=True)
            | Message.body.contains(person.name, autoescape=True),
        )
    )
    changed = []
    for message in found:
        subject, body = scrub(message.subject), scrub(message.body)
        if (subject, body) != (message.subject, message.body):
            message.subject, message.body = subject, body
            changed.append(message.id)
    forget_outbox_copies(changed)  # each copy still holds the name
    return (
        [f"{_count(len(changed), 'email')} to other people naming this person kept, with the name replaced."]
        if changed
        else []
    )


# ---- the person as a trainee ----------------------------------------------------------------


def _blank(_: str) -> str:
    return ""


def _erase_as_trainee(person_id: int) -> list[str]:
    enrolments = list(db.session.scalars(select(Enrolment).where(Enrolment.trainee_id == person_id)))
    ids = [e.id for e in enrolments]
    if not ids:
        return []
    for enrolment in enrolments:
        enrolment.school = ""
        enrolment.became_senco = None
        enrolment.earlier_senco_months = 0
        enrolment.earlier_service = []
        enrolment.head_teacher = False
        enrolment.nasenco_started = None
        enrolment.nasenco_completed = None
        # The status and its dates stay (the register and the DfE's record count them); why, and
        # any note about the trainee, go: a reason may be about their health.
        enrolment.status_reason = None
    for change in db.session.scalars(select(EnrolmentStatusChange).where(EnrolmentStatusChange.enrolment_id.in_(ids))):
        change.reason = None
        change.note = ""
    observations = list(
        db.session.scalars(select(Observation).where(Observation.enrolment_id.in_(ids)).order_by(Observation.id))
    )
    observation_ids = [o.id for o in observations]
    settings = _SettingLabels()
    for observation in observations:
        place = settings.label(observation.enrolment_id, observation.setting)
        observation.setting = place
        observation.present_notes = ""
        observation.reflection = ""
        observation.reflected_at = None
        observation.evidence = _evidence(observation.evidence, _blank)
        observation.result = _result(observation.result, _blank, place)
        for revision in observation.revisions:
            revision.reason = ""
            revision.before = _snapshot(revision.before, _blank, settings, observation.enrolment_id)
            revision.after = _snapshot(revision.after, _blank, settings, observation.enrolment_id)
    items = list(db.session.scalars(select(ModerationItem).where(ModerationItem.observation_id.in_(observation_ids))))
    for item in items:
        place = item.observation.setting
        item.moderator_evidence = _evidence(item.moderator_evidence, _blank)
        item.moderator_result = _result(item.moderator_result, _blank, place)
        item.agreed_evidence = _evidence(item.agreed_evidence, _blank)
        item.agreed_result = _result(item.agreed_result, _blank, place)
        item.agreed_reason = ""
    appeals = list(
        db.session.scalars(
            select(ModerationAppeal).where(
                (ModerationAppeal.trainee_id == person_id) | ModerationAppeal.item_id.in_([i.id for i in items] or [-1])
            )
        )
    )
    for appeal in appeals:
        place = appeal.item.observation.setting
        appeal.trainee_id = None
        appeal.reason = ""
        appeal.decision_reason = ""
        appeal.previous_result = _result(appeal.previous_result, _blank, place)
        appeal.new_evidence = _evidence(appeal.new_evidence, _blank)
        appeal.new_result = _result(appeal.new_result, _blank, place)
    deleted = sum(
        db.session.execute(statement).rowcount
        for statement in (
            delete(SelfAssessment).where(SelfAssessment.observation_id.in_(observation_ids or [-1])),
            delete(NextStep).where(NextStep.enrolment_id.in_(ids)),
            delete(ObservationRequest).where(ObservationRequest.enrolment_id.in_(ids)),
        )
    )
    kept = [
        f"{_count(len(enrolments), 'enrolment')} kept, with the school, SENCO history and reasons for "
        "changes of training status removed: each cohort’s register counts its trainees, and the case "
        "study’s dates and result and the training status stay on it."
    ]
    if observations:
        kept.append(
            f"{_count(len(observations), 'observation')} of this trainee kept with their levels and outcomes "
            "only (comments, notes, reflections and corrections’ reasons removed, settings replaced by "
            "“Setting 1”, “Setting 2”…): moderation statistics and the mentors’ agreement are computed from them."
        )
    if items or appeals:
        kept.append(
            f"{_count(len(items), 'moderation mark')} and {_count(len(appeals), 'appeal')} kept without "
            "their reasons and comments: they are part of the cohort’s moderation record."
        )
    if deleted:
        kept.append(f"{deleted:,} of the trainee’s requests, self-assessments and next steps deleted.")
    return kept


class _SettingLabels:
    """Each enrolment's settings as "Setting 1", "Setting 2"… in order of first use: the count of
    different settings (which a sign-off needs) stays, the words that might identify a school go.
    Erasing again maps "Setting 1" to itself, so a second run changes nothing."""

    def __init__(self) -> None:
        self.labels: dict[tuple[int, str], str] = {}

    def label(self, enrolment_id: int, setting: str) -> str:
        key = (enrolment_id, setting)
        if key not in self.labels:
            number = 1 + sum(1 for known, _ in self.labels if known == enrolment_id)
            self.labels[key] = f"Setting {number}"
        return self.labels[key]


# ---- the person as an author (mentor, moderator, reviewer, designer) -------------------------


def _redactor(person: User) -> Scrub:
    """Replaces the person's name and email, wherever written, with the tombstone's name."""
    words = [w for w in (person.email, person.name) if len(w.strip()) >= 3]
    if not words:
        return lambda text: text
    pattern = re.compile("|".join(rf"\b{re.escape(w.strip())}\b" for w in words), re.IGNORECASE)
    replacement = tombstone_name(person.id)
    return lambda text: pattern.sub(replacement, text) if text else text


def _erase_as_author(person_id: int, scrub: Scrub) -> list[str]:
    observed = list(db.session.scalars(select(Observation).where(Observation.observer_id == person_id)))
    for observation in observed:
        observation.evidence = _evidence(observation.evidence, scrub)
        observation.present_notes = scrub(observation.present_notes)
    for revision in db.session.scalars(select(ObservationRevision).where(ObservationRevision.author_id == person_id)):
        revision.reason = scrub(revision.reason)
    for step in db.session.scalars(select(NextStep).where(NextStep.set_by_id == person_id)):
        step.text = scrub(step.text)
    for change in db.session.scalars(
        select(EnrolmentStatusChange).where(EnrolmentStatusChange.changed_by_id == person_id)
    ):
        change.note = scrub(change.note)
    marked = list(
        db.session.scalars(
            select(ModerationItem).where(
                (ModerationItem.moderator_id == person_id) | (ModerationItem.agreed_by_id == person_id)
            )
        )
    )
    for item in marked:
        item.moderator_evidence = _evidence(item.moderator_evidence, scrub)
        item.agreed_evidence = _evidence(item.agreed_evidence, scrub)
        item.agreed_reason = scrub(item.agreed_reason)
    reviewed = list(db.session.scalars(select(ModerationAppeal).where(ModerationAppeal.reviewer_id == person_id)))
    for appeal in reviewed:
        appeal.decision_reason = scrub(appeal.decision_reason)
    answered = list(
        db.session.scalars(
            select(ObservationRequest).where(
                ObservationRequest.mentor_id == person_id, ObservationRequest.status.not_in(RequestStatus.OPEN_STATES)
            )
        )
    )
    for request in answered:
        request.decline_reason = scrub(request.decline_reason)
    for exemplar in db.session.scalars(
        select(CalibrationExemplar).where(CalibrationExemplar.created_by_id == person_id)
    ):
        exemplar.title, exemplar.account = scrub(exemplar.title), scrub(exemplar.account)
    for statement in (
        delete(CalibrationAttempt).where(CalibrationAttempt.mentor_id == person_id),
        delete(ObservationRequest).where(
            ObservationRequest.mentor_id == person_id, ObservationRequest.status.in_(RequestStatus.OPEN_STATES)
        ),
        delete(enrolment_mentor).where(enrolment_mentor.c.mentor_id == person_id),
    ):
        db.session.execute(statement)
    samples = db.session.scalar(
        select(func.count()).select_from(ModerationSample).where(ModerationSample.drawn_by_id == person_id)
    )
    kept = []
    if observed:
        kept.append(
            f"{_count(len(observed), 'observation')} this person made of other trainees kept, under "
            f"“{tombstone_name(person_id)}”: they are those trainees’ records, and a sign-off counts "
            "different observers."
        )
    if marked or reviewed or samples:
        kept.append(
            f"{_count(len(marked), 'moderation mark')}, {_count(len(reviewed), 'appeal decision')} and "
            f"{_count(samples or 0, 'moderation sample')} by this person kept under "
            f"“{tombstone_name(person_id)}”: moderation statistics are computed from them."
        )
    return kept


# ---- the JSON an observation keeps ------------------------------------------------------------


def _evidence(evidence: dict[str, Any] | None, scrub: Scrub) -> dict[str, Any] | None:
    """Evidence with each judgement's comment and each fault's note passed through ``scrub``."""
    if not isinstance(evidence, dict):
        return evidence
    return {
        **evidence,
        "judgements": [_text(j, "comment", scrub) for j in evidence.get("judgements", [])],
        "faults": [_text(f, "note", scrub) for f in evidence.get("faults", [])],
    }


def _result(result: dict[str, Any] | None, scrub: Scrub, setting: str) -> dict[str, Any] | None:
    """An engine result with its faults' notes scrubbed and the observation's setting replaced."""
    if not isinstance(result, dict):
        return result
    changed = {**result, "faults": [_text(f, "note", scrub) for f in result.get("faults", [])]}
    if isinstance(result.get("observation"), dict):
        changed["observation"] = {**result["observation"], "setting": setting}
    return changed


def _snapshot(snapshot: dict[str, Any], scrub: Scrub, settings: _SettingLabels, enrolment_id: int) -> dict[str, Any]:
    """A correction's before/after copy of an observation, erased as the observation is."""
    if not isinstance(snapshot, dict):
        return snapshot
    place = settings.label(enrolment_id, str(snapshot.get("setting", "")))
    return {
        **snapshot,
        "setting": place,
        "present_notes": "",
        "evidence": _evidence(snapshot.get("evidence"), scrub),
        "result": _result(snapshot.get("result"), scrub, place),
    }


def _text(entry: Any, key: str, scrub: Scrub) -> Any:
    if isinstance(entry, dict) and isinstance(entry.get(key), str):
        return {**entry, key: scrub(entry[key])}
    return entry


def _count(number: int, noun: str, plural: str = "s") -> str:
    return f"{number:,} {noun}{'' if number == 1 else plural}"
