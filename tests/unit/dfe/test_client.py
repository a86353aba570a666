"""The DfE client against the simulator of the DfE's API, and against a server that answers badly:
every failure is one of the client's few errors, with what a person needs to read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from dfe.client import DfeBadAnswer, DfeClient, DfeRefused, DfeUnauthorised, DfeUnreachable, api_root
from tests.dfe_simulator import DfeSimulator


@pytest.fixture
def sim() -> Iterator[DfeSimulator]:
    with DfeSimulator() as simulator:
        yield simulator


def _client(sim: DfeSimulator, token: str | None = None, timeout: float = 5.0) -> DfeClient:
    return DfeClient(sim.base_url, token or sim.token, timeout=timeout, backoff=0)


def test_pages_are_read_to_the_end_and_every_request_is_the_documents(sim: DfeSimulator) -> None:
    for n in range(5):
        sim.add_application(full_name=f"Applicant {n}")
    with _client(sim) as client:
        pages = list(client.pages("/npq-applications", {"sort": "updated_at"}, per_page=2))
    assert [len(records) for _, records in pages] == [2, 2, 1]
    assert sim.invalid_requests() == []


def test_a_wrong_token_is_unauthorised(sim: DfeSimulator) -> None:
    with _client(sim, token="not-the-token") as client, pytest.raises(DfeUnauthorised, match="refused the API token"):
        client.get("/npq-applications")


def test_reads_are_retried_through_a_short_outage_but_not_forever(sim: DfeSimulator) -> None:
    sim.add_application()
    sim.fail_next(503, times=2)
    with _client(sim) as client:
        assert len(client.get("/npq-applications")["data"]) == 1  # the third attempt got through
        sim.fail_next(503, times=3)
        with pytest.raises(DfeUnreachable, match="HTTP 503"):
            client.get("/npq-applications")


def test_a_write_is_sent_once_even_when_it_fails(sim: DfeSimulator) -> None:
    application = sim.add_application()
    sim.fail_next(500)
    with _client(sim) as client, pytest.raises(DfeUnreachable):
        client.send(
            "POST",
            f"/npq-applications/{application}/accept",
            {"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}},
        )
    assert [e.path for e in sim.log].count(f"/api/v3/npq-applications/{application}/accept") == 1
    assert sim.applications[application]["status"] == "pending"


def test_a_slow_dfe_is_unreachable_not_a_hung_worker(sim: DfeSimulator) -> None:
    sim.delay_next(1.5)
    with _client(sim, timeout=0.5) as client, pytest.raises(DfeUnreachable, match="did not answer in time"):
        client.send("GET", "/npq-applications")


def test_a_refusal_carries_the_dfes_errors(sim: DfeSimulator) -> None:
    application = sim.add_application()
    body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}}
    with _client(sim) as client:
        client.send("POST", f"/npq-applications/{application}/accept", body)
        with pytest.raises(DfeRefused) as refused:
            client.send("POST", f"/npq-applications/{application}/accept", body)
    assert refused.value.status == 422
    assert refused.value.problems and all(p["detail"] for p in refused.value.problems)


@contextmanager
def _answering(body: bytes, status: int = 200) -> Iterator[str]:
    def app(environ, start_response):  # type: ignore[no-untyped-def]
        Request(environ).get_data()
        return Response(body, status=status, content_type="application/json")(environ, start_response)

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b'{"data": [NaN]}', 200, "not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, 200, "not JSON"),
        (b"<html>maintenance</html>", 200, "not JSON"),
        (b"[1, 2]", 200, "not a JSON object"),
        (b'{"data": {"id": 1}}', 200, "no data array"),
        (b"{}", 302, "HTTP 302"),
    ],
)
def test_an_answer_that_is_not_the_apis_shape_is_refused_whole(body: bytes, status: int, words: str) -> None:
    with (
        _answering(body, status) as url,
        DfeClient(url, "token", backoff=0) as client,
        pytest.raises(DfeBadAnswer, match=words),
    ):
        list(client.pages("/npq-applications"))


def test_the_address_may_be_given_with_or_without_the_api_path() -> None:
    assert (
        api_root("https://sandbox.register-npq.education.gov.uk/api/v3/")
        == "https://sandbox.register-npq.education.gov.uk"
    )
    assert api_root("https://sandbox.register-npq.education.gov.uk") == "https://sandbox.register-npq.education.gov.uk"
