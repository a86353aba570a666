"""The personal training plan: what it shows (plain data), its cache key, and its PDF.

``training_plan(enrolment_id, today)`` gathers everything the document shows as frozen dataclasses
of text and numbers; the key is a hash of exactly that (and of the templates), so a new observation,
a changed mentor or a new day changes the PDF, and nothing else does. The PDF itself is made by
:mod:`core.printing` (stored, sent with an ETag) through :mod:`core.pdf` (the sandboxed renderer).

``render_training_plan(enrolment_id)`` is the stable entry point for bulk jobs (a cohort's ZIP) and
the CLI: it needs an app context, and gives the stored PDF when the inputs have not changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from assessments import schedule
from assessments.deadlines import format_date
from assessments.models import Enrolment
from assessments.services import ScenarioProgress, progress, senco_duty
from core import printing
from core.extensions import db

PLAN_TEMPLATE = "assessments/print/training_plan.html"
PLAN_TEMPLATES = (PLAN_TEMPLATE, "print/base.html", "assessments/print/_chart.html")
PRINT_CSS = Path(__file__).resolve().parent.parent / "print.css"
FEEDBACK_MAX = 6  # comments from the latest observation of each competency
DUTY_LABELS = {"on_track": "On track", "due_soon": "Due within 6 months", "overdue": "Overdue",
               "not_required": "Not required", "qualified": "Qualified"}


@dataclass(frozen=True)
class Competency:
    """One observed scenario (a competency to evidence) and where the trainee stands on it."""

    key: str
    title: str
    status: str                      # in words
    evidenced: bool
    met: int                         # met observations that count
    needed: int                      # met observations sign-off needs
    observed: int                    # submitted observations
    missing: tuple[str, ...]         # the engine's reasons it is not yet evidenced, in words
    never_met: tuple[str, ...]       # criteria never met in a counted observation
    latest_on: str                   # the latest observation's date, or ""
    latest_outcome: str
    latest_reasons: tuple[str, ...]  # the engine's reasons for the latest outcome
    feedback: tuple[str, ...]        # the observer's comments on the latest observation
    modules: tuple[str, ...]         # modules of the programme that prepare for it (remaining first)
    observers: tuple[str, ...]       # who may observe it


@dataclass(frozen=True)
class PlannedModule:
    title: str
    hours: int
    weeks: str
    dates: str
    block: str


@dataclass(frozen=True)
class TrainingPlan:
    enrolment_id: int
    trainee: str
    school: str
    programme: str
    provider: str
    version: str
    cohort: str
    mentors: tuple[str, ...]
    made_on: str
    starts: str
    ends: str
    duty_status: str
    deadline: str
    duty_reasons: tuple[str, ...]
    case_study: str
    competencies: tuple[Competency, ...]
    remaining: tuple[PlannedModule, ...]
    remaining_hours: int
    next_observations: tuple[str, ...]
    targets: tuple[str, ...]

    @property
    def gaps(self) -> tuple[Competency, ...]:
        return tuple(c for c in self.competencies if not c.evidenced)

    @property
    def observed(self) -> int:
        return sum(c.observed for c in self.competencies)


def _competency(p: ScenarioProgress, module_titles: dict[str, list[str]]) -> Competency:
    submitted = [v for v in p.observations if v.observation.submitted]
    latest = submitted[-1] if submitted else None
    comments: list[str] = []
    if latest is not None:
        titles = {c.get("key"): str(c.get("title", "")) for c in latest.observation.rubric_version.definition.get("criteria", [])}
        for j in latest.observation.evidence.get("judgements", []):
            comment = str(j.get("comment") or "").strip()
            if comment:
                comments.append(f"{titles.get(j.get('criterion')) or j.get('criterion')}: {comment}")
    needed = p.sign_off.met + next((m.need - m.have for m in p.sign_off.missing if m.code == "met_observations"), 0) \
        if p.sign_off else 0
    return Competency(
        key=p.scenario.key, title=p.scenario.title, status=p.in_words,
        evidenced=bool(p.sign_off and p.sign_off.evidenced), met=p.sign_off.met if p.sign_off else 0,
        needed=needed, observed=len(submitted), missing=p.missing, never_met=p.never_met,
        latest_on=format_date(latest.observation.observed_on.isoformat()) if latest else "",
        latest_outcome=latest.result.outcome.value if latest else "",
        latest_reasons=latest.reasons if latest else (), feedback=tuple(comments[:FEEDBACK_MAX]),
        modules=tuple(module_titles.get(p.scenario.key, [])), observers=tuple(p.scenario.observers))


def _next_observations(competencies: tuple[Competency, ...]) -> tuple[str, ...]:
    """Those closest to sign-off first: the fewest met observations still needed."""
    gaps = sorted((c for c in competencies if not c.evidenced and c.needed),
                  key=lambda c: (c.needed - c.met, c.title))
    found = []
    for c in gaps:
        who = f", observed by {' or '.join(c.observers)}" if c.observers else ""
        found.append(f"{c.title}{who}" + (f": {c.missing[0]}" if c.missing else ""))
    return tuple(found)


def _targets(competencies: tuple[Competency, ...]) -> tuple[str, ...]:
    found = []
    for c in competencies:
        if c.evidenced:
            continue
        for criterion in c.never_met if c.observed else ():
            found.append(f"Meet “{criterion}” in an observation of {c.title}.")
        if not c.observed:
            found.append(f"Be observed in {c.title} for the first time.")
    return tuple(found)


def training_plan(enrolment_id: int, today: date) -> TrainingPlan | None:
    """Everything the plan shows, as plain data; None if there is no such enrolment."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        return None
    version = enrolment.cohort.programme_version
    slots = schedule.slots(version.cohort_start, version.length_weeks, tuple(
        schedule.ModuleHours(m.key, m.title, m.hours, m.block) for m in version.modules))
    left = schedule.remaining(slots, today)
    left_keys = {s.key for s in left}
    module_titles: dict[str, list[str]] = {}
    for m in sorted(version.modules, key=lambda m: (m.key not in left_keys, m.position)):
        for key in m.scenario_keys:
            module_titles.setdefault(key, []).append(m.title + ("" if m.key in left_keys else " (done)"))
    competencies = tuple(_competency(p, module_titles) for p in progress(enrolment, submitted_only=True))
    duty = senco_duty(enrolment, today)
    end = schedule.programme_end(version.cohort_start, version.length_weeks)
    return TrainingPlan(
        enrolment_id=enrolment.id, trainee=enrolment.trainee.name, school=enrolment.school,
        programme=version.name, provider=version.provider, version=f"Version {version.number}" if version.number else "Draft",
        cohort=enrolment.cohort.name, mentors=tuple(m.name for m in enrolment.mentors), made_on=format_date(today.isoformat()),
        starts=format_date(version.cohort_start.isoformat()), ends=format_date(end.isoformat()),
        duty_status=DUTY_LABELS.get(duty.duty.status.value, duty.duty.status.value) if duty.duty else "",
        deadline=format_date(duty.duty.deadline.isoformat()) if duty.duty and duty.duty.duty_applies else "",
        duty_reasons=duty.reasons,
        case_study=(f"After the taught programme ends on {format_date(end.isoformat())}: the provider sets the dates "
                    "of the written case study."),
        competencies=competencies,
        remaining=tuple(PlannedModule(s.title, s.hours, s.weeks,
                                      f"{format_date(s.starts.isoformat())} to {format_date(s.ends.isoformat())}", s.block)
                        for s in left),
        remaining_hours=sum(s.hours for s in left),
        next_observations=_next_observations(competencies), targets=_targets(competencies))


