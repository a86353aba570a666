"""The assessments room's tables, one module a subject; importing this package registers them all
(the app, Alembic and the tests see every table), and every name is importable from here.

- :mod:`~assessments.models.limits`: the lengths of what people write;
- :mod:`~assessments.models.cohorts`: cohorts, enrolments, training-status changes, the case study;
- :mod:`~assessments.models.observations`: observations, their corrections, self-assessments and
  next steps;
- :mod:`~assessments.models.requests`: trainees' requests to be observed;
- :mod:`~assessments.models.moderation`: samples, second marking and a cohort's moderation settings;
- :mod:`~assessments.models.appeals`: appeals against a moderated judgement;
- :mod:`~assessments.models.calibration`: exemplars and mentors' attempts at them.
"""

from __future__ import annotations

from assessments.models.appeals import APPEAL_REASON_MAX_LENGTH, AppealStatus, ModerationAppeal
from assessments.models.calibration import (
    EXEMPLAR_ACCOUNT_MAX_LENGTH,
    EXEMPLAR_TITLE_MAX_LENGTH,
    CalibrationAttempt,
    CalibrationExemplar,
)
from assessments.models.cohorts import CaseStudy, Cohort, Enrolment, EnrolmentStatusChange, enrolment_mentor
from assessments.models.limits import (
    KEY_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NEXT_STEP_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    PRESENT_NOTES_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REFLECTION_MAX_LENGTH,
    SCHOOL_MAX_LENGTH,
    SETTING_MAX_LENGTH,
)
from assessments.models.moderation import (
    AGREED_REASON_MAX_LENGTH,
    GAP_MAX,
    SEED_MAX_LENGTH,
    ModerationItem,
    ModerationPolicy,
    ModerationSample,
    SampleMethod,
)
from assessments.models.observations import (
    NextStep,
    NextStepStatus,
    Observation,
    ObservationRevision,
    ObservationStatus,
    SelfAssessment,
)
from assessments.models.requests import ObservationRequest, RequestStatus

__all__ = [
    "AGREED_REASON_MAX_LENGTH",
    "APPEAL_REASON_MAX_LENGTH",
    "EXEMPLAR_ACCOUNT_MAX_LENGTH",
    "EXEMPLAR_TITLE_MAX_LENGTH",
    "GAP_MAX",
    "KEY_MAX_LENGTH",
    "NAME_MAX_LENGTH",
    "NEXT_STEP_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "PRESENT_NOTES_MAX_LENGTH",
    "REASON_MAX_LENGTH",
    "REFLECTION_MAX_LENGTH",
    "SCHOOL_MAX_LENGTH",
    "SEED_MAX_LENGTH",
    "SETTING_MAX_LENGTH",
    "AppealStatus",
    "CalibrationAttempt",
    "CalibrationExemplar",
    "CaseStudy",
    "Cohort",
    "Enrolment",
    "EnrolmentStatusChange",
    "ModerationAppeal",
    "ModerationItem",
    "ModerationPolicy",
    "ModerationSample",
    "NextStep",
    "NextStepStatus",
    "Observation",
    "ObservationRequest",
    "ObservationRevision",
    "ObservationStatus",
    "RequestStatus",
    "SampleMethod",
    "SelfAssessment",
    "enrolment_mentor",
]
