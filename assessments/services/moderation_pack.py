"""The external moderation pack (issue 14): the NPQ's own marking is checked by an external
moderator for the DfE, so the designer exports a cohort's sample as a ZIP of a PDF (the sampled
observations, both sets of marks, the agreed judgements and any appeal, the agreement report) and
the CSV parts (:func:`assessments.services.moderation.pack_csv_parts`).

The PDF is made by the house renderer (:mod:`core.printing` over :mod:`core.pdf`) from plain data,
so the same sample gives the stored PDF and any change of marks gives a new one.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from datetime import date

from assessments import agreement
from assessments.models import ModerationItem
from assessments.services import appeals, moderation
from assessments.services.plans import PRINT_CSS
from core import printing

PACK_TEMPLATE = "assessments/print/moderation_pack.html"
PACK_TEMPLATES = (PACK_TEMPLATE, "print/base.html")


@dataclass(frozen=True)
class MarkLine:
    title: str
    mentor: str
    moderator: str
    agreed: str


@dataclass(frozen=True)
class PackObservation:
    observation_id: int
    trainee: str
    scenario: str
    observed_on: str
    mentor: str
    moderator: str
    status: str
    marks: tuple[MarkLine, ...]  # empty until the moderator has marked it
    outcomes: MarkLine | None
    agreed_reason: str
    appeal: str  # the appeal and its outcome in words, or ""


@dataclass(frozen=True)
class FigureLine:
    grouping: str
    group: str
    marks: str
    measure: str
    value: str
    pairs: int


@dataclass(frozen=True)
class Pack:
    cohort: str
    made_on: str
    observations: tuple[PackObservation, ...]
    figures: tuple[FigureLine, ...]
    flags: tuple[str, ...]


def _appeal_words(item_id: int) -> str:
    found = appeals.appeal_of_item(item_id)
    if found is None:
        return ""
    words = f"Appealed by the trainee: {found.reason}"
    if found.status == "open":
        return words + " Awaiting review."
    reviewer = found.reviewer.name if found.reviewer else "a removed account"
    return words + f" {appeals.STATUS_WORDS[found.status]} by {reviewer}: {found.decision_reason}"


def _observation(item: ModerationItem) -> PackObservation:
    o = item.observation
    head = (
        o.id,
        o.enrolment.trainee.name,
        o.scenario_key,
        o.observed_on.isoformat(),
        o.observer.name if o.observer else "A removed account",
        item.moderator.name if item.moderator else "Not marked yet",
        moderation.STATUS_WORDS[moderation.status_of(item)],
    )
    if not item.marked:
        return PackObservation(*head, (), None, "", _appeal_words(item.id))
    c = moderation.comparison(item)
    marks = tuple(MarkLine(r.title, r.mentor, r.moderator, r.agreed or "") for r in (*c.criteria, *c.faults))
    outcomes = MarkLine("Outcome", c.mentor.outcome, c.moderator.outcome, c.agreed.outcome if c.agreed else "")
    return PackObservation(*head, marks, outcomes, item.agreed_reason, _appeal_words(item.id))


def pack(cohort_id: int, today: date | None = None) -> Pack | None:
    """What the pack's PDF shows; None for no such cohort."""
    found = moderation.report(cohort_id)
    if found is None:
        return None
    figures = tuple(
        FigureLine(section.by, found.name(s.key), what, agreement.MEASURE_NAMES[f.measure], agreement.shown(f), f.pairs)
        for section in found.sections
        for what, summaries in (("levels", section.levels), ("outcomes", section.outcomes))
        for s in summaries
        for f in s.figures
    )
    flags = tuple(f"{found.name(c.mentor)}: {agreement.render(c.reason)}" for c in found.flags if c.flagged)
    observations = tuple(_observation(i) for i in moderation._items_of_cohort(cohort_id))
    return Pack(found.cohort.name, (today or date.today()).isoformat(), observations, figures, flags)


def pack_pdf(cohort_id: int, today: date | None = None) -> printing.StoredPdf | None:
    data = pack(cohort_id, today)
    if data is None:
        return None
    key = printing.document_key("moderation-pack", data, PACK_TEMPLATES, [PRINT_CSS])
    return printing.make_pdf(
        key,
        lambda: printing.render_html(
            PACK_TEMPLATE,
            pack=data,
            title=f"External moderation pack: {data.cohort}",
            header=f"External moderation pack · {data.cohort}",
            footer=f"Made on {data.made_on}",
        ),
        [PRINT_CSS],
    )


def pack_zip(cohort_id: int, today: date | None = None) -> bytes | None:
    """The ZIP: ``moderation-pack.pdf``, ``marks.csv`` and ``agreement.csv``."""
    document = pack_pdf(cohort_id, today)
    if document is None:
        return None
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("moderation-pack.pdf", document.pdf)
        for name, text in moderation.pack_csv_parts(cohort_id).items():
            archive.writestr(name, text.encode("utf-8-sig"))  # a BOM, so spreadsheet programs read UTF-8
    return out.getvalue()
