"""How long each kind of record is kept, and the purge that removes what is older.

One table of rules (:data:`RULES`): a kind of record, its default period, the setting that
changes it and what the period counts from. Core cannot import the rooms, so each kind's purge
function is registered by whoever owns the tables (:func:`register`), as rooms register kinds of
job: core registers its own kinds below, the assessments room registers "observations",
"enrolments" and "calibration" (``assessments/retention.py``).

A purge function is ``purge(now, period, dry_run) -> Counts``: it deletes, in the session, what
its rule says is past the period, and returns the rows (or files) per table. It never commits:
:func:`purge` commits each kind on its own (all or nothing per kind), or, for a dry run, runs
every kind in one transaction and rolls it back, so a dry run counts exactly what a real run
would remove, even where one kind's rows hang from another's. Files cannot be rolled back, so a
function that removes files leaves them when ``dry_run`` is set. Each rule reads the period and
the records only, so a second run removes nothing more: the purge is safe to run twice.

The daily run is a job (kind "retention") that the job runner starts once a day
(:func:`core.jobs.register_daily`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask, current_app

from core import jobs, printing
from core.clock import utcnow
from core.config import env_int
from core.extensions import db

log = logging.getLogger(__name__)

KIND = "retention"  # the daily job
DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)
YEAR_DAYS = 365  # periods in years are counted as 365 days each: a day early at most once in four years


@dataclass
class Counts:
    """What one kind's purge removed (or would remove): rows or files per table or folder, and
    what was past its period but kept, with why."""

    removed: dict[str, int] = field(default_factory=dict)
    kept: dict[str, int] = field(default_factory=dict)

    def add(self, table: str, count: int) -> None:
        if count:
            self.removed[table] = self.removed.get(table, 0) + count

    @property
    def total(self) -> int:
        return sum(self.removed.values())


PurgeFunction = Callable[[datetime, timedelta, bool], Counts]


@dataclass(frozen=True)
class Rule:
    """How long one kind of record is kept."""

    kind: str
    default: int  # in ``unit``s
    setting: str  # the configuration key (and environment variable) that changes it
    unit: timedelta  # DAY or SECOND, as the setting's name says
    counts_from: str  # what the period counts from, in plain words (docs/privacy.md, CLI)

    def period(self, config: Mapping[str, object]) -> timedelta:
        """The configured period; unset or 0 means the default (never "keep nothing")."""
        value = config.get(self.setting)
        amount = int(value) if isinstance(value, int | str) and str(value).strip() else 0
        if amount < 0:
            raise ValueError(f"{self.setting} must be a whole number of {self.unit_name} of 1 or more, not {amount}")
        return (amount or self.default) * self.unit

    @property
    def unit_name(self) -> str:
        return "days" if self.unit == DAY else "seconds"


SIX_YEARS_DAYS = 6 * YEAR_DAYS  # limitation period for contract claims (Limitation Act 1980, s.5)

# The order is the order of the purge: a kind whose rows hang from another's comes first, so that
# its own counts are its own (observations before enrolments, job result files before job rows).
RULES: tuple[Rule, ...] = (
    Rule("sign_in_failures", 1, "RETENTION_SIGN_IN_FAILURES_DAYS", DAY, "the failed sign-in"),
    Rule("reset_requests", 1, "RETENTION_RESET_REQUESTS_DAYS", DAY, "the password reset was asked for"),
    Rule("staged_imports", 1, "RETENTION_STAGED_IMPORTS_DAYS", DAY, "the file was checked and staged"),
    Rule("job_results", jobs.JOB_RESULT_SECONDS, "JOB_RESULT_SECONDS", SECOND, "the job finished"),
    Rule("jobs", 30, "RETENTION_JOBS_DAYS", DAY, "the job finished"),
    Rule(
        "stored_documents",
        printing.DOCUMENTS_KEEP_DAYS,
        "DOCUMENTS_KEEP_DAYS",
        DAY,
        "the PDF was last made or downloaded",
    ),
    Rule("api_tokens", 30, "RETENTION_API_TOKENS_DAYS", DAY, "the token expired"),
    Rule("account_links", 30, "RETENTION_ACCOUNT_LINKS_DAYS", DAY, "the emailed link expired"),
    Rule("messages", YEAR_DAYS, "RETENTION_MESSAGES_DAYS", DAY, "the email was written"),
    Rule("calibration", 3 * YEAR_DAYS, "RETENTION_CALIBRATION_DAYS", DAY, "the mentor scored the exemplar"),
    Rule("observations", SIX_YEARS_DAYS, "RETENTION_OBSERVATIONS_DAYS", DAY, "the cohort ended"),
    Rule("enrolments", SIX_YEARS_DAYS, "RETENTION_ENROLMENTS_DAYS", DAY, "the cohort ended"),
    Rule("accounts", SIX_YEARS_DAYS, "RETENTION_ACCOUNTS_DAYS", DAY, "the account was deactivated"),
    Rule("audit_log", 6 * YEAR_DAYS, "RETENTION_AUDIT_LOG_DAYS", DAY, "the event was recorded"),
)
RULES_BY_KIND = {rule.kind: rule for rule in RULES}
# Settings that other modules already owned keep their home (core.jobs, core.printing read them).
OWN_SETTINGS = tuple(rule.setting for rule in RULES if rule.setting.startswith("RETENTION_"))


def register(app: Flask, kind: str, function: PurgeFunction) -> None:
    """Let the purge remove records of ``kind`` with ``function`` (the owner of the tables calls this)."""
    if kind not in RULES_BY_KIND:
        raise ValueError(f"no retention rule for {kind!r}")
    app.extensions.setdefault("retention_purges", {})[kind] = function


@dataclass(frozen=True)
class Report:
    """One kind's line of a purge: its period, the cutoff, and what went (or would go)."""

    rule: Rule
    period: timedelta
    cutoff: datetime
    counts: Counts
    error: str | None = None  # the kind failed and was rolled back; the others went on

    @property
    def registered(self) -> bool:
        return self.error != NOT_REGISTERED


