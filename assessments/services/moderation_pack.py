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
from assessments.deadlines import format_date
from assessments.models import ModerationItem
from assessments.services import appeals, moderation
from assessments.services.plans import PRINT_CSS
from competencies import services as competency_services
from core import clock, printing

PACK = printing.Printed("moderation-pack", "assessments/print/moderation_pack.html", PRINT_CSS)


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
class FigureRow:
    group: str
    pairs: int
    values: tuple[str, ...]  # one per measure, as a table cell shows it


@dataclass(frozen=True)
class FigureTable:
    """One table of the agreement report, as on the report page: a row per group, a column per measure."""

    caption: str
    group_heading: str
    measures: tuple[str, ...]
    rows: tuple[FigureRow, ...]


@dataclass(frozen=True)
class Pack:
    cohort: str
    made_on: str
    observations: tuple[PackObservation, ...]
    marked: int
    min_pairs: int
    tables: tuple[FigureTable, ...]
    flags: tuple[str, ...]
    unflagged: str  # what stands for ``flags`` when it is empty


def _appeal_words(item_id: int) -> str:
    found = appeals.appeal_of_item(item_id)
    if found is None:
        return ""
    words = f"Appealed by the trainee: {found.reason}"
    if found.status == "open":
        return words + " Awaiting review."
    reviewer = found.reviewer.name if found.reviewer else "a removed account"
    return words + f" {appeals.STATUS_WORDS[found.status]} by {reviewer}: {found.decision_reason}"


def _observation(item: ModerationItem, scenario_titles: dict[str, str]) -> PackObservation:
    o = item.observation
    head = (
        o.id,
        o.enrolment.trainee.name,
        scenario_titles.get(o.scenario_key, o.scenario_key),
        format_date(o.observed_on.isoformat()),
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
    tables = tuple(
        FigureTable(
            section.caption(what),
            section.group_heading,
            tuple(agreement.MEASURE_NAMES[f.measure] for f in summaries[0].figures),
            tuple(
                FigureRow(found.name(s.key), s.pairs, tuple(agreement.shown(f) for f in s.figures)) for s in summaries
            ),
        )
        for section in found.sections
        for what, summaries in (("Levels", section.levels), ("Outcomes", section.outcomes))
        if summaries
    )
    flags = tuple(f"{found.name(c.mentor)}: {agreement.render(c.reason)}" for c in found.flags if c.flagged)
    titles = {s.key: s.title for s in competency_services.list_scenarios()}
    observations = tuple(_observation(i, titles) for i in moderation.items_of_cohort(cohort_id))
    return Pack(
        found.cohort.name,
        format_date((today or clock.today()).isoformat()),
        observations,
        found.marked,
        found.policy.min_pairs,
        tables,
        flags,
        found.unflagged_words,
    )


def pack_pdf(cohort_id: int, today: date | None = None) -> printing.StoredPdf | None:
    data = pack(cohort_id, today)
    if data is None:
        return None
    return PACK.pdf(
        "pack",
        data,
        title=f"External moderation pack: {data.cohort}",
        header=f"External moderation pack · {data.cohort}",
        footer=f"Made on {data.made_on}",
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