def _today() -> date:
    return date.today()


def _key(plan: TrainingPlan) -> str:
    return printing.document_key("training-plan", plan, PLAN_TEMPLATES, [PRINT_CSS])


def training_plan_key(enrolment_id: int, today: date | None = None) -> str:
    """The cache key of the plan: a hash of everything it shows and of its templates ("" if none)."""
    plan = training_plan(enrolment_id, today or _today())
    return _key(plan) if plan else ""


def training_plan_html(plan: TrainingPlan) -> str:
    return printing.render_html(PLAN_TEMPLATE, plan=plan, title=f"Training plan: {plan.trainee}",
                                header=f"Training plan · {plan.trainee} · {plan.programme}", made_on=plan.made_on)


def training_plan_pdf(enrolment_id: int, today: date | None = None) -> printing.StoredPdf | None:
    """The stored plan, or a new one if anything it shows has changed; None if there is no such enrolment."""
    plan = training_plan(enrolment_id, today or _today())
    if plan is None:
        return None
    return printing.make_pdf(_key(plan), lambda: training_plan_html(plan), [PRINT_CSS])


def render_training_plan(enrolment_id: int) -> bytes:
    """The plan's PDF (stable entry point for jobs and the CLI). LookupError if there is no such enrolment;
    :class:`core.pdf.PdfFailed` if it could not be made."""
    found = training_plan_pdf(enrolment_id)
    if found is None:
        raise LookupError(f"No enrolment {enrolment_id}")
    return found.pdf


def plan_filename(plan_or_name: str) -> str:
    return printing.safe_filename("training-plan", plan_or_name)
