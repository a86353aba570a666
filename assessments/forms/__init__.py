"""Forms of the assessments room: a cohort, an enrolment, and an observation against a rubric.

The package re-exports the forms of its modules, so views keep importing from ``assessments.forms``.
"""

from assessments.forms.case_study import (
    RESULT_CHOICES,
    AddMentorForm,
    CaseStudyForm,
    SubmissionForm,
    ascii_id,
)
from assessments.forms.cohorts import (
    GAP_MESSAGE,
    PERCENT_MESSAGE,
    RATE_MESSAGE,
    CohortForm,
    CohortSettingsForm,
    EnrolmentForm,
    EnrolmentImportForm,
    MoveRubricForm,
    TrainingStatusForm,
    settings_form,
)
from assessments.forms.marks import (
    answers_of,
    evidence_of,
    marks_form,
    observation_form,
    ratings_of,
    self_assessment_form,
)
from assessments.forms.moderation import (
    APPEAL_REASON_MESSAGE,
    DECISION_REASON_MESSAGE,
    AppealForm,
    CalibrationForm,
    RandomSampleForm,
    appeal_decision_form,
    chosen_sample_form,
    exemplar_form,
)
from assessments.forms.requests import (
    AcceptRequestForm,
    DeclineRequestForm,
    NextStepForm,
    ReflectionForm,
    RequestForm,
    ReviewNextStepForm,
)

__all__ = [
    "TrainingStatusForm",
    "APPEAL_REASON_MESSAGE",
    "AcceptRequestForm",
    "AddMentorForm",
    "AppealForm",
    "CalibrationForm",
    "CaseStudyForm",
    "CohortForm",
    "CohortSettingsForm",
    "DECISION_REASON_MESSAGE",
    "DeclineRequestForm",
    "EnrolmentForm",
    "EnrolmentImportForm",
    "GAP_MESSAGE",
    "MoveRubricForm",
    "NextStepForm",
    "PERCENT_MESSAGE",
    "RATE_MESSAGE",
    "RESULT_CHOICES",
    "RandomSampleForm",
    "ReflectionForm",
    "RequestForm",
    "ReviewNextStepForm",
    "SubmissionForm",
    "answers_of",
    "appeal_decision_form",
    "ascii_id",
    "chosen_sample_form",
    "evidence_of",
    "exemplar_form",
    "marks_form",
    "observation_form",
    "ratings_of",
    "self_assessment_form",
    "settings_form",
]