NOT_REGISTERED = "no purge is registered for this kind"
FAILED = "the purge of this kind failed and removed nothing (see the log)"


def purge(now: datetime, dry_run: bool = False) -> list[Report]:
    """Apply every rule at ``now``: each kind committed on its own, or, for a dry run, all rolled back."""
    functions: dict[str, PurgeFunction] = current_app.extensions.get("retention_purges", {})
    periods = {rule.kind: rule.period(current_app.config) for rule in RULES}  # a bad setting fails before any change
    reports = []
    try:
        for rule in RULES:
            period = periods[rule.kind]
            function = functions.get(rule.kind)
            if function is None:
                reports.append(Report(rule, period, now - period, Counts(), NOT_REGISTERED))
                continue
            reports.append(_purge_kind(rule, function, now, period, dry_run))
    finally:
        if dry_run:
            db.session.rollback()
    return reports


def _purge_kind(rule: Rule, function: PurgeFunction, now: datetime, period: timedelta, dry_run: bool) -> Report:
    """One kind, all or nothing: its own transaction, or in a dry run a savepoint in the run's
    transaction (so later kinds see its deletes); a failure undoes that kind only."""
    try:
        if dry_run:
            with db.session.begin_nested():
                counts = function(now, period, True)
        else:
            counts = function(now, period, False)
            db.session.commit()
    except Exception:
        if not dry_run:
            db.session.rollback()
        log.exception("retention: purging %s failed", rule.kind)
        return Report(rule, period, now - period, Counts(), FAILED)
    return Report(rule, period, now - period, counts)


def describe(report: Report, dry_run: bool) -> str:
    """One kind's lines for people (the CLI and the daily job's result)."""
    rule = report.rule
    amount = report.period // rule.unit
    unit = rule.unit_name if amount != 1 else rule.unit_name.removesuffix("s")
    head = f"{rule.kind}: kept {amount:,} {unit} after {rule.counts_from} ({rule.setting}); "
    head += f"cutoff {report.cutoff:%Y-%m-%d %H:%M} UTC"
    if report.error:
        return f"{head}\n  {report.error}"
    verb = "would remove" if dry_run else "removed"
    lines = [head]
    lines += [f"  {verb} {count:,} from {table}" for table, count in report.counts.removed.items()]
    if not report.counts.removed:
        lines.append(f"  {verb} nothing")
    lines += [f"  kept {count:,} {why}" for why, count in report.counts.kept.items()]
    return "\n".join(lines)


def run_daily(work: jobs.Work) -> str:
    """The daily job: purge everything past its period and keep the report as the job's result."""
    reports = purge(utcnow())
    work.progress(len(reports), len(reports))
    work.output.write_text("\n".join(describe(report, dry_run=False) for report in reports) + "\n")
    if any(report.error == FAILED for report in reports):
        raise jobs.JobFailed("Some kinds of record could not be purged; the others were. See the log.")
    return "retention.txt"


def init_app(app: Flask) -> None:
    """Read the periods from the environment (a test's config wins), and run the purge daily."""
    for setting in OWN_SETTINGS:
        app.config.setdefault(setting, env_int(setting, 0))
    for rule in RULES:
        try:
            rule.period(app.config)  # a negative period stops the app at start, not at 3 a.m.
        except ValueError as error:
            raise SystemExit(str(error)) from None
    jobs.register_kind(app, KIND, run_daily)
    jobs.register_daily(app, KIND)
