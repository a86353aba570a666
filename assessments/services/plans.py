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

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from assessments.case_study_rules import CaseStudyDates, in_words
from assessments.deadlines import format_date
from assessments.models import Cohort, Enrolment, Observation
from assessments.services import ScenarioProgress, explained, moderation, progress, senco_duty
from assessments.services.case_study import dates_of
from assessments.services.feedback import Mark, marks_of
from competencies import services as competency_services
from core import clock, printing
from core.accounts.models import User
from core.extensions import db
from curriculum import schedule
from curriculum.models import ProgrammeModule, ProgrammeVersion

PRINT_CSS = Path(__file__).resolve().parent.parent / "print.css"
PLAN = printing.Printed(
    "training-plan", "assessments/print/training_plan.html", PRINT_CSS, ("assessments/print/_chart.html",)
)
FEEDBACK_MAX = 6  # comments from the latest observation of each competency


@dataclass(frozen=True)
class Competency:
    """One observed scenario (a competency to evidence) and where the trainee stands on it."""

    key: str
    title: str
    status: str  # in words
    evidenced: bool
    met: int  # met observations that count
    needed: int  # met observations sign-off needs
    observed: int  # submitted observations
    missing: tuple[str, ...]  # the engine's reasons it is not yet evidenced, in words
    never_met: tuple[str, ...]  # criteria never met in a counted observation
    latest_on: str  # the latest observation's date, or ""
    latest_outcome: str
    latest_reasons: tuple[str, ...]  # the engine's reasons for the latest outcome
    feedback: tuple[str, ...]  # the observer's comments on the latest observation
    modules: tuple[str, ...]  # modules of the programme that prepare for it (remaining first)
    observers: tuple[str, ...]  # who may observe it


@dataclass(frozen=True)
class PlannedModule:
    title: str
    hours: int
    weeks: str
    dates: str
    block: str


@dataclass(frozen=True)
class ObservationLine:
    observed_on: str
    competency: str
    setting: str
    observer: str
    outcome: str


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
    case_study: str  # where it stands, in a sentence
    case_study_dates: tuple[tuple[str, str], ...]  # (what, date) of each date recorded: window, submission, result
    competencies: tuple[Competency, ...]
    remaining: tuple[PlannedModule, ...]
    remaining_hours: int
    next_observations: tuple[str, ...]
    targets: tuple[str, ...]
    observations: tuple[ObservationLine, ...]  # every submitted observation, oldest first
    awaiting: int = 0  # observations left out because the trainee's results wait for moderation

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
        titles = {
            c.get("key"): str(c.get("title", ""))
            for c in latest.observation.rubric_version.definition.get("criteria", [])
        }
        for j in latest.observation.evidence.get("judgements", []):
            comment = str(j.get("comment") or "").strip()
            if comment:
                comments.append(f"{titles.get(j.get('criterion')) or j.get('criterion')}: {comment}")
    needed = (
        p.sign_off.met + next((m.need - m.have for m in p.sign_off.missing if m.code == "met_observations"), 0)
        if p.sign_off
        else 0
    )
    return Competency(
        key=p.scenario.key,
        title=p.scenario.title,
        # No closing full stop: the plan puts it where the status ends a sentence.
        status=f"{p.in_words}. {p.overall_in_words.rstrip('.')}" if p.overall else p.in_words,
        evidenced=bool(p.sign_off and p.sign_off.evidenced),
        met=p.sign_off.met if p.sign_off else 0,
        needed=needed,
        observed=len(submitted),
        missing=p.missing,
        never_met=p.never_met,
        latest_on=format_date(latest.observation.observed_on.isoformat()) if latest else "",
        latest_outcome=latest.result.outcome.value if latest else "",
        latest_reasons=latest.reasons if latest else (),
        feedback=tuple(comments[:FEEDBACK_MAX]),
        modules=tuple(module_titles.get(p.scenario.key, [])),
        observers=tuple(p.scenario.observers),
    )


def _next_observations(competencies: tuple[Competency, ...]) -> tuple[str, ...]:
    """Those closest to sign-off first: the fewest met observations still needed."""
    gaps = sorted((c for c in competencies if not c.evidenced and c.needed), key=lambda c: (c.needed - c.met, c.title))
    found = []
    for c in gaps:
        what = f"{c.title}: {c.missing[0]}" if c.missing else c.title
        found.append(what + (f" Who may observe: {'; '.join(c.observers)}." if c.observers else ""))
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


