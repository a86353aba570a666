"""Recording observations from a script: one record per idempotency key, however often it is sent.

A client that loses the answer (a timeout, a server restarted mid-request) sends the same key
again and gets the record the first attempt made, never a second one. The unique index on
``observation.idempotency_key`` is what guarantees it when two attempts race; the look-up
here only saves the work of scoring again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from assessments.models import Observation
from assessments.services import observations as observing
from assessments.services.scope import enrolment_for_mentor
from core.problems import Invalid

IDEMPOTENCY_KEY_MAX_LENGTH = 64  # the observation.idempotency_key column
IDEMPOTENCY_KEY_PATTERN = rf"^[A-Za-z0-9._:-]{{8,{IDEMPOTENCY_KEY_MAX_LENGTH}}}$"  # e.g. a UUID
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
KEY_MESSAGE = (
    "Send an idempotency key of 8 to 64 letters, digits, dots, colons, hyphens or underscores, for example a UUID"
)


def is_idempotency_key(text: str) -> bool:
    return _KEY.fullmatch(text) is not None


@dataclass(frozen=True)
class Recorded:
    observation: Observation
    replayed: bool  # True: the key had been used, and this is the record its first use made


def record_once(enrolment_id: int, observer_id: int, given: observing.ObservationInput, today: date) -> Recorded:
    """A new observation (a draft, or submitted at once), or the one this key already made."""
    if not is_idempotency_key(given.idempotency_key):
        raise Invalid(KEY_MESSAGE, "idempotency_key")
    enrolment = enrolment_for_mentor(enrolment_id, observer_id)
    if enrolment is None:
        raise Invalid("Choose one of your trainees", "enrolment_id")
    earlier = observing.earlier_record(enrolment_id, given)  # the pages' rule too
    if earlier is not None:
        return Recorded(earlier, True)
    # The date and every other rule are record_observation's, the same for the pages.
    # Two attempts at once: the loser is answered with the winner's record (see record_observation).
    return Recorded(*observing.record_or_replay(enrolment_id, observer_id, replace(given, lock_version=None), today))


def change_draft(observation_id: int, mentor_id: int, given: observing.ObservationInput, today: date) -> Observation:
    """Change a draft the mentor recorded, if nobody changed it since ``given.lock_version``."""
    found = observing.get_observation_for_mentor(observation_id, mentor_id)
    if found is None:
        raise Invalid("Choose one of your observations", "observation_id")
    same_key = replace(given, idempotency_key=found.idempotency_key, scenario_key=found.scenario_key)
    return observing.record_observation(found.enrolment_id, mentor_id, same_key, today, observation_id)
