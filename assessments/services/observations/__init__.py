"""Observations: a mentor records, scores, submits and corrects them; progress is read from them.

The package re-exports the public names of :mod:`.recording`, :mod:`.corrections` and
:mod:`.progress` (and ``scored_result``, which appeals and moderation score with), so callers keep
importing from ``assessments.services.observations``.
"""

from assessments.services.observations.corrections import (
    IN_SAMPLE,
    RevisionView,
    amend_observation,
    history,
    titles_of,
)
from assessments.services.observations.progress import (
    ObservationView,
    ScenarioProgress,
    agreed_results,
    explained,
    observations_of,
    overall,
    progress,
    progress_of,
)
from assessments.services.observations.recording import (
    CHANGED_SINCE,
    KEY_USED,
    NOT_YOUR_DRAFT,
    PRESENT_MAX,
    AmendmentInput,
    ObservationInput,
    Tell,
    earlier_record,
    get_observation_for_mentor,
    rateable_criteria,
    record_observation,
    record_or_replay,
    scenarios_for,
    scenarios_of,
    scored_result,
    submit_observation,
)

__all__ = [
    "AmendmentInput",
    "CHANGED_SINCE",
    "IN_SAMPLE",
    "KEY_USED",
    "NOT_YOUR_DRAFT",
    "ObservationInput",
    "ObservationView",
    "PRESENT_MAX",
    "RevisionView",
    "ScenarioProgress",
    "Tell",
    "scored_result",
    "agreed_results",
    "amend_observation",
    "earlier_record",
    "explained",
    "get_observation_for_mentor",
    "history",
    "observations_of",
    "overall",
    "progress",
    "progress_of",
    "rateable_criteria",
    "record_observation",
    "record_or_replay",
    "scenarios_for",
    "scenarios_of",
    "submit_observation",
    "titles_of",
]
