"""Use cases of the assessments room: cohorts, enrolments, observations and progress.

Each function takes ids and plain values and owns its transaction. Rules live elsewhere: the
SENCO duty in :mod:`assessments.deadlines`, scoring and sign-off in :mod:`competencies.engine`.
One module a subject beside this one (:mod:`.cohorts`, :mod:`.enrolments`, :mod:`.scope`,
:mod:`.observations`, :mod:`.feedback`, :mod:`.requests`, :mod:`.dashboard`…); what pages, the
CLI and the API call most is re-exported here.
"""

from __future__ import annotations

from assessments.services.cohorts import (
    DEFAULT_AGGREGATION,
    DEFAULT_SIGN_OFF,
    create_cohort,
    current_rubric,
    get_cohort,
    list_cohorts,
    published_versions,
)
from assessments.services.enrolments import DutyView, EnrolmentInput, enrol, people_with, senco_duty
from assessments.services.observations import (
    AmendmentInput,
    ObservationInput,
    ObservationView,
    ScenarioProgress,
    amend_observation,
    explained,
    get_observation_for_mentor,
    history,
    observations_of,
    progress,
    progress_of,
    record_observation,
    scenarios_of,
    submit_observation,
)
from assessments.services.scope import (
    enrolment_for_mentor,
    enrolment_for_trainee,
    mentor_enrolments,
    trainee_enrolments,
)

__all__ = [
    "DEFAULT_AGGREGATION",
    "DEFAULT_SIGN_OFF",
    "AmendmentInput",
    "DutyView",
    "EnrolmentInput",
    "ObservationInput",
    "ObservationView",
    "ScenarioProgress",
    "amend_observation",
    "create_cohort",
    "current_rubric",
    "enrol",
    "enrolment_for_mentor",
    "enrolment_for_trainee",
    "explained",
    "get_cohort",
    "get_observation_for_mentor",
    "history",
    "list_cohorts",
    "mentor_enrolments",
    "observations_of",
    "people_with",
    "progress",
    "progress_of",
    "published_versions",
    "record_observation",
    "scenarios_of",
    "senco_duty",
    "submit_observation",
    "trainee_enrolments",
]
