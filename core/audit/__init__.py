"""The audit log: who read a trainee's record or took a copy of it, and every administrative change.

Rooms call :func:`record` where the thing happens; the log is append only (:mod:`core.audit.guard`)
and kept for its own retention period (:func:`purge_audit_events`).
"""

from core.audit.actions import Action
from core.audit.services import Subject, changed_fields, purge_audit_events, record, record_read

__all__ = ["Action", "Subject", "changed_fields", "purge_audit_events", "record", "record_read"]
