"""What differs between this app and the DfE for one participant, in words: the rule behind the
"Differs" tag on the Participants page. Standard library only.

The DfE's guidance ("view-and-update-participant-data", DFE-Digital/npq-registration,
``app/views/api/guidance/how-to-guides/``) makes the provider responsible for keeping the DfE's
training status and schedule right, and outcomes are the provider's to submit; so each of these is
compared, and a value one side does not know yet (no sync, no cohort mapping) is not a difference.
"""

from __future__ import annotations

from dataclasses import dataclass

# The case-study results this app records (assessments.case_study_rules.CaseStudyResult values)
# and the DfE outcome state each one should be (dfe.contract.OutcomeState values).
OUTCOME_FOR_RESULT = {"passed": "passed", "not-passed": "failed"}
RESULT_WORDS = {"passed": "passed", "not-passed": "not passed", "withdrawn": "withdrawn"}
OUTCOME_WORDS = {"passed": "passed", "failed": "failed", "voided": "voided"}


@dataclass(frozen=True)
class Here:
    """What this app holds: the enrolment's training status, its case-study result (None until
    one is recorded), and the DfE schedule its cohort is mapped to (None when not mapped)."""

    training_status: str
    case_study_result: str | None = None
    schedule: str | None = None


@dataclass(frozen=True)
class AtDfe:
    """What the DfE holds, as last read: None for anything not read yet."""

    training_status: str | None = None
    schedule: str | None = None
    latest_outcome: str | None = None  # the state of the newest outcome


def _status(status: str) -> str:
    return status.replace("_", " ")


def differences(here: Here, dfe: AtDfe) -> list[str]:
    """Each difference in a sentence, the DfE's side first ("Withdrawn at the DfE, active here");
    empty when the two agree on everything both know."""
    found = []
    if dfe.training_status is not None and dfe.training_status != here.training_status:
        found.append(f"{_status(dfe.training_status).capitalize()} at the DfE, {_status(here.training_status)} here")
    if dfe.schedule is not None and here.schedule is not None and dfe.schedule != here.schedule:
        found.append(f"Schedule {dfe.schedule} at the DfE, {here.schedule} for this trainee's cohort here")
    expected = OUTCOME_FOR_RESULT.get(here.case_study_result or "")
    if expected is not None and dfe.latest_outcome != expected:
        result = RESULT_WORDS[here.case_study_result or ""]
        if dfe.latest_outcome is None:
            found.append(f"No outcome at the DfE, case study {result} here")
        else:
            found.append(
                f"Outcome {OUTCOME_WORDS.get(dfe.latest_outcome, dfe.latest_outcome)} at the DfE, case study {result} here"
            )
    elif expected is None and dfe.latest_outcome in ("passed", "failed"):
        words = RESULT_WORDS.get(here.case_study_result or "", "no result")
        found.append(f"Outcome {dfe.latest_outcome} at the DfE, case study {words} here")
    return found
