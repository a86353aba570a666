"""Printed documents made by WeasyPrint: HTML and print CSS in, PDF bytes out, fail-closed.

Why it is built this way:

* WeasyPrint's default fetcher reads ``file:``, ``http(s)``, ``ftp`` and ``data:`` URLs and follows
  redirects. The ``AllowlistFetcher`` (:func:`~core.pdf.rendering.make_fetcher`) serves only the
  packaged assets named in :func:`allowed_assets` (fonts and images under ``core/static``), matched
  as exact URLs, and raises ``FatalURLFetchingError`` for anything else, which stops the render.
  The same fetcher goes to every ``HTML(...)`` and ``CSS(...)``; stylesheets are passed as
  ``CSS(string=...)`` objects, never as URLs, and ``xmp_metadata`` is never given.
* Rendering runs in a separate worker process (``python -m core.pdf``) started with an empty
  environment (no database URL, no secret key), an address-space limit (:data:`MEMORY_LIMIT_MIB`)
  and a wall-clock limit (:data:`SECONDS_LIMIT`) enforced by the app, which kills a runaway worker
  and raises :class:`PdfFailed`; the next render starts a fresh worker, and the app keeps serving.
* The worker installs an audit hook (``sys.addaudithook``) on ``open`` and ``socket.connect``; every
  result carries the events seen during that render, and a render that opened anything outside
  the allowlist (or connected anywhere) is refused, so a fetcher bug would fail closed too. The
  allowlist is the packaged fonts and images and Python's own code (stdlib, site-packages), not
  the project folder; anything under the instance folder is refused whatever else allows it.

Protocol between app and worker (pipes): a request is a length-prefixed JSON object; a reply is a
length-prefixed JSON header followed by the PDF's bytes. Nothing is unpickled.

The app's side is here: :func:`render_pdf`, :func:`render_checked`, the :class:`Worker` process
handle, :class:`PdfFailed` and the limits (read here by the error page, and set here by tests).
The rest is one module a subject, every public name importable from here:

- :mod:`~core.pdf.allowlist`: what a render may load and open, and what it must never open;
- :mod:`~core.pdf.protocol`: the framing of messages on the pipes;
- :mod:`~core.pdf.rendering`: the one module that calls WeasyPrint (fetcher, kept stylesheets);
- :mod:`~core.pdf.sandbox`: the worker process's loop, memory limit and audit hook
  (``python -m core.pdf`` runs it, from :mod:`core.pdf.__main__`).
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from core.pdf.allowlist import (
    ASSET_FOLDERS,
    PROJECT_DIR,
    STATIC_DIR,
    STATIC_FOLDER,
    allowed_assets,
    base_url,
    code_folders,
    denied_folders,
    instance_folder,
    outside_allowlist,
)
from core.pdf.protocol import HEADER, MESSAGE_MAX_BYTES, write_message
from core.pdf.rendering import AUTHOR, LANGUAGE, PDF_VARIANT, render_in_process
from core.pdf.sandbox import serve

__all__ = [
    "ASSET_FOLDERS",
    "AUTHOR",
    "LANGUAGE",
    "MEMORY_LIMIT_MIB",
    "MESSAGE_MAX_BYTES",
    "PDF_VARIANT",
    "PROJECT_DIR",
    "SECONDS_LIMIT",
    "STATIC_DIR",
    "STATIC_FOLDER",
    "Document",
    "PdfFailed",
    "Rendered",
    "Worker",
    "allowed_assets",
    "base_url",
    "close_worker",
    "code_folders",
    "denied_folders",
    "instance_folder",
    "outside_allowlist",
    "render_checked",
    "render_in_process",
    "render_pdf",
    "serve",
]

MEMORY_LIMIT_MIB = 512
SECONDS_LIMIT = 30.0


class PdfFailed(Exception):
    """The document could not be made: too slow, too large, refused, or the worker died."""

    def __init__(
        self,
        message: str,
        kind: str = "failed",
        events: tuple[tuple[str, str], ...] = (),
        outside: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind  # "timeout", "memory", "refused", "failed"
        self.events = events  # the worker's audit events during the failed render (if it answered)
        self.outside = outside  # those outside the allowlist


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    events: tuple[tuple[str, str], ...] = ()  # (audit event, argument) seen while rendering
    outside: tuple[tuple[str, str], ...] = ()  # the events outside the allowlist (always empty on success)


@dataclass(frozen=True)
class Document:
    """What to render: the final HTML (user text already escaped by Jinja) and print stylesheets."""

    html: str
    stylesheets: tuple[str, ...] = ()
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Worker:
    """One render worker process, started on first use; killed and replaced after a runaway render."""

    def __init__(self, memory_mib: int = MEMORY_LIMIT_MIB) -> None:
        self.memory_mib = memory_mib
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._owner = os.getpid()

    def _start(self, deadline: float) -> subprocess.Popen[bytes]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "HOME": os.environ.get("HOME", "/tmp"),
            "PYTHONPATH": str(PROJECT_DIR),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "core.pdf", str(self.memory_mib), instance_folder()],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            cwd=str(STATIC_DIR),
            close_fds=True,
        )
        self._receive(process, deadline)  # "ready"
        return process

    def _kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def _read_exactly(self, process: subprocess.Popen[bytes], size: int, deadline: float) -> bytes:
        assert process.stdout is not None
        fd = process.stdout.fileno()
        chunks, got = [], 0
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise PdfFailed("The document took too long to make", "timeout")
            chunk = os.read(fd, min(size - got, 1 << 20))
            if not chunk:
                raise PdfFailed("The document could not be made: the renderer stopped", "failed")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _receive_part(self, process: subprocess.Popen[bytes], deadline: float) -> bytes:
        (size,) = HEADER.unpack(self._read_exactly(process, HEADER.size, deadline))
        if size > MESSAGE_MAX_BYTES:
            raise PdfFailed("The document is too large", "memory")
        return self._read_exactly(process, size, deadline)

    def _receive(self, process: subprocess.Popen[bytes], deadline: float) -> dict[str, Any]:
        header: dict[str, Any] = json.loads(self._receive_part(process, deadline))
        return header

    def render(self, request: dict[str, Any], seconds: float) -> Rendered:
        with self._lock:
            if self._owner != os.getpid():  # a forked copy (e.g. a gunicorn worker): the pipes are the parent's
                self._process, self._owner = None, os.getpid()
            try:
                if self._process is None or self._process.poll() is not None:
                    # Starting is not the document's time: it has a deadline of its own.
                    self._process = self._start(time.monotonic() + SECONDS_LIMIT)
                process = self._process
                assert process.stdin is not None
                deadline = time.monotonic() + seconds
                write_message(process.stdin, json.dumps(request).encode())
                header = self._receive(process, deadline)
                body = self._receive_part(process, deadline)
            except (PdfFailed, OSError, ValueError) as error:
                self._kill()  # a runaway or dead worker: the next render starts a fresh one
                if isinstance(error, PdfFailed):
                    raise
                raise PdfFailed("The document could not be made: the renderer stopped", "failed") from None
        events = tuple((e, a) for e, a in header.get("events", ()))
        outside = tuple((e, a) for e, a in header.get("outside", ()))
        status = header.get("status")
        if status != "ok":
            raise PdfFailed(str(header.get("message", "The document could not be made")), str(status), events, outside)
        return Rendered(body, events, outside)

    def close(self) -> None:
        with self._lock:
            self._kill()


_worker = Worker()


def close_worker() -> None:
    """End this process's render worker (a pool process calls this as it ends)."""
    _worker.close()


def render_pdf(
    html: str, stylesheets: Sequence[str] = (), seconds: float | None = None, worker: Worker | None = None
) -> bytes:
    """The PDF of ``html`` (final, escaped) styled by ``stylesheets`` (CSS text), made by the worker."""
    return render_checked(html, stylesheets, seconds, worker).pdf


def render_checked(
    html: str, stylesheets: Sequence[str] = (), seconds: float | None = None, worker: Worker | None = None
) -> Rendered:
    """As :func:`render_pdf`, with the audit events the worker saw (for tests and ``make verify``)."""
    return (worker or _worker).render(
        {"html": html, "stylesheets": list(stylesheets)}, SECONDS_LIMIT if seconds is None else seconds
    )
