"""Declarations out: what the app proposes, what a person submits, and sending it to the DfE.

Sources (DFE-Digital/npq-registration, commit 9e9784a): ``public/api/docs/v3/swagger.yaml``
(``POST /participant-declarations``, ``PUT /participant-declarations/{id}/void``,
``GET /statements``) and the guidance page "Submit, view and void declarations"
(``app/views/api/guidance/submit-view-and-void-declarations.md``).

The journey, a module each:

1. :func:`proposals` (:mod:`.proposing`) applies the provider's rule (:mod:`dfe.declaration_rules`)
   to each linked participant's evidence (:mod:`dfe.evidence`) inside the DfE's milestone windows.
2. A person ticks the ones to send; :func:`submit` (:mod:`.submitting`) writes each as a ``queued``
   row. The partial unique index on ``dfe_declaration`` lets one declaration of a type stand per
   participant, so a duplicate is refused here, before anything is sent.
3. The sender (:mod:`.sending`, job kind ``dfe-declarations``, started on submit, and by the
   runner's periodic check while anything waits) claims each queued row by one conditional
   UPDATE, then for each participant first reads the DfE's declarations: one the DfE already holds
   (sent before a crash, or by someone else) is **adopted**, never sent twice. Otherwise it is
   POSTed once. A 422 makes the row ``refused`` with the DfE's errors; an unreachable DfE leaves
   it queued, tried again.
4. The readers ``declarations`` and ``statements`` (:mod:`.reading`; ``flask dfe sync``, the daily
   job) keep each row's state and statements in step with the DfE.
5. :func:`void` (:mod:`.voiding`) retracts a declaration at the DfE: ``voided``, or
   ``awaiting_clawback`` if paid.

:mod:`.exchange` holds the request sent and what an answer sets here; :mod:`.pages` what the
page shows. The package re-exports their public names, so callers keep writing
``declarations.submit``.
"""

from __future__ import annotations

from flask import Flask

from dfe.declarations import reading, sending
from dfe.declarations.exchange import RETRACTED_STATES, remote_values, request_body
from dfe.declarations.pages import StatementRow, claimed_now, declarations, in_words, statements
from dfe.declarations.proposing import ParticipantProposals, ProposedDeclaration, proposal_key, proposals
from dfe.declarations.reading import read_declarations, read_statements
from dfe.declarations.sending import JOB_KIND, Sent, request_sending, send_queued, sending_job, start_if_queued
from dfe.declarations.submitting import FIELD, midnight, submit
from dfe.declarations.voiding import void

__all__ = [
    "FIELD",
    "JOB_KIND",
    "RETRACTED_STATES",
    "ParticipantProposals",
    "ProposedDeclaration",
    "Sent",
    "StatementRow",
    "claimed_now",
    "declarations",
    "in_words",
    "init_app",
    "midnight",
    "proposal_key",
    "proposals",
    "read_declarations",
    "read_statements",
    "remote_values",
    "request_body",
    "request_sending",
    "send_queued",
    "sending_job",
    "start_if_queued",
    "statements",
    "submit",
    "void",
]


def init_app(app: Flask) -> None:
    """The sender's job kind, its daily run and periodic check; then the two sync readers."""
    sending.init_app(app)
    reading.init_app()
