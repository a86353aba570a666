"""Participants and outcomes: telling the DfE what changed here, and reading back what it holds.

Telling (a queue, :class:`~dfe.models.DfeReport`): :mod:`.reporting` queues a report when a
trainee is withdrawn, deferred or resumed, when a case-study result is recorded after the
``completed`` declaration, and on "Change schedule"; :mod:`.sending` sends the queue (job
``dfe-reports``), oldest first, each report claimed by one conditional UPDATE so two runners
never send it twice. Guidance pages ``how-to-guides/view-and-update-participant-data.md`` and
``submit-participant-outcomes.md`` under ``app/views/api/guidance/`` of DFE-Digital/npq-registration.

Reading (two sync readers, :mod:`.reading`): ``participants`` into DfeParticipant's training
status, schedule and cohort, and ``outcomes`` into :class:`~dfe.models.DfeOutcome`.

:mod:`.pages` holds the participants page: here beside the DfE. The package re-exports the
public names of its modules, so callers keep writing ``participants.change_schedule``.
"""

from __future__ import annotations

from flask import Flask

from dfe.participants import reading, reporting, sending
from dfe.participants.pages import Standing, standings
from dfe.participants.reading import senco_enrolment, upsert_outcome, upsert_participant
from dfe.participants.reporting import (
    CHOOSE_SCHEDULE,
    KIND_WORDS,
    OUTCOME_FOR_RESULT,
    REPORT_FOR_STATUS,
    change_schedule,
    participant_of,
    queue,
    send_again,
)
from dfe.participants.sending import (
    JOB_KIND,
    REQUEST_TYPES,
    RETRY_AFTER_SECONDS,
    STATUS_AFTER,
    Sent,
    body_for,
    claim,
    path_for,
    request_sending,
    retry_after,
    send_due,
    start_if_due,
)

__all__ = [
    "CHOOSE_SCHEDULE",
    "JOB_KIND",
    "KIND_WORDS",
    "OUTCOME_FOR_RESULT",
    "REPORT_FOR_STATUS",
    "REQUEST_TYPES",
    "RETRY_AFTER_SECONDS",
    "STATUS_AFTER",
    "Sent",
    "Standing",
    "body_for",
    "change_schedule",
    "claim",
    "init_app",
    "participant_of",
    "path_for",
    "queue",
    "request_sending",
    "retry_after",
    "send_again",
    "send_due",
    "senco_enrolment",
    "standings",
    "start_if_due",
    "upsert_outcome",
    "upsert_participant",
]


def init_app(app: Flask) -> None:
    """The signals that queue reports, the sender's job kind and checks, then the two sync readers."""
    reporting.init_app()
    sending.init_app(app)
    reading.init_app()
