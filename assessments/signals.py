"""The assessments room's signals (blinker, Flask's own dependency): how another room learns of a
change here without this room importing it (imports flow dfe -> assessments, never back).

``training_status_changed``
    Sent by :func:`assessments.services.training_status.change_status` once for each change of a
    trainee's training status (withdraw, defer, resume), after the change and its history row are
    in the session and flushed, and before the caller commits: a receiver that adds rows (the DfE
    room queuing its report) adds them to the same transaction, so the change and its report are
    saved together or not at all. A refused change sends nothing.

    The sender is the :class:`~assessments.models.Enrolment`; keyword arguments:

    - ``enrolment``: the same enrolment, its ``training_status``, ``status_reason`` and
      ``status_changed_at`` already the new ones;
    - ``change``: the :class:`~assessments.models.EnrolmentStatusChange` row (``from_status``,
      ``to_status``, ``reason`` — the DfE's code, None when resuming —, ``changed_at``,
      ``changed_by_id``, ``note``), with its id.

    Connect with ``training_status_changed.connect(receiver)``; a receiver must not commit, and an
    exception it raises undoes the change (the caller's transaction rolls back).
"""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

training_status_changed = signals.signal("training-status-changed")

# ---- the case-study result (issue 23: the DfE is told each outcome) ---------------------------

case_study_result_recorded = signals.signal("case-study-result-recorded")
"""Sent by :func:`assessments.services.case_study.record` when a judged result (passed or not
passed, :data:`assessments.case_study_rules.JUDGED`) is recorded, or its result or date changed, in
the save's transaction, before it commits (a receiver's rows are saved with the result or not at
all). Not sent when the result is cleared, set to withdrawn, or saved again unchanged.

The sender is the :class:`~assessments.models.Enrolment`; keyword arguments: ``enrolment``, and
``case_study`` (the :class:`~assessments.models.CaseStudy`, its ``result`` and ``result_on`` the new ones).
"""
