"""A stateful, in-process stand-in for the DfE's NPQ Registration API v3, for tests.

The real service cannot be reached from here, so the app's client is tested against this: a small
werkzeug app served on 127.0.0.1 (a free port) in a thread. It keeps applications, participants,
declarations, outcomes and statements, applies the rules the DfE's guidance describes (see
tests/fixtures/dfe_npq_api_v3/SOURCE.md), and checks EVERY request it receives and EVERY response
it sends against the vendored document with tests/dfe_contract.py. Each exchange is kept in
``sim.log``; ``sim.invalid_requests()`` and ``sim.invalid_responses()`` list the bad ones, so a test
of the client ends with ``assert sim.invalid_requests() == []``.

Use it through the ``dfe_api`` fixture (tests/conftest.py) or ``with DfeSimulator() as sim:``.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from tests.dfe_contract import validate_request, validate_response

API = "/api/v3"
UNAUTHORISED = {"error": "HTTP Token: Access denied"}
NOT_FOUND = {"error": "Resource not found"}
BAD_REQUEST = {
    "errors": [{"title": "Bad request", "detail": "correct json data structure required. See API docs for reference"}]
}
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 3000  # the document: "Maximum is 3000 … it will fallback to 3000"
# Declarations in these states do not block a new one of the same type (they were retracted).
RETRACTED_STATES = frozenset({"voided", "awaiting_clawback", "clawed_back"})
# The DfE's words (config/locales/en.yml, no_completed_declarations).
NO_COMPLETED_DECLARATION = (
    "The participant has not had a 'completed' declaration submitted for them. "
    "Therefore you cannot update their outcome."
)
# Declarations in these states count as "started" for a withdrawal.
LIVE_STATES = frozenset({"submitted", "eligible", "payable", "paid"})
# Cohorts from 2024 have a funding cap: accepting a funding-eligible application needs funded_place.
FIRST_CAPPED_COHORT = 2024
DEFAULT_SCHEDULE = {"npq-senco": "npq-specialist-autumn"}


def schedule_start(schedule_identifier: str, cohort: str) -> date:
    """When a schedule starts (an approximation of the DfE's milestone tables, good enough for
    the rule "a declaration may not be dated before its schedule starts")."""
    year = int(cohort)
    if schedule_identifier.endswith("-spring"):
        return date(year + 1, 1, 1)
    if schedule_identifier.endswith(("-march",)):
        return date(year + 1, 3, 1)
    if schedule_identifier.endswith(("-june",)):
        return date(year + 1, 6, 1)
    if schedule_identifier.endswith(("-november",)):
        return date(year, 11, 1)
    if schedule_identifier.endswith(("-december",)):
        return date(year, 12, 1)
    return date(year, 9, 1)  # autumn


class _Clock:
    """UTC now, strictly increasing, so updated_since and sorting never see a tie."""

    def __init__(self) -> None:
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        moment = max(datetime.now(UTC), self._last + timedelta(microseconds=1))
        self._last = moment
        return moment


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_time(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class Exchange:
    """One request and the response the simulator sent, with what the document says is wrong."""

    method: str
    path: str
    query: str
    status: int
    request_problems: list[str]
    response_problems: list[str]
    injected: bool = False  # a failure a test asked for (fail_next): not the simulator's answer
    request_body: Any = None
    response_body: Any = None


class ApiError(Exception):
    """Ends a request with ``status`` and ``body``."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status, body)
        self.status = status
        self.body = body


def unprocessable(title: str, detail: str) -> ApiError:
    """The DfE's 422 shape: errors with the attribute as title and a sentence as detail."""
    return ApiError(422, {"errors": [{"title": title, "detail": detail}]})


@dataclass
class _Failure:
    status: int
    times: int


