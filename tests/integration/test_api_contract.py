"""The OpenAPI document: valid, complete, served with its page from this app, and true.

"True" means every documented operation is called here and answers with its documented status
and a body that matches its documented schema; an operation added without a call here fails.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from marshmallow import Schema
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate
from sqlalchemy import select

from core.accounts import api_tokens
from core.accounts.models import User
from core.accounts.roles import Role
from core.api import UniqueSchemaNames
from core.extensions import db
from curriculum.models import ProgrammeVersion, VersionStatus
from tests.conftest import load_content

SPEC_URL = "/api/v1/openapi.json"
METHODS = {"get", "post", "put", "patch", "delete"}
# Operations that take no body by design: starting a draft changes nothing anyone has edited.
BODYLESS = {("post", "/api/v1/programmes/{programme_id}/draft")}
DOCUMENT = {
    "schema_version": 1,
    "programme": {"name": "Contract", "provider": "Spec Trust", "cohort_start": "2026-01-05", "length_weeks": 52},
    "modules": [],
}
RUBRIC = {
    "key": "chair-meeting",
    "title": "Chair a meeting",
    "model": "faults",
    "fault_limit": 2,
    "criteria": [{"key": "agenda", "title": "Keeps to the agenda"}, {"key": "voice", "title": "Hears the child"}],
    "fault_types": [
        {"key": "speaks-over-pupil", "title": "Speaks over the pupil", "criterion": "voice", "severity": "minor"}
    ],
}


@pytest.fixture
def spec(client) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = client.get(SPEC_URL)
    assert response.status_code == 200
    return response.json


@pytest.fixture
def headers(app, make_person) -> dict[str, str]:  # type: ignore[no-untyped-def]
    load_content(app, "Catalogue", "Scenarios")
    person_id = make_person("contract@example.org", Role.DESIGNER)
    with app.app_context():
        return {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, person_id), 'contract')}"}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, op) for path, item in spec["paths"].items() for method, op in item.items() if method in METHODS
    ]


def _check(spec: dict[str, Any], operation: dict[str, Any], response) -> None:  # type: ignore[no-untyped-def]
    """The answer's status is documented and its JSON matches the documented schema."""
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, f"status {response.status_code} is not documented: {response.json}"
    if "$ref" in documented:
        documented = spec["components"]["responses"][documented["$ref"].rsplit("/", 1)[-1]]
    schema = documented["content"]["application/json"]["schema"]
    OAS30Validator({**schema, "components": spec["components"]}).validate(response.json)


def test_the_document_is_valid_openapi_3(spec):
    validate(spec)
    assert spec["openapi"].startswith("3.")


def test_every_operation_documents_its_request_and_response_schemas(spec):
    missing = []
    for method, path, op in _operations(spec):
        successes = [r for status, r in op["responses"].items() if status.startswith("2")]
        if not successes or not all("schema" in r.get("content", {}).get("application/json", {}) for r in successes):
            missing.append(f"{method.upper()} {path}: response schema")
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
        if method in {"post", "put", "patch"} and (method, path) not in BODYLESS and "schema" not in body:
            missing.append(f"{method.upper()} {path}: request schema")
        for status in ("401", "403"):
            if status not in op["responses"]:
                missing.append(f"{method.upper()} {path}: {status}")
    assert missing == []


def test_every_change_that_takes_a_lock_documents_if_match_409_412_and_428(spec):
    for method, path, op in _operations(spec):
        names = [p.get("name") for p in op.get("parameters", [])]
        if method in {"patch", "delete"} or path.endswith(("/publish", "/draft/modules")):
            assert "If-Match" in names, path
        if "If-Match" in names:
            assert {"409", "412", "428"} <= set(op["responses"]), (method, path)


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls += [v for k, v in attrs if k in {"src", "href"} and v]
        if tag == "script" and not found.get("src"):
            self.inline.append("an inline script")
        if tag == "style" or "style" in found or any(k.startswith("on") for k in found):
            self.inline.append(f"inline style or handler on <{tag}>")