def _case_study_words(given: CaseStudyDates, programme_ends: date) -> str:
    if given == CaseStudyDates():
        return (
            f"Not recorded yet. It comes after the taught programme ends on {format_date(programme_ends.isoformat())}; "
            "the provider sets its submission window."
        )
    return in_words(given) + "."


def _case_study_dates(given: CaseStudyDates) -> tuple[tuple[str, str], ...]:
    """Each recorded date of the case study, in order; the cover lists them beside the sentence."""
    rows = (
        ("Submission window opens", given.window_opens),
        ("Submission window closes", given.window_closes),
        ("Submitted", given.submitted_on),
        (f"Result: {given.result.label}" if given.result else "Result", given.result_on),
    )
    return tuple((what, format_date(day.isoformat())) for what, day in rows if day is not None)


def _enrolment_for_plan(enrolment_id: int) -> Enrolment | None:
    # What the plan reads of the enrolment in a few queries, not one per relationship: a stored plan
    # is sent right after this, so these reads are most of a repeat download. People's roles and the
    # modules' outcomes are not shown.
    return db.session.scalar(
        select(Enrolment)
        .where(Enrolment.id == enrolment_id)
        .options(
            joinedload(Enrolment.cohort)
            .joinedload(Cohort.programme_version)
            .selectinload(ProgrammeVersion.modules)
            .lazyload(ProgrammeModule.outcomes),
            joinedload(Enrolment.trainee).lazyload(User.role_grants),
            selectinload(Enrolment.mentors).lazyload(User.role_grants),
            joinedload(Enrolment.case_study),
        )
    )


def training_plan(enrolment_id: int, today: date, for_trainee: bool = False) -> TrainingPlan | None:
    """Everything the plan shows, as plain data; None if there is no such enrolment. The trainee's
    own copy leaves out observations held back until moderated (the cohort's setting), as their
    pages do; the count of those is part of the plan, so its cache key differs from staff's."""
    enrolment = _enrolment_for_plan(enrolment_id)
    if enrolment is None:
        return None
    version = enrolment.cohort.programme_version
    slots = schedule.slots(
        version.cohort_start,
        version.length_weeks,
        tuple(schedule.ModuleHours(m.key, m.title, m.hours, m.block) for m in version.modules),
    )
    left = schedule.remaining(slots, today)
    left_keys = {s.key for s in left}
    module_titles: dict[str, list[str]] = {}
    for m in sorted(version.modules, key=lambda m: (m.key not in left_keys, m.position)):
        for key in m.scenario_keys:
            module_titles.setdefault(key, []).append(m.title + ("" if m.key in left_keys else " (done)"))
    held = frozenset(moderation.held_observations(enrolment.cohort_id)) if for_trainee else frozenset()
    found = progress(enrolment, submitted_only=True, held=held)
    competencies = tuple(_competency(p, module_titles) for p in found)
    observations = sorted(
        ((v.observation.observed_on, v.observation.id, p.scenario.title, v) for p in found for v in p.observations),
        key=lambda row: (row[0], row[1]),
    )
    duty = senco_duty(enrolment, today)
    end = schedule.programme_end(version.cohort_start, version.length_weeks)
    case_study = dates_of(enrolment.case_study)
    return TrainingPlan(
        enrolment_id=enrolment.id,
        trainee=enrolment.trainee.name,
        school=enrolment.school,
        programme=version.name,
        provider=version.provider,
        version=f"Version {version.number}" if version.number else "Draft",
        cohort=enrolment.cohort.name,
        mentors=tuple(m.name for m in enrolment.mentors),
        made_on=format_date(today.isoformat()),
        starts=format_date(version.cohort_start.isoformat()),
        ends=format_date(end.isoformat()),
        duty_status=duty.status_name if duty.duty else "",
        deadline=format_date(duty.duty.deadline.isoformat()) if duty.duty and duty.duty.duty_applies else "",
        duty_reasons=duty.reasons,
        case_study=_case_study_words(case_study, end),
        case_study_dates=_case_study_dates(case_study),
        competencies=competencies,
        remaining=tuple(
            PlannedModule(
                s.title,
                s.hours,
                s.weeks,
                f"{format_date(s.starts.isoformat())} to {format_date(s.ends.isoformat())}",
                s.block,
            )
            for s in left
        ),
        remaining_hours=sum(s.hours for s in left),
        next_observations=_next_observations(competencies),
        targets=_targets(competencies),
        observations=tuple(
            ObservationLine(
                format_date(day.isoformat()),
                title,
                v.observation.setting,
                v.observation.observer.name if v.observation.observer else "Former observer",
                v.result.outcome.value,
            )
            for day, _, title, v in observations
        ),
        awaiting=sum(p.held for p in found),
    )