@dataclass
class DfeSimulator:
    token: str = "dfe-test-token"
    lead_provider_name: str = "Test Institute"
    log: list[Exchange] = field(default_factory=list)
    applications: dict[str, dict[str, Any]] = field(default_factory=dict)
    declarations: dict[str, dict[str, Any]] = field(default_factory=dict)
    outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    statements: dict[str, dict[str, Any]] = field(default_factory=dict)
    participants: dict[str, dict[str, Any]] = field(default_factory=dict)
    inserted_during_paging: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._clock = _Clock()
        self._lock = threading.RLock()
        self._failures: list[_Failure] = []
        self._delays: list[float] = []
        self._insert_during_paging = False
        self._hooks: list[tuple[str, str, Callable[[], object]]] = []
        self._lost: list[int] = []
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._urls = Map([Rule(f"{API}{rule}", endpoint=name, methods=[method]) for rule, method, name in _ROUTES])

    # -- serving -------------------------------------------------------------------------------

    def start(self) -> DfeSimulator:
        self._server = make_server("127.0.0.1", 0, self._wsgi, threaded=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="dfe-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> DfeSimulator:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Where the client should point (the API's paths start with /api/v3 under it)."""
        assert self._server is not None, "the simulator is not started"
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header the simulator accepts."""
        return {"Authorization": f"Bearer {self.token}"}

    # -- what the log says -----------------------------------------------------------------

    def invalid_requests(self) -> list[Exchange]:
        """Requests the document does not allow (the client's bugs)."""
        return [exchange for exchange in self.log if exchange.request_problems]

    def invalid_responses(self) -> list[Exchange]:
        """Responses the simulator sent that the document does not allow (its own bugs, or a
        status the document leaves out); injected failures are not counted."""
        return [exchange for exchange in self.log if exchange.response_problems and not exchange.injected]

    # -- test hooks ----------------------------------------------------------------------------

    def add_application(self, **attributes: Any) -> str:
        """A pending application (a valid npq-senco one unless ``attributes`` say otherwise);
        returns its id."""
        with self._lock:
            now = stamp(self._clock.now())
            application_id = str(attributes.pop("id", uuid.uuid4()))
            record: dict[str, Any] = {
                "course_identifier": "npq-senco",
                "email": f"applicant-{application_id[:8]}@school.example.com",
                "email_validated": True,
                "employer_name": None,
                "employment_role": None,
                "full_name": "Sam Taylor",
                "funding_choice": None,
                "headteacher_status": "no",
                "ineligible_for_funding_reason": None,
                "participant_id": str(uuid.uuid4()),
                "private_childcare_provider_urn": None,
                "teacher_reference_number": "1234567",
                "teacher_reference_number_validated": True,
                "school_urn": "100000",
                "school_ukprn": None,
                "status": "pending",
                "reason_for_rejection": None,
                "works_in_school": True,
                "cohort": "2025",
                "cohort_suffix": "a",
                "eligible_for_funding": True,
                "targeted_delivery_funding_eligibility": False,
                "teacher_catchment": True,
                "teacher_catchment_country": "United Kingdom of Great Britain and Northern Ireland",
                "teacher_catchment_iso_country_code": "GBR",
                "itt_provider": None,
                "lead_mentor": False,
                "funded_place": None,
                "created_at": now,
                "updated_at": now,
                "schedule_identifier": None,
                "works_as_senco": True,
                "senco_start_date": "2023-09-01",
            }
            unknown = set(attributes) - set(record)
            assert not unknown, f"not attributes of an application: {sorted(unknown)}"
            record.update(attributes)
            self.applications[application_id] = record
            return application_id

    def add_statement(self, **attributes: Any) -> str:
        """A financial statement; returns its id."""
        with self._lock:
            now = stamp(self._clock.now())
            statement_id = str(attributes.pop("id", uuid.uuid4()))
            record = {
                "month": "May",
                "year": "2026",
                "cohort": "2025",
                "cut_off_date": "2026-04-30",
                "payment_date": "2026-05-25",
                "paid": False,
                "created_at": now,
                "updated_at": now,
            }
            record.update(attributes)
            self.statements[statement_id] = record
            return statement_id

    def set_declaration_state(self, declaration_id: str, state: str) -> None:
        """Move a declaration on as the DfE would (payable, paid, clawed_back …)."""
        with self._lock:
            declaration = self.declarations[declaration_id]
            declaration["state"] = state
            declaration["updated_at"] = stamp(self._clock.now())

    def withdraw_remotely(
        self, participant_id: str, reason: str = "other", course_identifier: str = "npq-senco"
    ) -> None:
        """A withdrawal made at the DfE, not through the API (the client finds it by polling)."""
        with self._lock:
            self._withdraw(participant_id, course_identifier, reason)

    def fail_next(self, status: int = 503, times: int = 1) -> None:
        """The next ``times`` requests get ``status`` (503, 500, 401 …) and change nothing."""
        with self._lock:
            self._failures.append(_Failure(status, times))

    def delay_next(self, seconds: float) -> None:
        """The next request is answered ``seconds`` late (for client timeouts)."""
        with self._lock:
            self._delays.append(seconds)

    def when_requested(self, method: str, path_end: str, hook: Callable[[], object]) -> None:
        """Call ``hook`` (once, in the server's thread) when the next ``method`` request whose path
        ends with ``path_end`` arrives, before it is answered: something happening at the same time."""
        with self._lock:
            self._hooks.append((method, path_end, hook))

    def lose_next_answer(self, status: int = 503) -> None:
        """The next request is carried out, but its answer is lost: the client gets ``status``
        (a gateway timing out after the DfE did the work)."""
        with self._lock:
            self._lost.append(status)

    def insert_during_paging(self) -> None:
        """After the next application listing's page 1 is sent, a new application appears."""
        with self._lock:
            self._insert_during_paging = True

    # -- WSGI ----------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        response = self._handle(request)
        return response(environ, start_response)

    def _handle(self, request: Request) -> Response:
        raw = request.get_data()
        url = request.url
        request_problems = validate_request(request.method, url, dict(request.headers), raw or None)
        injected = False
        with self._lock:
            hooks = [h for h in self._hooks if h[0] == request.method and request.path.endswith(h[1])][:1]
            for hook in hooks:
                self._hooks.remove(hook)
        for _, _, hook in hooks:
            hook()
        with self._lock:
            lost = self._lost.pop(0) if self._lost else None
            delay = self._delays.pop(0) if self._delays else 0.0
            failure = self._failures[0] if self._failures else None
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.pop(0)
        if delay:
            time.sleep(delay)
        if failure is not None:
            injected = True
            status, body = failure.status, (UNAUTHORISED if failure.status == 401 else {"error": "Injected failure"})
        else:
            status, body = self._answer(request, raw, request_problems)
            if lost is not None:
                injected, status, body = True, lost, {"error": "Injected failure: the answer was lost"}
        payload = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        response_problems = validate_response(request.method, url, status, headers, payload)
        with self._lock:
            self.log.append(
                Exchange(
                    method=request.method,
                    path=request.path,
                    query=request.query_string.decode(),
                    status=status,
                    request_problems=request_problems,
                    response_problems=response_problems,
                    injected=injected,
                    request_body=_json_or_text(raw),
                    response_body=body,
                )
            )
        _append_to_contract_log(request.method, request.path, status, request_problems, response_problems, injected)
        return Response(payload, status=status, headers=headers)

    def _answer(self, request: Request, raw: bytes, problems: list[str]) -> tuple[int, dict[str, Any]]:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return 401, UNAUTHORISED
        try:
            endpoint, args = self._urls.bind_to_environ(request.environ).match()
        except NotFound:
            return 404, NOT_FOUND
        except HTTPException as error:  # e.g. a method the path does not have
            return error.code or 405, {"error": error.name}
        if problems:
            return _refusal(raw, problems)
        body = _json_or_text(raw)
        try:
            with self._lock:
                handler = getattr(self, f"_{endpoint}")
                return 200, handler(request, body, **args)
        except ApiError as error:
            return error.status, error.body

    # -- applications ------------------------------------------------------------------------

    def _application(self, application_id: str) -> dict[str, Any]:
        return {"id": application_id, "type": "npq_application", "attributes": dict(self.applications[application_id])}

    def _find(self, table: dict[str, dict[str, Any]], record_id: str) -> dict[str, Any]:
        if record_id not in table:
            raise ApiError(404, NOT_FOUND)
        return table[record_id]

    def _list_applications(self, request: Request, _body: Any) -> dict[str, Any]:
        rows = list(self.applications.items())
        rows = _since(rows, request.args.get("filter[updated_since]"))
        if cohorts := request.args.get("filter[cohort]"):
            wanted = set(cohorts.split(","))
            rows = [(key, row) for key, row in rows if row["cohort"] in wanted]
        if participant_ids := request.args.get("filter[participant_id]"):
            wanted = set(participant_ids.split(","))
            rows = [(key, row) for key, row in rows if row["participant_id"] in wanted]
        rows = _sorted(rows, request.args.get("sort"))
        page, data = _page(rows, request)
        if page == 1 and self._insert_during_paging:
            self._insert_during_paging = False
            self.inserted_during_paging.append(self.add_application())
        return {"data": [self._application(key) for key, _ in data]}

    def _get_application(self, _request: Request, _body: Any, id: str) -> dict[str, Any]:
        self._find(self.applications, id)
        return {"data": self._application(id)}

    def _accept_application(self, _request: Request, body: Any, id: str) -> dict[str, Any]:
        application = self._find(self.applications, id)
        attributes = ((body or {}).get("data") or {}).get("attributes") or {}
        if application["status"] == "accepted":
            raise unprocessable("application", "This NPQ application has already been accepted")
        if application["status"] == "rejected":
            raise unprocessable("application", "Once rejected an application cannot change state")
        for other_id, other in self.applications.items():
            if (
                other_id != id
                and other["participant_id"] == application["participant_id"]
                and other["course_identifier"] == application["course_identifier"]
                and other["status"] == "accepted"
            ):
                raise unprocessable(
                    "application", "The participant has already had an application accepted for this course."
                )
        funded_place = attributes.get("funded_place")
        capped = int(application["cohort"]) >= FIRST_CAPPED_COHORT
        if capped and application["eligible_for_funding"] and funded_place is None:
            raise unprocessable("funded_place", "Set '#/funded_place' to true or false.")
        if funded_place and not application["eligible_for_funding"]:
            raise unprocessable(
                "funded_place",
                "The participant is not eligible for funding, so '#/funded_place' cannot be set to true.",
            )
        schedule = attributes.get("schedule_identifier") or DEFAULT_SCHEDULE.get(
            application["course_identifier"], "npq-leadership-autumn"
        )
        application.update(status="accepted", funded_place=funded_place if capped else None)
        application.update(schedule_identifier=schedule, updated_at=stamp(self._clock.now()))
        self._enrol(id)
        return {"data": self._application(id)}

    def _reject_application(self, _request: Request, _body: Any, id: str) -> dict[str, Any]:
        application = self._find(self.applications, id)
        if application["status"] == "rejected":
            raise unprocessable("application", "This NPQ application has already been rejected")
        if application["status"] == "accepted":
            raise unprocessable("application", "Once accepted an application cannot change state")
        application.update(status="rejected", updated_at=stamp(self._clock.now()))
        return {"data": self._application(id)}

    def _change_funded_place(self, _request: Request, body: Any, id: str) -> dict[str, Any]:
        application = self._find(self.applications, id)
        funded_place = body["data"]["attributes"]["funded_place"]
        if application["status"] != "accepted":
            raise unprocessable(
                "funded_place",
                "You must accept the application before attempting to change the '#/funded_place' setting.",
            )
        if funded_place and not application["eligible_for_funding"]:
            raise unprocessable(
                "funded_place", "This participant is not eligible for funding. Contact us if you think this is wrong."
            )
        if any(d["application_id"] == id and d["state"] not in RETRACTED_STATES for d in self.declarations.values()):
            raise unprocessable(
                "funded_place",
                "You cannot change the funded place because declarations have been submitted. You will need to void "
                "the existing declarations and resubmit them after changing the funded place.",
            )
        application.update(funded_place=funded_place, updated_at=stamp(self._clock.now()))
        self._touch_participant(application["participant_id"])
        return {"data": self._application(id)}

    # -- participants --------------------------------------------------------------------------

    def _enrol(self, application_id: str) -> None:
        application = self.applications[application_id]
        participant = self.participants.setdefault(
            application["participant_id"],
            {
                "full_name": application["full_name"],
                "previous_names": [],
                "teacher_reference_number": application["teacher_reference_number"],
                "updated_at": "",
                "npq_enrolments": [],
                "participant_id_changes": [],
            },
        )
        participant["npq_enrolments"].append(
            {
                "course_identifier": application["course_identifier"],
                "schedule_identifier": application["schedule_identifier"],
                "cohort": application["cohort"],
                "cohort_suffix": application["cohort_suffix"],
                "npq_application_id": application_id,
                "eligible_for_funding": application["eligible_for_funding"],
                "training_status": "active",
                "school_urn": application["school_urn"],
                "targeted_delivery_funding_eligibility": application["targeted_delivery_funding_eligibility"],
                "funded_place": application["funded_place"],
                "email": application["email"],
                "withdrawal": None,
                "deferral": None,
                "created_at": stamp(self._clock.now()),
            }
        )
        self._touch_participant(application["participant_id"])

    def _touch_participant(self, participant_id: str) -> None:
        participant = self.participants.get(participant_id)
        if participant is None:
            return
        for enrolment in participant["npq_enrolments"]:
            application = self.applications[enrolment["npq_application_id"]]
            enrolment["funded_place"] = application["funded_place"]
        participant["updated_at"] = stamp(self._clock.now())

    def _enrolment(self, participant_id: str, course_identifier: str) -> dict[str, Any]:
        participant = self._find(self.participants, participant_id)
        for enrolment in participant["npq_enrolments"]:
            if enrolment["course_identifier"] == course_identifier:
                return enrolment  # type: ignore[no-any-return]
        raise unprocessable(
            "course_identifier",
            "The entered '#/course_identifier' is not recognised for the given participant. Check details and try again.",
        )

    def _participant(self, participant_id: str) -> dict[str, Any]:
        return {
            "id": participant_id,
            "type": "npq-participant",
            "attributes": json.loads(json.dumps(self.participants[participant_id])),
        }

    def _list_participants(self, request: Request, _body: Any) -> dict[str, Any]:
        rows = _since(list(self.participants.items()), request.args.get("filter[updated_since]"))
        if status := request.args.get("filter[training_status]"):
            rows = [(k, p) for k, p in rows if any(e["training_status"] == status for e in p["npq_enrolments"])]
        _, data = _page(_sorted(rows, request.args.get("sort"), default="updated_at"), request)
        return {"data": [self._participant(key) for key, _ in data]}

    def _get_participant(self, _request: Request, _body: Any, id: str) -> dict[str, Any]:
        self._find(self.participants, id)
        return {"data": self._participant(id)}

    def _withdraw(self, participant_id: str, course_identifier: str, reason: str) -> None:
        enrolment = self._enrolment(participant_id, course_identifier)
        if enrolment["training_status"] == "withdrawn":
            raise unprocessable("participant_id", "The participant is already withdrawn")
        started = any(
            d["participant_id"] == participant_id
            and d["course_identifier"] == course_identifier
            and d["declaration_type"] == "started"
            and d["state"] in LIVE_STATES
            for d in self.declarations.values()
        )
        if not started:
            raise unprocessable(
                "participant_id",
                "An NPQ participant who has not got a started declaration cannot be withdrawn. "
                "Please contact support for assistance",
            )
        enrolment["training_status"] = "withdrawn"
        enrolment["withdrawal"] = {"reason": reason, "date": stamp(self._clock.now())}
        self._touch_participant(participant_id)

    def _withdraw_participant(self, _request: Request, body: Any, id: str) -> dict[str, Any]:
        attributes = body["data"]["attributes"]
        self._withdraw(id, attributes["course_identifier"], attributes["reason"])
        return {"data": self._participant(id)}

    def _defer_participant(self, _request: Request, body: Any, id: str) -> dict[str, Any]:
        attributes = body["data"]["attributes"]
        enrolment = self._enrolment(id, attributes["course_identifier"])
        if enrolment["training_status"] == "deferred":
            raise unprocessable("participant_id", "The participant is already deferred")
        if enrolment["training_status"] == "withdrawn":
            raise unprocessable("participant_id", "The participant is already withdrawn")
        if not any(d["participant_id"] == id and d["state"] in LIVE_STATES for d in self.declarations.values()):
            raise unprocessable("participant_id", "You cannot defer an NPQ participant that has no declarations")
        enrolment["training_status"] = "deferred"
        enrolment["deferral"] = {"reason": attributes["reason"], "date": stamp(self._clock.now())}
        self._touch_participant(id)
        return {"data": self._participant(id)}

    def _resume_participant(self, _request: Request, body: Any, id: str) -> dict[str, Any]:
        enrolment = self._enrolment(id, body["data"]["attributes"]["course_identifier"])
        if enrolment["training_status"] == "active":
            raise unprocessable("participant_id", "The participant is already active")
        enrolment.update(training_status="active", deferral=None, withdrawal=None)
        self._touch_participant(id)
        return {"data": self._participant(id)}

    def _change_schedule(self, _request: Request, body: Any, id: str) -> dict[str, Any]:
        attributes = body["data"]["attributes"]
        enrolment = self._enrolment(id, attributes["course_identifier"])
        cohort = attributes.get("cohort") or enrolment["cohort"]
        starts = schedule_start(attributes["schedule_identifier"], cohort)
        for declaration in self.declarations.values():
            if (
                declaration["participant_id"] == id
                and declaration["course_identifier"] == attributes["course_identifier"]
                and declaration["state"] in LIVE_STATES
                and _date_of(declaration["declaration_date"]) < starts
            ):
                raise unprocessable(
                    "schedule_identifier",
                    "Changing schedule would invalidate existing declarations. Please void them first.",
                )
        enrolment.update(schedule_identifier=attributes["schedule_identifier"], cohort=cohort)
        application = self.applications[enrolment["npq_application_id"]]
        application.update(schedule_identifier=attributes["schedule_identifier"], cohort=cohort)
        application["updated_at"] = stamp(self._clock.now())
        self._touch_participant(id)
        return {"data": self._participant(id)}

    # -- declarations --------------------------------------------------------------------------

    def _declaration(self, declaration_id: str) -> dict[str, Any]:
        return {
            "id": declaration_id,
            "type": "participant-declaration",
            "attributes": dict(self.declarations[declaration_id]),
        }

    def _create_declaration(self, _request: Request, body: Any) -> dict[str, Any]:
        attributes = body["data"]["attributes"]
        participant_id = attributes["participant_id"]
        course = attributes["course_identifier"]
        if participant_id not in self.participants:
            raise unprocessable(
                "participant_id",
                "Your update cannot be made as the '#/participant_id' is not recognised. Check participant details and try again.",
            )
        enrolment = self._enrolment(participant_id, course)
        declared = parse_time(attributes["declaration_date"])
        now = self._clock.now()
        if declared is None:
            raise unprocessable("declaration_date", "Enter a valid RFC3339 '#/declaration_date'.")
        if declared > now:
            raise unprocessable(
                "declaration_date",
                "The '#/declaration_date' value cannot be a future date. Check the date and try again.",
            )
        if declared.date() < schedule_start(enrolment["schedule_identifier"], enrolment["cohort"]):
            raise unprocessable(
                "declaration_date", "Enter a '#/declaration_date' that's on or after the schedule start."
            )
        withdrawal = enrolment["withdrawal"]
        if enrolment["training_status"] == "withdrawn" and withdrawal and declared > parse_time(withdrawal["date"]):  # type: ignore[operator]
            raise unprocessable(
                "participant_id",
                f"This participant withdrew from this course on {withdrawal['date']}. "
                "Enter a '#/declaration_date' that's on or before the withdrawal date.",
            )
        for existing in self.declarations.values():
            if (
                existing["participant_id"] == participant_id
                and existing["course_identifier"] == course
                and existing["declaration_type"] == attributes["declaration_type"]
                and existing["state"] not in RETRACTED_STATES
            ):
                raise unprocessable(
                    "base", f"There is already a declaration with state {existing['state']} for this application"
                )
        application = self.applications[enrolment["npq_application_id"]]
        funded = bool(application["eligible_for_funding"]) and application["funded_place"] is not False
        declaration_id = str(uuid.uuid4())
        self.declarations[declaration_id] = {
            "participant_id": participant_id,
            "declaration_type": attributes["declaration_type"],
            "course_identifier": course,
            "declaration_date": attributes["declaration_date"],
            "state": "eligible" if funded else "submitted",
            "has_passed": attributes.get("has_passed"),
            "statement_id": None,
            "clawback_statement_id": None,
            "uplift_paid": False,
            "lead_provider_name": self.lead_provider_name,
            "ineligible_for_funding_reason": None,
            "created_at": stamp(now),
            "delivery_partner_id": attributes.get("delivery_partner_id"),
            "delivery_partner_name": None,
            "secondary_delivery_partner_id": attributes.get("secondary_delivery_partner_id"),
            "secondary_delivery_partner_name": None,
            "application_id": enrolment["npq_application_id"],
            "updated_at": stamp(now),
        }
        if attributes["declaration_type"] == "completed":
            self._add_outcome(
                participant_id, course, "passed" if attributes["has_passed"] else "failed", declared.date().isoformat()
            )
        return {"data": self._declaration(declaration_id)}

    def _list_declarations(self, request: Request, _body: Any) -> dict[str, Any]:
        rows = _since(list(self.declarations.items()), request.args.get("filter[updated_since]"))
        if participant_ids := request.args.get("filter[participant_id]"):
            wanted = set(participant_ids.split(","))
            rows = [(k, d) for k, d in rows if d["participant_id"] in wanted]
        if cohorts := request.args.get("filter[cohort]"):
            wanted = set(cohorts.split(","))
            rows = [(k, d) for k, d in rows if self.applications[d["application_id"]]["cohort"] in wanted]
        _, data = _page(_sorted(rows, None), request)
        return {"data": [self._declaration(key) for key, _ in data]}

    def _get_declaration(self, _request: Request, _body: Any, id: str) -> dict[str, Any]:
        self._find(self.declarations, id)
        return {"data": self._declaration(id)}

    def _void_declaration(self, _request: Request, _body: Any, id: str) -> dict[str, Any]:
        declaration = self._find(self.declarations, id)
        if declaration["state"] in RETRACTED_STATES:
            raise unprocessable("id", "This declaration has already been voided.")
        declaration["state"] = "awaiting_clawback" if declaration["state"] == "paid" else "voided"
        if declaration["declaration_type"] == "completed":
            declaration["has_passed"] = None
        declaration["updated_at"] = stamp(self._clock.now())
        return {"data": self._declaration(id)}

    # -- outcomes ------------------------------------------------------------------------------

    def _add_outcome(self, participant_id: str, course: str, state: str, completion_date: str) -> str:
        now = stamp(self._clock.now())
        outcome_id = str(uuid.uuid4())
        self.outcomes[outcome_id] = {
            "state": state,
            "completion_date": completion_date,
            "course_identifier": course,
            "participant_id": participant_id,
            "created_at": now,
            "updated_at": now,
        }
        return outcome_id

    def _outcome(self, outcome_id: str) -> dict[str, Any]:
        return {"id": outcome_id, "type": "participant-outcome", "attributes": dict(self.outcomes[outcome_id])}

    def _create_outcome(self, _request: Request, body: Any, id: str) -> dict[str, Any]:
        attributes = body["data"]["attributes"]
        self._find(self.participants, id)
        self._enrolment(id, attributes["course_identifier"])
        # The DfE takes an outcome only against a standing completed declaration (ParticipantOutcomes::
        # Create, participant_has_no_completed_declarations): the first outcome rides on that declaration.
        if not any(
            d["participant_id"] == id
            and d["course_identifier"] == attributes["course_identifier"]
            and d["declaration_type"] == "completed"
            and d["state"] not in RETRACTED_STATES
            for d in self.declarations.values()
        ):
            raise unprocessable("base", NO_COMPLETED_DECLARATION)
        completed = parse_time(attributes["completion_date"])
        if completed is None:
            raise unprocessable(
                "completion_date", "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'"
            )
        if completed > self._clock.now():
            raise unprocessable(
                "completion_date",
                "The '#/completion_date' value cannot be a future date. Check the date and try again.",
            )
        outcome_id = self._add_outcome(
            id, attributes["course_identifier"], attributes["state"], attributes["completion_date"]
        )
        return {"data": self._outcome(outcome_id)}

    def _list_outcomes(self, request: Request, _body: Any) -> dict[str, Any]:
        rows = list(self.outcomes.items())
        if since := request.args.get("filter[created_since]"):
            after = parse_time(since)
            if after is None:
                raise ApiError(400, BAD_REQUEST)
            rows = [(k, o) for k, o in rows if parse_time(o["created_at"]) > after]  # type: ignore[operator]
        _, data = _page(_sorted(rows, None), request)
        return {"data": [self._outcome(key) for key, _ in data]}

    def _participant_outcomes(self, request: Request, _body: Any, id: str) -> dict[str, Any]:
        self._find(self.participants, id)
        rows = [(k, o) for k, o in self.outcomes.items() if o["participant_id"] == id]
        _, data = _page(_sorted(rows, None), request)
        return {"data": [self._outcome(key) for key, _ in data]}

    # -- statements ----------------------------------------------------------------------------

    def _statement(self, statement_id: str) -> dict[str, Any]:
        return {"id": statement_id, "type": "statement", "attributes": dict(self.statements[statement_id])}

    def _list_statements(self, request: Request, _body: Any) -> dict[str, Any]:
        rows = _since(list(self.statements.items()), request.args.get("filter[updated_since]"))
        if cohorts := request.args.get("filter[cohort]"):
            wanted = set(cohorts.split(","))
            rows = [(k, s) for k, s in rows if s["cohort"] in wanted]
        _, data = _page(_sorted(rows, None), request)
        return {"data": [self._statement(key) for key, _ in data]}

    def _get_statement(self, _request: Request, _body: Any, id: str) -> dict[str, Any]:
        self._find(self.statements, id)
        return {"data": self._statement(id)}


# (rule under /api/v3, method, handler name without its leading underscore)
_ROUTES = (
    ("/npq-applications", "GET", "list_applications"),
    ("/npq-applications/<id>", "GET", "get_application"),
    ("/npq-applications/<id>/accept", "POST", "accept_application"),
    ("/npq-applications/<id>/reject", "POST", "reject_application"),
    ("/npq-applications/<id>/change-funded-place", "PUT", "change_funded_place"),
    ("/participant-declarations", "GET", "list_declarations"),
    ("/participant-declarations", "POST", "create_declaration"),
    ("/participant-declarations/<id>", "GET", "get_declaration"),
    ("/participant-declarations/<id>/void", "PUT", "void_declaration"),
    ("/participants/npq", "GET", "list_participants"),
    ("/participants/npq/outcomes", "GET", "list_outcomes"),
    ("/participants/npq/<id>", "GET", "get_participant"),
    ("/participants/npq/<id>/withdraw", "PUT", "withdraw_participant"),
    ("/participants/npq/<id>/defer", "PUT", "defer_participant"),
    ("/participants/npq/<id>/resume", "PUT", "resume_participant"),
    ("/participants/npq/<id>/change-schedule", "PUT", "change_schedule"),
    ("/participants/npq/<id>/outcomes", "GET", "participant_outcomes"),
    ("/participants/npq/<id>/outcomes", "POST", "create_outcome"),
    ("/statements", "GET", "list_statements"),
    ("/statements/<id>", "GET", "get_statement"),
)


# -- helpers -----------------------------------------------------------------------------------


def _append_to_contract_log(
    method: str, path: str, status: int, request_problems: list[str], response_problems: list[str], injected: bool
) -> None:
    """With ``DFE_CONTRACT_LOG`` set (make verify's dfe-contract row), every exchange is also written
    there as a JSON line, so a run of the journeys can be counted from outside the test process."""
    target = os.environ.get("DFE_CONTRACT_LOG")
    if not target:
        return
    line = json.dumps(
        {
            "method": method,
            "path": path,
            "status": status,
            "request_problems": request_problems,
            "response_problems": response_problems,
            "injected": injected,
        }
    )
    with open(target, "a", encoding="utf-8") as log:  # one short append a line: workers do not interleave
        log.write(line + "\n")


def _json_or_text(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def _refusal(raw: bytes, problems: list[str]) -> tuple[int, dict[str, Any]]:
    """The DfE's answer to a request the document does not allow: 400 when the body is not the
    JSON structure at all, else 422 with one error per problem, titled by the attribute."""
    if any(problem.startswith("path parameter") for problem in problems):
        return 404, NOT_FOUND  # an id that is not a uuid names nothing
    if any(problem.startswith("query parameter") for problem in problems):
        return 400, {"errors": [{"title": "Bad request", "detail": problem} for problem in problems]}
    body = _json_or_text(raw)
    if raw and not (isinstance(body, dict) and isinstance(body.get("data"), dict)):
        return 400, BAD_REQUEST
    errors = []
    for problem in problems:
        where, _, detail = problem.partition(": ")
        attribute = where.rsplit(".", 1)[-1].removeprefix("request body ").strip("'")
        if attribute == "has_passed" and "required" in detail:
            detail = (
                "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant "
                "has passed or failed their course."
            )
        errors.append({"title": attribute, "detail": f"{where}: {detail}"})
    return 422, {"errors": errors}


def _since(rows: list[tuple[str, dict[str, Any]]], since: str | None) -> list[tuple[str, dict[str, Any]]]:
    if not since:
        return rows
    after = parse_time(since)
    if after is None:
        raise ApiError(400, BAD_REQUEST)
    return [(key, row) for key, row in rows if parse_time(row["updated_at"]) > after]  # type: ignore[operator]


def _sorted(
    rows: list[tuple[str, dict[str, Any]]], sort: str | None, default: str = "created_at"
) -> list[tuple[str, dict[str, Any]]]:
    key = sort or default
    descending = key.startswith("-")
    name = key.lstrip("-")
    return sorted(rows, key=lambda item: item[1][name], reverse=descending)


def _page(rows: list[Any], request: Request) -> tuple[int, list[Any]]:
    page = max(int(request.args.get("page[page]", 1)), 1)
    per_page = min(max(int(request.args.get("page[per_page]", DEFAULT_PER_PAGE)), 1), MAX_PER_PAGE)
    start = (page - 1) * per_page
    return page, rows[start : start + per_page]


def _date_of(text: str) -> date:
    moment = parse_time(text)
    assert moment is not None
    return moment.date()


def pages(get: Callable[[int], list[Any]]) -> Iterator[Any]:
    """Every item of a paged listing, page after page until an empty one (a test helper)."""
    number = 1
    while items := get(number):
        yield from items
        number += 1