def test_the_docs_page_loads_every_file_from_this_app_with_no_inline_code(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    page = _Assets()
    page.feed(response.get_data(as_text=True))
    assert page.inline == []
    assert any(url.endswith("swagger-ui-bundle.js") for url in page.urls)
    for url in page.urls:
        parts = urlsplit(url)
        assert not parts.scheme and not parts.netloc, f"{url} comes from another host"
        assert client.get(url).status_code == 200, url


def test_the_docs_script_asks_no_other_host_for_anything(client):
    script = client.get("/static/api-docs/init.js").get_data(as_text=True)
    assert re.search(r"https?://", script) is None
    assert "validatorUrl: null" in script  # Swagger UI's default badge is an image from elsewhere


def _token(app, make_person, email: str, role: Role) -> tuple[int, dict[str, str]]:  # type: ignore[no-untyped-def]
    person_id = make_person(email, role)
    with app.app_context():
        return person_id, {"Authorization": f"Bearer {api_tokens.issue_token(db.session.get(User, person_id), email)}"}


def _published_version_id(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(ProgrammeVersion.id).where(ProgrammeVersion.status == VersionStatus.PUBLISHED))


def test_every_documented_operation_answers_as_documented(app, client, spec, headers, make_person):
    operations = {(method, path): op for method, path, op in _operations(spec)}
    called: set[tuple[str, str]] = set()

    def call(method: str, template: str, url: str | None = None, **kwargs: Any):  # type: ignore[no-untyped-def]
        response = client.open(
            url or template, method=method.upper(), headers=headers | kwargs.pop("extra", {}), **kwargs
        )
        assert response.status_code < 300, (method, url or template, response.json)
        _check(spec, operations[(method, template)], response)
        called.add((method, template))
        return response

    p = "/api/v1/programmes/{programme_id}"
    r = "/api/v1/rubrics/{rubric_id}"
    call("get", "/api/v1/catalogue/modules", "/api/v1/catalogue/modules?q=law")
    programme = call("post", "/api/v1/programmes", json=DOCUMENT).json
    at = programme["url"]
    lock = call(
        "post",
        f"{p}/draft/modules",
        f"{at}/draft/modules",
        json={"catalogue_key": "send-law-foundations", "lock_version": programme["lock_version"]},
    ).json["lock_version"]
    lock = call(
        "patch",
        f"{p}/draft/modules/{{key}}",
        f"{at}/draft/modules/send-law-foundations",
        json={"hours": 8, "lock_version": lock},
    ).json["lock_version"]
    call("get", "/api/v1/programmes")
    call("get", p, at)
    call("get", f"{p}/versions/{{label}}", f"{at}/versions/draft")
    call("get", f"{p}/analysis", f"{at}/analysis")
    call("post", f"{p}/publish", f"{at}/publish", json={"lock_version": lock})
    tag = call("post", f"{p}/draft", f"{at}/draft").headers["ETag"]
    call("delete", f"{p}/draft/modules/{{key}}", f"{at}/draft/modules/send-law-foundations", extra={"If-Match": tag})
    call("get", f"{p}/compare", f"{at}/compare?from=1&to=draft")

    call("get", "/api/v1/scenarios")
    rubric = call("post", "/api/v1/rubrics", json=RUBRIC).json
    call("get", "/api/v1/rubrics")
    call("get", r, rubric["url"])
    call("get", f"{r}/versions/{{number}}", f"{rubric['url']}/versions/1")
    call("post", f"{r}/try", f"{rubric['url']}/try", json={"evidence": {"judgements": [{"criterion": "agenda"}]}})
    call("post", f"{r}/publish", f"{rubric['url']}/publish", json={"lock_version": rubric["lock_version"]})

    # assessments: a cohort on the published version, a trainee enrolled, a mentor observing
    mentor_id, mentor = _token(app, make_person, "walk-mentor@example.org", Role.MENTOR)
    trainee_id, trainee = _token(app, make_person, "walk-trainee@example.org", Role.TRAINEE)
    c, e, o = (
        "/api/v1/cohorts/{cohort_id}",
        "/api/v1/enrolments/{enrolment_id}",
        "/api/v1/observations/{observation_id}",
    )
    cohort = call(
        "post", "/api/v1/cohorts", json={"name": "Walk cohort", "programme_version_id": _published_version_id(app)}
    ).json
    call("get", "/api/v1/cohorts")
    call("get", c, cohort["url"])
    enrolment = call(
        "post",
        f"{c}/enrolments",
        cohort["enrolments_url"],
        json={"trainee_id": trainee_id, "mentor_ids": [mentor_id], "school": "Walk School"},
    )
    call("get", f"{c}/enrolments", cohort["enrolments_url"])
    call("get", "/api/v1/enrolments")
    at = enrolment.json["url"]
    call("get", e, at)
    call("patch", e, at, json={"school": "Walk Academy"}, extra={"If-Match": enrolment.headers["ETag"]})
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    observation = call(
        "post",
        f"{e}/observations",
        enrolment.json["observations_url"],
        json={"scenario_key": "annual-review", "observed_on": yesterday, "setting": "Hall"},
        extra=mentor | {"Idempotency-Key": "walk-observation-1"},
    )
    call("get", f"{e}/observations", enrolment.json["observations_url"], extra=mentor)
    changed = call(
        "patch",
        o,
        observation.json["url"],
        json={"setting": "Library"},
        extra=mentor | {"If-Match": observation.headers["ETag"]},
    )
    call(
        "post", f"{o}/submit", f"{observation.json['url']}/submit", extra=mentor | {"If-Match": changed.headers["ETag"]}
    )
    call("get", o, observation.json["url"], extra=mentor)
    call("get", f"{e}/progress", enrolment.json["progress_url"], extra=mentor)
    submitted = call("get", o, observation.json["url"], extra=mentor)
    call(
        "post",
        f"{o}/amendments",
        f"{observation.json['url']}/amendments",
        json={"setting": "Main hall", "reason": "The setting was written down wrongly"},
        extra=mentor | {"If-Match": submitted.headers["ETag"]},
    )
    call("get", f"{o}/revisions", f"{observation.json['url']}/revisions", extra=mentor)
    call("get", "/api/v1/register", "/api/v1/register?completed_only=false")
    ask = {"mentor_id": mentor_id, "scenario_key": "annual-review", "note": "Before half term, please"}
    declined = call("post", f"{e}/requests", f"{at}/requests", json=ask, extra=trainee).json
    call(
        "post",
        "/api/v1/requests/{request_id}/decline",
        f"/api/v1/requests/{declined['id']}/decline",
        json={"reason": "I am away that week"},
        extra=mentor,
    )
    accepted = call("post", f"{e}/requests", f"{at}/requests", json=ask, extra=trainee).json
    call(
        "post",
        "/api/v1/requests/{request_id}/accept",
        f"/api/v1/requests/{accepted['id']}/accept",
        json={"planned_on": date.today().isoformat()},
        extra=mentor,
    )
    call("get", "/api/v1/requests", extra=trainee)

    assert called == set(operations), "documented but not exercised here (or the reverse)"


def test_every_operation_refuses_a_missing_token_as_documented(client, spec):
    for method, path, op in _operations(spec):
        url = path.replace("{programme_id}", "1").replace("{rubric_id}", "1").replace("{number}", "1")
        url = url.replace("{label}", "draft").replace("{key}", "advocacy")
        for name in ("{cohort_id}", "{enrolment_id}", "{observation_id}", "{request_id}"):
            url = url.replace(name, "1")
        response = client.open(url, method=method.upper())
        assert response.status_code == 401, (method, path)
        _check(spec, op, response)


def test_errors_answer_with_the_documented_error_shape(client, spec, headers):
    operations = {(method, path): op for method, path, op in _operations(spec)}
    missing = client.get("/api/v1/programmes/99999", headers=headers)
    assert missing.status_code == 404
    _check(spec, operations[("get", "/api/v1/programmes/{programme_id}")], missing)
    at = client.post("/api/v1/programmes", json=DOCUMENT, headers=headers).json["url"]
    unlocked = client.post(f"{at}/draft/modules", json={"catalogue_key": "advocacy"}, headers=headers)
    assert unlocked.status_code == 428
    _check(spec, operations[("post", "/api/v1/programmes/{programme_id}/draft/modules")], unlocked)
    stale = client.post(
        f"{at}/draft/modules", json={"catalogue_key": "advocacy"}, headers=headers | {"If-Match": '"0"'}
    )
    assert stale.status_code == 412
    _check(spec, operations[("post", "/api/v1/programmes/{programme_id}/draft/modules")], stale)


def test_two_schemas_of_one_name_are_refused_when_the_document_is_built():
    first = type("ProgrammeSchema", (Schema,), {})
    second = type("ProgrammeSchema", (Schema,), {})
    names = UniqueSchemaNames()
    assert names(first) == "Programme" and names(first()) == "Programme"
    with pytest.raises(ValueError, match="Two schemas are called Programme"):
        names(second)
