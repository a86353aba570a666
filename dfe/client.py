"""A small client of the DfE's NPQ Registration API (v3) over httpx.

It speaks the API's JSON:API-like shapes and turns every way a call can go wrong into one of a few
exceptions a page or job can explain: the DfE cannot be reached (retry later), the token was refused,
the record is not there, or the DfE refused the request with its list of errors. Reads are retried
a few times on a network failure or a 5xx; writes are not (the caller's queue sends them again, after
checking the DfE has not got them already), so nothing is ever sent twice by the client itself.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from dfe.contract import API_PREFIX, PER_PAGE

TIMEOUT_SECONDS = 20.0  # connecting, and each read; a slow DfE is "try again later", not a hung worker
READ_ATTEMPTS = 3
BACKOFF_SECONDS = 1.0  # doubled after each failed read
MAX_PAGES = 1_000  # 100,000 records at 100 a page: a listing that never ends is a fault, not data


@dataclass
class DfeError(Exception):
    """A call to the DfE did not do what was asked. ``problems`` are the DfE's own errors, each
    ``{"title": …, "detail": …}`` (title is usually the attribute concerned)."""

    message: str
    status: int | None = None
    problems: list[dict[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.message


class DfeUnreachable(DfeError):
    """No answer, a timeout, or a 5xx / 429: nothing was decided; try again later."""


class DfeUnauthorised(DfeError):
    """401: the token is wrong, expired or for another environment."""


class DfeNotFound(DfeError):
    """404: the DfE has no such record (or not for this provider)."""


class DfeRefused(DfeError):
    """400 or 422: the DfE read the request and refused it, saying why in ``problems``."""


class DfeBadAnswer(DfeError):
    """The DfE answered with something that is not the API's shape."""


def _problems(response: httpx.Response) -> list[dict[str, str]]:
    """The DfE's ``{"errors": [{"title", "detail"}]}`` as plain strings; never raises."""
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    found = []
    for error in errors[:50]:
        if isinstance(error, dict):
            found.append({"title": str(error.get("title", ""))[:200], "detail": str(error.get("detail", ""))[:1_000]})
    return found


def api_root(base_url: str) -> str:
    """The service's address with or without ``/api/v3`` (both are written in the DfE's guidance)."""
    root = base_url.strip().rstrip("/")
    return root[: -len(API_PREFIX)] if root.endswith(API_PREFIX) else root


class DfeClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        backoff: float = BACKOFF_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._backoff = backoff
        self._http = httpx.Client(
            base_url=api_root(base_url) + API_PREFIX,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,  # a redirect would carry the token elsewhere
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> DfeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- the calls ---------------------------------------------------------------------------

    def get(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One record or one page: retried on a network failure or 5xx."""
        for attempt in range(READ_ATTEMPTS):
            try:
                return self._call("GET", path, params=params)
            except DfeUnreachable:
                if attempt == READ_ATTEMPTS - 1:
                    raise
                time.sleep(self._backoff * 2**attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A write (POST or PUT), sent once."""
        return self._call(method, path, json=body)

    def pages(
        self, path: str, params: dict[str, Any] | None = None, first_page: int = 1, per_page: int = PER_PAGE
    ) -> Iterator[tuple[int, list[dict[str, Any]]]]:
        """``(page number, records)`` until a page comes back short. The API has no total and no
        next link: an empty or short page is the end."""
        for page in range(first_page, first_page + MAX_PAGES):
            answer = self.get(path, {**(params or {}), "page[page]": page, "page[per_page]": per_page})
            records = answer.get("data")
            if not isinstance(records, list):
                raise DfeBadAnswer(f"The DfE's list at {path} had no data array")
            yield page, records
            if len(records) < per_page:
                return
        raise DfeBadAnswer(f"The DfE's list at {path} did not end after {MAX_PAGES} pages")

    # ---- one request ---------------------------------------------------------------------------

    def _call(
        self, method: str, path: str, params: dict[str, Any] | None = None, json: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, params=params, json=json)
        except httpx.TimeoutException as error:
            raise DfeUnreachable("The DfE did not answer in time") from error
        except httpx.TransportError as error:
            raise DfeUnreachable("The DfE could not be reached") from error
        return _answer(response)


def _answer(response: httpx.Response) -> dict[str, Any]:
    status = response.status_code
    if status == 401:
        raise DfeUnauthorised("The DfE refused the API token", status)
    if status == 404:
        raise DfeNotFound("The DfE has no such record", status)
    if status in (400, 422):
        raise DfeRefused("The DfE refused the request", status, _problems(response))
    if status == 429 or status >= 500:
        raise DfeUnreachable(f"The DfE is not answering properly (HTTP {status})", status)
    if not 200 <= status < 300:
        raise DfeBadAnswer(f"The DfE answered HTTP {status}", status)
    try:
        body = response.json(parse_constant=_no_constant)
    except (ValueError, RecursionError) as error:  # not JSON, NaN, or nested past Python's limit
        raise DfeBadAnswer("The DfE's answer was not JSON", status) from error
    if not isinstance(body, dict):
        raise DfeBadAnswer("The DfE's answer was not a JSON object", status)
    return body


def _no_constant(name: str) -> float:
    """NaN and Infinity are not JSON: an answer carrying them is refused, not half-read."""
    raise ValueError(name)
