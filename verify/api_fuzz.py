"""The API's contract under fuzzing: schemathesis over /api/v1/openapi.json, every operation, each
role's token, every check, the stateful phase included. The populated world of ``verify.world``
(SQLite or PostgreSQL) is served over HTTP on 127.0.0.1 by werkzeug in a thread: schemathesis's own
WSGI transport cannot run its fuzzing phase on this werkzeug.

A failing check means the document and the API disagree (a valid request refused, an invalid one
accepted, an answer or header not as documented) or the server failed: either is a miss.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from core.accounts.roles import Role
from verify import world

EXAMPLES_PER_OPERATION = 3
SEED = 21  # the same cases on every run, so a miss can be reproduced
ROLES = tuple(role.value for role in Role)
# Each role is fuzzed on one database, the two databases sharing the roles between them, to keep
# make verify inside CI's budget; VERIFY_API_FUZZ_ALL=1 fuzzes every role on both.
ROLES_BY_DATABASE = {"SQLite": ROLES[0::2], "PostgreSQL": ROLES[1::2]}
# A request the document allows may still be refused for what it refers to: 412/428 are the
# documented answers when the draft's lock (If-Match or lock_version, one of the two) is stale or
# missing, a rule OpenAPI 3.0 cannot state across a header and a body field.
# A request the document allows may name records that do not exist or do not fit (a trainee id of
# someone who is not a trainee; a criterion the rubric lacks; a date before today), or break a rule
# across its fields (a rubric's model decides which of threshold, fault_limit and fault_types it
# needs): the API refuses it with a 400 at that path, a rule no JSON schema can state. Such a
# refusal, at these paths only ([] for any index), is counted apart (data_refusals), not as a
# failing check; a 400 at any other path still fails.
# observed_at: a date-time whose offset carries it past year 1 or 9999 in UTC (the engine keeps UTC)
_EVIDENCE = ("evidence.judgements", "evidence.faults", "evidence.observed_at")
# the SENCO history: dates against today and each other, the head teacher rule (the page's checks)
_SENCO_HISTORY = ("became_senco", "nasenco_started", "nasenco_completed", "earlier_senco_months", "head_teacher")
# lock_version and If-Match, idempotency_key and Idempotency-Key, that disagree (across a header and
# a body field). The type of each is the document's; their agreement cannot be.
ACROSS_HEADER_AND_BODY = ("lock_version", "idempotency_key")
RULES_OF_DATA: dict[str, tuple[str, ...]] = {
    "POST /api/v1/cohorts": ("programme_version_id",),
    "POST /api/v1/cohorts/{cohort_id}/enrolments": ("trainee_id", "mentor_ids", *_SENCO_HISTORY),
    "PATCH /api/v1/enrolments/{enrolment_id}": ("mentor_ids", *_SENCO_HISTORY),
    "POST /api/v1/programmes": tuple(
        f"modules[].{name}"
        for name in ("area", "catalogue_module", "scenarios", "prerequisites", "outcomes[].npq_areas")
    )
    + ("modules[].outcomes[].survey_outcomes",),
    "POST /api/v1/programmes/{programme_id}/draft/modules": ("catalogue_key",),
    "PATCH /api/v1/programmes/{programme_id}/draft/modules/{key}": ("prerequisites",),
    "POST /api/v1/rubrics": ("criteria", "fault_types", "fault_limit", "threshold"),
    "POST /api/v1/rubrics/{rubric_id}/try": _EVIDENCE,
    "POST /api/v1/enrolments/{enrolment_id}/observations": ("scenario_key", "observed_on", *_EVIDENCE),
    "PATCH /api/v1/observations/{observation_id}": ("observed_on", *_EVIDENCE),
    "POST /api/v1/observations/{observation_id}/amendments": ("observed_on", *_EVIDENCE),
    "POST /api/v1/enrolments/{enrolment_id}/requests": ("mentor_id", "scenario_key"),
    "POST /api/v1/requests/{request_id}/accept": ("planned_on",),
}
VALID_REQUEST_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "412", "428", "429", "5xx"]


@dataclass
class FuzzResult:
    database: str
    roles: tuple[str, ...] = ROLES
    operations: set[str] = field(default_factory=set)  # every operation of the document
    cases: int = 0
    exercised: dict[str, set[str]] = field(default_factory=dict)  # role → operations answered
    failures: list[str] = field(default_factory=list)  # "role: check on operation: message"
    data_refusals: dict[str, int] = field(default_factory=dict)  # operation → valid-looking requests refused

    def not_exercised(self) -> list[str]:
        return sorted(
            f"{role}: {op}" for role in self.roles for op in self.operations - self.exercised.get(role, set())
        )


def _config(token: str) -> Any:
    from schemathesis.config import SchemathesisConfig

    generation = {"max-examples": EXAMPLES_PER_OPERATION, "deterministic": True, "allow-x00": False}
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "color": False,
            "headers": {"Authorization": f"Bearer {token}"},
            "generation": generation,
            "checks": {"positive_data_acceptance": {"expected-statuses": VALID_REQUEST_STATUSES}},
            "phases": {"examples": {}, "coverage": {}, "fuzzing": {}, "stateful": {"max-steps": 10}},
        }
    )


@contextmanager
def _served(app: Any) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def _fuzz(base: str, role: str, token: str, result: FuzzResult) -> None:
    import schemathesis
    from schemathesis.engine import Status, events, from_schema

    schema = schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json", config=_config(token))
    result.operations |= {op.ok().label for op in schema.get_all_operations()}
    answered = result.exercised.setdefault(role, set())
    seen: set[str] = set()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            recorder = event.recorder
            for case_id, interaction in recorder.interactions.items():
                result.cases += 1
                if interaction.response is not None:
                    answered.add(recorder.cases[case_id].value.operation.label)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        interaction = recorder.interactions.get(case_id)
                        answer = interaction.response if interaction is not None else None
                        _record(result, role, check.name, check.failure_info.failure, answer, seen)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            result.failures.append(f"{role}: could not run: {getattr(event, 'info', event)}")


def _record(result: FuzzResult, role: str, check: str, failure: Any, answer: Any, seen: set[str]) -> None:
    """A failing check, unless it is a valid-looking request refused for what it names (see RULES_OF_DATA)."""
    operation = failure.operation
    paths = _error_paths(answer)
    if check == "positive_data_acceptance" and answer is not None and answer.status_code == 400 and paths:
        rules = RULES_OF_DATA.get(operation, ()) + ACROSS_HEADER_AND_BODY
        if all(_within(path, rules) for path in paths):
            result.data_refusals[operation] = result.data_refusals.get(operation, 0) + 1
            return
    line = f"{role}: {check} on {operation}: {failure.title}"
    if line not in seen:
        seen.add(line)
        status = answer.status_code if answer is not None else "no answer"
        body = f"at {', '.join(paths)}" if paths else (answer.content[:200].decode(errors="replace") if answer else "")
        result.failures.append(f"{line} [{status} {body}] ({' '.join(str(failure.message).split())[:200]})")


def _within(path: str, rules: tuple[str, ...]) -> bool:
    path = re.sub(r"\[\d+\]", "[]", path)
    return any(path == r or path.startswith((f"{r}.", f"{r}[")) for r in rules)


def _error_paths(answer: Any) -> list[str]:
    try:
        return [e["path"] for e in json.loads(answer.content)["errors"]]
    except (AttributeError, KeyError, TypeError, ValueError):
        return []


def run(database: str, database_url: str | None = None, roles: tuple[str, ...] = ROLES) -> FuzzResult:
    """Fuzz the API of a populated world (its own SQLite file unless ``database_url`` is given) with
    the tokens of ``roles``."""
    config = {"SQLALCHEMY_DATABASE_URI": database_url} if database_url else {}
    built = world.build(**config)
    result = FuzzResult(database, roles)
    logging.getLogger("schemathesis").setLevel(logging.CRITICAL)
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)  # a line per request otherwise
    try:
        with _served(built.app) as base:
            for role in roles:
                _fuzz(base, role, built.tokens[role], result)
    finally:
        built.close()
    return result


def describe(results: list[FuzzResult]) -> tuple[str, bool]:
    """The figure as printed, and whether it meets the target."""
    parts, ok = [], bool(results)
    for r in results:
        missing = r.not_exercised()
        parts.append(
            f"{r.database}: {r.cases} cases over {len(r.operations)} operations × {len(r.roles)} roles ({', '.join(r.roles)}), "
            f"{len(r.failures)} failing checks, {len(missing)} operations not exercised, "
            f"{sum(r.data_refusals.values())} valid-looking requests refused for what they name"
        )
        ok = ok and r.cases > 0 and not r.failures and not missing and bool(r.operations)
    return "; ".join(parts) + f" ({EXAMPLES_PER_OPERATION} examples per operation)", ok


def details(results: list[FuzzResult]) -> list[str]:
    refused = [
        f"{r.database}: refused for what it names: {n} × {op}"
        for r in results
        for op, n in sorted(r.data_refusals.items())
    ]
    return [f"{r.database}: {line}" for r in results for line in (*r.failures, *r.not_exercised())][:60] + refused
