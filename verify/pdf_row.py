"""PDF fetches outside the allowlist: the hostile corpus of tests/hostile/pdf_corpus.py rendered by the
app's own render worker, whose audit hook reports every ``open`` and ``socket.connect``; a real
loopback canary server counts any request that gets through."""

from __future__ import annotations

from core import pdf
from tests.hostile import pdf_corpus

Figure = tuple[str, bool, list[str]]


def fetches_outside_allowlist() -> Figure:
    worker = pdf.Worker()
    try:
        control = pdf_corpus.control(worker)
        report = pdf_corpus.run(worker)
    finally:
        worker.close()
    hook_live = any(event == "open" for event, _ in control.events)
    outside = len(report.outside) + len(report.canary_hits)
    figure = (
        f"{outside} ({report.documents} hostile documents: {len(report.outside)} audit events outside the allowlist, "
        f"{len(report.canary_hits)} canary hits, {report.refused} refused)"
    )
    notes = [f"{name}: {event} {argument}" for name, event, argument in report.outside[:10]]
    notes += [f"canary hit: {path}" for path in report.canary_hits[:10]]
    notes += report.not_refused[:10]
    if not hook_live:
        notes.append("the worker's audit hook saw no open of the packaged font: the check itself is not working")
    return figure, outside == 0 and not report.not_refused and hook_live, notes
