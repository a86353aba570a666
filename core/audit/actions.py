"""The one list of what the audit log records, with each action's words for the page."""

from __future__ import annotations

import enum

ACTION_MAX_LENGTH = 40


class Action(str, enum.Enum):
    # reading or taking a copy of someone's record
    OBSERVATION_VIEWED = "observation.viewed"
    PDF_DOWNLOADED = "pdf.downloaded"
    ZIP_DOWNLOADED = "zip.downloaded"
    CSV_EXPORTED = "csv.exported"
    EXPORT_DOWNLOADED = "export.downloaded"  # a subject access export (wired in where it is built)
    AUDIT_PURGED = "audit.purged"  # events past the retention period removed
    MESSAGE_VIEWED = "message.viewed"  # an email's text read on the Outbox page
    # administrative changes
    PERSON_ADDED = "person.added"
    PERSON_DETAILS_CHANGED = "person.details_changed"
    PERSON_ROLES_CHANGED = "person.roles_changed"
    PERSON_PASSWORD_SET = "person.password_set"
    PERSON_DEACTIVATED = "person.deactivated"
    PERSON_REACTIVATED = "person.reactivated"
    PERSON_ERASED = "person.erased"  # wired in where erasure is built
    PEOPLE_IMPORTED = "people.imported"  # a CSV file of people: how many added and changed
    PERSON_INVITED = "person.invited"
    INVITATION_ACCEPTED = "invitation.accepted"
    SETTINGS_CHANGED = "settings.changed"
    ENROLMENT_STATUS_CHANGED = "enrolment.status_changed"  # a trainee withdrawn, deferred or resumed
    DFE_SCHEDULE_CHANGE_QUEUED = "dfe.schedule_change_queued"  # a participant's new schedule, to tell the DfE
    DFE_REPORT_SENT_AGAIN = "dfe.report_sent_again"  # a report the DfE refused, queued again
    # single sign-on (core.accounts.sso_services): who came in through which issuer, and who was refused
    SIGNED_IN_WITH_SSO = "sign_in.sso"
    SSO_REFUSED = "sign_in.sso_refused"
    # a person getting back in, or changing their address (core.accounts.resets, email_change)
    PASSWORD_RESET_REQUESTED = "password_reset.requested"  # never says whether the account exists
    PASSWORD_RESET_THROTTLED = "password_reset.throttled"
    PASSWORD_RESET = "password_reset.done"
    EMAIL_CHANGE_REQUESTED = "email_change.requested"
    EMAIL_CHANGED = "email_change.confirmed"
    # the link to the DfE (dfe.applications): a decision sent to the DfE on an application
    DFE_APPLICATION_ACCEPTED = "dfe_application.accepted"
    DFE_APPLICATION_REJECTED = "dfe_application.rejected"
    # the DfE's NPQ API (dfe.declarations): declarations checked by a person, and retracted
    DFE_DECLARATIONS_SUBMITTED = "dfe.declarations_submitted"
    DFE_DECLARATION_VOIDED = "dfe.declaration_voided"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.OBSERVATION_VIEWED: "Viewed an observation",
    Action.PDF_DOWNLOADED: "Downloaded a PDF",
    Action.ZIP_DOWNLOADED: "Downloaded a ZIP file",
    Action.CSV_EXPORTED: "Downloaded a CSV file",
    Action.EXPORT_DOWNLOADED: "Downloaded a subject access export",
    Action.MESSAGE_VIEWED: "Read an email in the outbox",
    Action.AUDIT_PURGED: "Removed events past the retention period",
    Action.PERSON_ADDED: "Added a person",
    Action.PERSON_DETAILS_CHANGED: "Changed a person’s name or email",
    Action.PERSON_ROLES_CHANGED: "Changed a person’s roles",
    Action.PERSON_PASSWORD_SET: "Set a person’s password",
    Action.PERSON_DEACTIVATED: "Deactivated a person",
    Action.PERSON_REACTIVATED: "Reactivated a person",
    Action.PERSON_ERASED: "Erased a person",
    Action.PEOPLE_IMPORTED: "Imported people from a CSV file",
    Action.PERSON_INVITED: "Invited a person",
    Action.INVITATION_ACCEPTED: "Accepted an invitation",
    Action.SETTINGS_CHANGED: "Changed settings",
    Action.ENROLMENT_STATUS_CHANGED: "Changed a trainee’s training status",
    Action.DFE_SCHEDULE_CHANGE_QUEUED: "Asked the DfE to change a participant’s schedule",
    Action.DFE_REPORT_SENT_AGAIN: "Queued a refused DfE report to send again",
    Action.SIGNED_IN_WITH_SSO: "Signed in with a school account",
    Action.SSO_REFUSED: "Refused a sign-in with a school account",
    Action.PASSWORD_RESET_REQUESTED: "Asked for a password reset link",
    Action.PASSWORD_RESET_THROTTLED: "Asked for too many password reset links",
    Action.PASSWORD_RESET: "Chose a new password through a reset link",
    Action.EMAIL_CHANGE_REQUESTED: "Asked to change their email address",
    Action.EMAIL_CHANGED: "Confirmed a new email address",
    Action.DFE_APPLICATION_ACCEPTED: "Accepted a DfE application and enrolled the trainee",
    Action.DFE_APPLICATION_REJECTED: "Rejected a DfE application",
    Action.DFE_DECLARATIONS_SUBMITTED: "Submitted declarations to the DfE",
    Action.DFE_DECLARATION_VOIDED: "Voided a declaration at the DfE",
}