def training_plan_key(enrolment_id: int, today: date | None = None) -> str:
    """The cache key of the plan: a hash of everything it shows and of its templates ("" if none)."""
    plan = training_plan(enrolment_id, today or clock.today())
    return PLAN.key(plan) if plan else ""


def training_plan_html(plan: TrainingPlan) -> str:
    return PLAN.html(
        plan=plan,
        title=f"Training plan: {plan.trainee}",
        header=f"Training plan · {plan.trainee} · {plan.programme}",
        footer=f"Made on {plan.made_on}",
    )


def training_plan_pdf(
    enrolment_id: int, today: date | None = None, for_trainee: bool = False
) -> printing.StoredPdf | None:
    """The stored plan, or a new one if anything it shows has changed; None if there is no such enrolment.
    ``for_trainee``: the trainee's own copy, without results held back until moderated."""
    plan = training_plan(enrolment_id, today or clock.today(), for_trainee)
    if plan is None:
        return None
    return printing.make_pdf(PLAN.key(plan), lambda: training_plan_html(plan), [PRINT_CSS])


def render_training_plan(enrolment_id: int) -> bytes:
    """The plan's PDF (stable entry point for jobs and the CLI). LookupError if there is no such enrolment;
    :class:`core.pdf.PdfFailed` if it could not be made."""
    found = training_plan_pdf(enrolment_id)
    if found is None:
        raise LookupError(f"No enrolment {enrolment_id}")
    return found.pdf


def plan_filename(plan_or_name: str) -> str:
    return printing.safe_filename("training-plan", plan_or_name)


# ---- the record of a submitted observation -----------------------------------------------------------

RECORD = printing.Printed("observation-record", "assessments/print/observation_record.html", PRINT_CSS)


@dataclass(frozen=True)
class FaultLine:
    fault: str
    severity: str
    note: str


@dataclass(frozen=True)
class ObservationRecord:
    observation_id: int
    trainee: str
    school: str
    programme: str
    scenario: str
    observed_on: str
    setting: str
    observer: str
    present: tuple[str, ...]
    rubric: str
    outcome: str
    reasons: tuple[str, ...]
    marks: tuple[Mark, ...]  # each criterion's level with its descriptor, as the observation's page shows them
    faults: tuple[FaultLine, ...]
    submitted_at: str


def observation_record(observation_id: int) -> ObservationRecord | None:
    """What the record of a submitted observation shows; None for a draft or no such observation."""
    found = db.session.get(Observation, observation_id)
    if found is None or not found.submitted:
        return None
    view = explained(found, moderation.agreed_result_of(found.id))  # an agreed judgement overrules the mentor's
    rubric = competency_services.rubric_of(found.rubric_version)
    faults = tuple(
        FaultLine(
            rubric.title_of(str(f.get("fault"))), str(f.get("severity") or "as its type"), str(f.get("note") or "")
        )
        for f in found.evidence.get("faults", [])
    )
    scenario = competency_services.get_scenario(found.scenario_key)
    enrolment = found.enrolment
    submitted = found.submitted_at.date().isoformat() if found.submitted_at else found.observed_on.isoformat()
    return ObservationRecord(
        found.id,
        enrolment.trainee.name,
        enrolment.school,
        enrolment.cohort.programme_version.name,
        scenario.title if scenario else found.scenario_key,
        format_date(found.observed_on.isoformat()),
        found.setting,
        found.observer.name if found.observer else "Former observer",
        tuple(found.present),
        f"{rubric.title}, version {found.rubric_version.number}",
        view.result.outcome.value,
        view.reasons,
        tuple(marks_of(found)),
        faults,
        format_date(submitted),
    )


def observation_record_pdf(observation_id: int) -> printing.StoredPdf | None:
    record = observation_record(observation_id)
    if record is None:
        return None
    return RECORD.pdf(
        "record",
        record,
        title=f"Observation record: {record.scenario}, {record.trainee}",
        header=f"Observation record · {record.trainee} · {record.scenario}",
        footer=f"Observed on {record.observed_on}, submitted on {record.submitted_at}",
    )


def record_held_from(observation_id: int, person_id: int) -> bool:
    """Whether this person is the observation's trainee and its result is held back until moderated."""
    found = db.session.get(Observation, observation_id)
    return (
        found is not None
        and found.enrolment.trainee_id == person_id
        and found.id in moderation.held_observations(found.enrolment.cohort_id)
    )


def enrolment_of_observation(observation_id: int) -> int | None:
    found = db.session.get(Observation, observation_id)
    return found.enrolment_id if found is not None else None
