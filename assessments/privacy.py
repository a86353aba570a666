"""What the assessments room holds about people, for the privacy registry (core.privacy): enrolments,
observations and everything written on them, moderation, appeals and calibration.

Observations and everything attached to them are kept for 6 years after the cohort ends (the
"observations" retention kind): the record of an NPQ assessment must outlive the course.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from assessments.services import erasure, subject_access
from core import privacy
from core.privacy import Basis, Erase, Export, ImpersonalTable, PersonalField, PersonalTable

TRAINEE_SIDE = "the trainee, their mentors, designers, administrators"
MODERATION_SIDE = "the trainee, the mentor, moderators, designers, administrators"
PROVIDER_STAFF = "designers, administrators"
MENTOR_OWN = "the mentor, designers, administrators"


def _field(
    holds: str, seen_by: str = TRAINEE_SIDE, export: str = Export.AS_IS, erase: str = Erase.KEEP
) -> PersonalField:
    # The assessments record is held to deliver the NPQ the trainee is enrolled on: a contract.
    return PersonalField(holds, Basis.CONTRACT, seen_by, export, erase)


def _author(who: str, seen_by: str = TRAINEE_SIDE) -> PersonalField:
    # Who wrote a record about someone else: the record stays and keeps pointing at the author's
    # account, which erasure turns into a tombstone ("Erased person 17") that names nobody; a
    # sign-off counts different observers and moderation statistics count markers by account.
    return _field(who, seen_by, Export.OTHERS_REMOVED, Erase.ANONYMISE)


COHORT = PersonalTable(
    "cohort",
    {"rubric_moves": _author("each move to another rubric version, with the id of who made it", PROVIDER_STAFF)},
    retention="observations",
    title="Rubric versions you moved a cohort to",
    not_personal=("name",),  # the cohort's name, chosen by the provider ("Spring 2026")
)
ENROLMENT = PersonalTable(
    "enrolment",
    {
        "trainee_id": _field("whose enrolment it is (kept for the cohort's register)", erase=Erase.ANONYMISE),
        "school": _field("the trainee's school", erase=Erase.ANONYMISE),
        "became_senco": _field("when the trainee became a SENCO", erase=Erase.ANONYMISE),
        "earlier_senco_months": _field("months served as a SENCO before, as stated", erase=Erase.ANONYMISE),
        "earlier_service": _field("earlier periods as a SENCO, here or elsewhere", erase=Erase.ANONYMISE),
        "head_teacher": _field("whether the trainee is a head teacher acting as SENCO", erase=Erase.ANONYMISE),
        "nasenco_started": _field("when the trainee started the NASENCO award", erase=Erase.ANONYMISE),
        "nasenco_completed": _field("when the trainee completed the NASENCO award", erase=Erase.ANONYMISE),
        "training_status": _field(
            "whether the trainee is training, deferred or withdrawn (kept for the register and the DfE)",
            erase=Erase.KEEP,
        ),
        "status_reason": _field("the DfE's reason for the latest deferral or withdrawal", erase=Erase.NULL),
        "status_changed_at": _field("when the training status last changed", erase=Erase.KEEP),
    },
    retention="enrolments",
    title="Enrolments",
    not_personal=("cohort_id",),  # refers to the cohort, not to a person
)
ENROLMENT_MENTOR = PersonalTable(
    "enrolment_mentor",
    {
        "enrolment_id": _field("the trainee a mentor is assigned to", erase=Erase.KEEP),
        "mentor_id": _field("a mentor assigned to the trainee", erase=Erase.DELETE),
    },
    retention="enrolments",
    title="Trainees you mentor",
)
ENROLMENT_STATUS_CHANGE = PersonalTable(
    "enrolment_status_change",
    {
        "enrolment_id": _field("the trainee withdrawn, deferred or resumed", PROVIDER_STAFF, erase=Erase.KEEP),
        "from_status": _field("the training status before the change", PROVIDER_STAFF, erase=Erase.KEEP),
        "to_status": _field("the training status after the change (told to the DfE)", PROVIDER_STAFF, erase=Erase.KEEP),
        "reason": _field("the DfE's reason code for the change", PROVIDER_STAFF, erase=Erase.NULL),
        "changed_at": _field("when the training status changed", PROVIDER_STAFF, erase=Erase.KEEP),
        "changed_by_id": _author("who changed the training status", PROVIDER_STAFF),
        "note": _field("a note on the change, in the changer's words", PROVIDER_STAFF, erase=Erase.ANONYMISE),
    },
    retention="enrolments",
    title="Changes of training status",
)
OBSERVATION = PersonalTable(
    "observation",
    {
        "enrolment_id": _field("the trainee observed (kept: moderation statistics count it)", erase=Erase.ANONYMISE),
        "observer_id": _author("the mentor who observed"),
        "observed_on": _field("the day of the observation", erase=Erase.KEEP),
        "setting": _field("where the observation took place", erase=Erase.ANONYMISE),
        "present": _field("who was present, by role (never children's names)", erase=Erase.KEEP),
        "present_notes": _field("notes on who was present, by role", erase=Erase.ANONYMISE),
        "evidence": _field("the marks and comments the mentor wrote about the trainee", erase=Erase.ANONYMISE),
        "result": _field("the outcome the rubric gave", erase=Erase.ANONYMISE),
        "reflection": _field("the trainee's own reflection on the observation", erase=Erase.ANONYMISE),
        "reflected_at": _field("when the trainee wrote the reflection", erase=Erase.NULL),
    },
    retention="observations",
    title="Observations",
)
OBSERVATION_REVISION = PersonalTable(
    "observation_revision",
    {
        "observation_id": _field("the observation corrected", erase=Erase.KEEP),
        "author_id": _author("who corrected it"),
        "reason": _field("why it was corrected, in the corrector's words", erase=Erase.ANONYMISE),
        "before": _field("the observation's marks and comments before the correction", erase=Erase.ANONYMISE),
        "after": _field("the observation's marks and comments after the correction", erase=Erase.ANONYMISE),
    },
    retention="observations",
    title="Corrections to observations",
)
OBSERVATION_REQUEST = PersonalTable(
    "observation_request",
    {
        "enrolment_id": _field("the trainee who asked to be observed", erase=Erase.DELETE),
        "mentor_id": _field("the mentor asked", export=Export.OTHERS_REMOVED, erase=Erase.DELETE),
        "note": _field("the trainee's note to the mentor", erase=Erase.DELETE),
        "decline_reason": _field("why the mentor declined, in their words", erase=Erase.DELETE),
        "planned_on": _field("the day the mentor planned to observe", erase=Erase.DELETE),
        "observation_id": _field("the observation that answered it", erase=Erase.DELETE),
    },
    retention="observations",
    title="Requests to be observed",
)
SELF_ASSESSMENT = PersonalTable(
    "self_assessment",
    {
        "observation_id": _field("the observation it belongs to", erase=Erase.DELETE),
        "ratings": _field("the trainee's own levels on each criterion", erase=Erase.DELETE),
    },
    retention="observations",
    title="Self-assessments",
)
NEXT_STEP = PersonalTable(
    "next_step",
    {
        "observation_id": _field("the observation it was set on", erase=Erase.DELETE),
        "enrolment_id": _field("the trainee it is for", erase=Erase.DELETE),
        "text": _field("what the mentor asked the trainee to work on next", erase=Erase.DELETE),
        "set_by_id": _author("the mentor who set it"),
    },
    retention="observations",
    title="Next steps",
)
CASE_STUDY = PersonalTable(
    "case_study",
    {
        "enrolment_id": _field("the trainee's case study (kept for the cohort's register)", erase=Erase.KEEP),
        "submitted_on": _field("when the trainee submitted it (kept for the cohort's register)", erase=Erase.KEEP),
        "result": _field("the DfE's result (kept for the cohort's register)", erase=Erase.KEEP),
        "result_on": _field("when the result came (kept for the cohort's register)", erase=Erase.KEEP),
        "updated_by_id": _author("who last changed the record"),
    },
    retention="observations",
    title="Case study",
    not_personal=("window_opens", "window_closes"),  # the cohort's submission window, the same for all
)
MODERATION_SAMPLE = PersonalTable(
    "moderation_sample",
    {
        "drawn_by_id": _author("who drew the sample", PROVIDER_STAFF),
        "candidates": _field(
            "the observations it was drawn from, with the id of each observation's mentor",
            "moderators, designers, administrators",
            Export.NOT_EXPORTED,  # ids only: the sampled observations are exported as moderation items
            Erase.KEEP,  # the draw must be repeatable to be checked; ids name nobody once the account is erased
        ),
    },
    retention="observations",
    title="Moderation samples you drew",
)
MODERATION_ITEM = PersonalTable(
    "moderation_item",
    {
        "observation_id": _field("the trainee's observation second-marked", MODERATION_SIDE, erase=Erase.KEEP),
        "moderator_id": _author("the moderator who second-marked it", MODERATION_SIDE),
        "moderator_evidence": _field("the moderator's marks and comments", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "moderator_result": _field("the outcome of the moderator's marks", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "agreed_evidence": _field("the agreed marks", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "agreed_result": _field("the agreed outcome", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "agreed_reason": _field(
            "why the judgement was agreed, in the markers' words", MODERATION_SIDE, erase=Erase.ANONYMISE
        ),
        "agreed_by_id": _author("who agreed the judgement", MODERATION_SIDE),
    },
    retention="observations",
    title="Moderation (second marking)",
    not_personal=("sample_id",),  # the sample it was drawn in (a cohort's), not a person
)
MODERATION_APPEAL = PersonalTable(
    "moderation_appeal",
    {
        "item_id": _field("the moderated judgement appealed against", MODERATION_SIDE, erase=Erase.KEEP),
        "trainee_id": _field("the trainee who appealed", MODERATION_SIDE, erase=Erase.NULL),
        "reason": _field("why the trainee asked for a review, in their words", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "reviewer_id": _author("who reviewed the appeal", MODERATION_SIDE),
        "decision_reason": _field("why the reviewer decided as they did", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "previous_result": _field("the judgement appealed against", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "new_evidence": _field("the reviewer's new marks", MODERATION_SIDE, erase=Erase.ANONYMISE),
        "new_result": _field("the new judgement", MODERATION_SIDE, erase=Erase.ANONYMISE),
    },
    retention="observations",
    title="Appeals",
)
CALIBRATION_EXEMPLAR = PersonalTable(
    "calibration_exemplar",
    {"created_by_id": _author("who wrote the exemplar", "mentors, designers, administrators")},
    retention="calibration",
    title="Calibration exemplars you wrote",
    # A written account of practice made up for calibration, and its agreed marks: no real person.
    not_personal=("account", "evidence"),
)
CALIBRATION_ATTEMPT = PersonalTable(
    "calibration_attempt",
    {
        "mentor_id": _field("the mentor who scored the exemplar", MENTOR_OWN, erase=Erase.DELETE),
        "evidence": _field("the mentor's marks for the exemplar", MENTOR_OWN, erase=Erase.DELETE),
        "result": _field("how the mentor's marks compared with the agreed ones", MENTOR_OWN, erase=Erase.DELETE),
    },
    retention="calibration",
    title="Calibration attempts",
    not_personal=("exemplar_id",),  # the exemplar scored, which describes no real person
)


class AssessmentsProvider(privacy.Provider):
    name = "Assessments"
    tables = (
        COHORT,
        ENROLMENT,
        ENROLMENT_MENTOR,
        ENROLMENT_STATUS_CHANGE,
        OBSERVATION,
        OBSERVATION_REVISION,
        OBSERVATION_REQUEST,
        SELF_ASSESSMENT,
        NEXT_STEP,
        CASE_STUDY,
        MODERATION_SAMPLE,
        MODERATION_ITEM,
        MODERATION_APPEAL,
        CALIBRATION_EXEMPLAR,
        CALIBRATION_ATTEMPT,
    )
    # A cohort's settings: the sampling rates for new mentors in general, not for a person.
    impersonal = (ImpersonalTable("moderation_policy", ("new_mentor_first", "new_mentor_rate")),)

    def erase(self, person_id: int) -> list[str]:
        return erasure.erase(person_id)

    def export(self, person_id: int) -> dict[str, list[dict[str, Any]]]:
        return subject_access.export(person_id)


def init_app(app: Flask) -> None:
    privacy.register(app, AssessmentsProvider())
