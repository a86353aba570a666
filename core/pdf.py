"""The one module that calls WeasyPrint: HTML and print CSS in, PDF bytes out, fail-closed.

Why it is built this way:

* WeasyPrint's default fetcher reads ``file:``, ``http(s)``, ``ftp`` and ``data:`` URLs and follows
  redirects. :class:`AllowlistFetcher` serves only the packaged assets named in
  :func:`allowed_assets` (fonts and images under ``core/static``), matched as exact URLs, and raises
  ``FatalURLFetchingError`` for anything else, which stops the render. The same fetcher goes to
  every ``HTML(...)`` and ``CSS(...)``; stylesheets are passed as ``CSS(string=...)`` objects, never
  as URLs, and ``xmp_metadata`` is never given.
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
"""

from __future__ import annotations

import json
import mimetypes
import os
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

PROJECT_DIR = Path(__file__).resolve().parent.parent
STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FOLDER = str(STATIC_DIR) + os.sep
ASSET_FOLDERS = ("fonts", "images")  # what a printed document may load, and nothing else
MEMORY_LIMIT_MIB = 512
SECONDS_LIMIT = 30.0
AUTHOR = "NPQ SENCO designer"
LANGUAGE = "en-GB"
PDF_VARIANT = "pdf/ua-1"
_HEADER = struct.Struct(">I")
MESSAGE_MAX_BYTES = 64 * 1024 * 1024  # a request or a reply larger than this is refused


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


# ---- the allowlist (shared by the fetcher and the audit check) -----------------------------------


def allowed_assets() -> dict[str, Path]:
    """Exact ``file:`` URL → path of each asset a printed document may load."""
    found: dict[str, Path] = {}
    for folder in ASSET_FOLDERS:
        root = STATIC_DIR / folder
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    found[path.resolve().as_uri()] = path.resolve()
    return found


def base_url() -> str:
    """Relative URLs in documents and stylesheets resolve against the static folder."""
    return STATIC_DIR.resolve().as_uri() + "/"


def _code_folders() -> tuple[str, ...]:
    """Where Python code and data are read from (lazy imports open them): read-only, not documents.

    The project's own folder is not among them, though it is on the worker's path: it holds
    ``instance/`` (the secret key, the database, stored PDFs). A folder inside it (a virtualenv's
    site-packages) still counts; the project folder itself, or any folder above it, does not.
    """
    import sysconfig

    project = os.path.realpath(PROJECT_DIR)
    folders = {sysconfig.get_path(name) for name in ("stdlib", "platstdlib", "purelib", "platlib")}
    folders |= {p for p in sys.path if p and os.path.isdir(p)}
    found = {os.path.realpath(f) + os.sep for f in folders if f}
    return tuple(sorted(f for f in found if not (project + os.sep).startswith(f) and not f.startswith(STATIC_FOLDER)))


def instance_folder() -> str:
    """The app's instance folder as core.app finds it (INSTANCE_PATH, else the project's)."""
    return os.environ.get("INSTANCE_PATH") or str(PROJECT_DIR / "instance")


def denied_folders(instance_path: str | None = None) -> tuple[str, ...]:
    """Folders a render must never open, even if an allowed folder held them: the app's instance
    folder (secret key, database, stored PDFs, job results) and the project's default one."""
    named = instance_path or instance_folder()
    return tuple(sorted({os.path.realpath(named) + os.sep, os.path.realpath(PROJECT_DIR / "instance") + os.sep}))


def outside_allowlist(
    events: Sequence[tuple[str, str]],
    assets: Sequence[Path],
    folders: Sequence[str],
    denied: Sequence[str] = (),
) -> list[tuple[str, str]]:
    """The audit events a render must never cause: any connection, any open under ``denied`` (the
    instance folder), and any open that is not an allowed asset or under one of ``folders``
    (Python's own code, the worker's private temporary folder)."""
    allowed = {str(p) for p in assets}
    bad = []
    for event, argument in events:
        if event == "socket.connect":
            bad.append((event, argument))
        elif event == "open":
            real = os.path.realpath(argument)
            if any(real.startswith(folder) for folder in denied) or (
                real not in allowed and not any(real.startswith(folder) for folder in folders)
            ):
                bad.append((event, argument))
    return bad


# ---- the worker side (runs in the child process only) ---------------------------------------------


def _make_fetcher(assets: dict[str, Path]) -> Any:
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class AllowlistFetcher(URLFetcher):  # type: ignore[misc]
        """Serves the packaged assets by exact URL; anything else stops the render."""

        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
            # Every refusal is noted too: WeasyPrint swallows even fatal errors while drawing an SVG,
            # so the render checks this list afterwards and discards the PDF if anything was refused.
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = assets.get(url)
            if path is None:
                self.refused.append(url[:200])
                raise FatalURLFetchingError(f"Refused to fetch {url[:200]!r}: not a packaged asset")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

        def open(self, url: Any, data: Any = None, timeout: Any = None) -> Any:
            # OpenerDirector.open would reach urllib's handlers: never, whatever calls it.
            return self.fetch(url if isinstance(url, str) else url.full_url)

    return AllowlistFetcher()


def _read_message(stream: IO[bytes]) -> bytes | None:
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    if size > MESSAGE_MAX_BYTES:
        raise ValueError("message too large")
    return stream.read(size)


def _write_message(stream: IO[bytes], *parts: bytes) -> None:
    for part in parts:
        stream.write(_HEADER.pack(len(part)))
        stream.write(part)
    stream.flush()


def _limit_memory(mib: int) -> None:
    import resource

    limit = mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


class _Styles:
    """A worker's parsed stylesheets and their font configuration, kept between renders.

    Every plan of a cohort uses the same print CSS: parsing it and loading its ``@font-face`` fonts
    (WeasyPrint copies each font file and has fontconfig read it) once per worker, not once per
    document, is what keeps a worker's hundredth plan as cheap as its first layout and drawing.
    A parse that the fetcher refused anything for is never kept, and any failed render drops the
    lot, so a hostile document cannot leave anything behind for the next one.
    """

    KEEP = 8  # distinct sets of stylesheets kept (the app has a handful)

    def __init__(self) -> None:
        self.fonts: Any = None
        self.parsed: dict[tuple[str, ...], list[Any]] = {}

    def get(self, texts: tuple[str, ...], fetcher: Any) -> tuple[list[Any], Any]:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        if self.fonts is None or len(self.parsed) >= self.KEEP and texts not in self.parsed:
            self.fonts, self.parsed = FontConfiguration(), {}  # @font-face rules load through the fetcher only with one
        found = self.parsed.get(texts)
        if found is None:
            found = [CSS(string=s, base_url=base_url(), url_fetcher=fetcher, font_config=self.fonts) for s in texts]
            if not fetcher.refused:
                self.parsed[texts] = found
        return found, self.fonts

    def drop(self) -> None:
        self.fonts, self.parsed = None, {}


def _render_one(request: dict[str, Any], fetcher: Any, styles: _Styles | None = None) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher.refused.clear()
    styles = styles or _Styles()
    try:
        sheets, fonts = styles.get(tuple(request.get("stylesheets", [])), fetcher)
        html = HTML(string=request["html"], base_url=base_url(), url_fetcher=fetcher)
        pdf: bytes = html.write_pdf(
            stylesheets=sheets,
            font_config=fonts,
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            custom_metadata=False,
            presentational_hints=False,
        )
        if fetcher.refused:
            raise FatalURLFetchingError(f"Refused to fetch {fetcher.refused[0]!r}: not a packaged asset")
    except BaseException:
        styles.drop()
        raise
    return pdf


def serve(stdin: IO[bytes], stdout: IO[bytes], memory_mib: int, instance_path: str | None = None) -> None:
    """The worker's loop: one request in, one reply out, until the app closes the pipe."""
    events: list[tuple[str, str]] = []

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if event == "open":
            events.append((event, str(args[0])))
        elif event == "socket.connect":
            events.append((event, repr(args[1])[:200]))

    _limit_memory(memory_mib)
    import logging

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    assets = allowed_assets()
    fetcher = _make_fetcher(assets)
    # WeasyPrint copies each @font-face file into a temporary folder: a private one, emptied on exit.
    import atexit
    import shutil
    import tempfile

    tempfile.tempdir = os.path.realpath(tempfile.mkdtemp(prefix="pdf-worker-"))
    atexit.register(shutil.rmtree, tempfile.tempdir, True)
    folders = (*_code_folders(), tempfile.tempdir + os.sep)
    denied = denied_folders(instance_path)
    # Warm up (lazy imports, font discovery) before recording, so each reply lists only what that
    # render did.
    styles = _Styles()
    _render_one({"html": "<p>warm-up</p>"}, fetcher, styles)
    sys.addaudithook(hook)
    _write_message(stdout, json.dumps({"status": "ready"}).encode())
    while True:
        raw = _read_message(stdin)
        if raw is None:
            return
        events.clear()
        body = b""
        try:
            request = json.loads(raw)
            body = _render_one(request, fetcher, styles)
            reply: dict[str, Any] = {"status": "ok"}
        except MemoryError:
            reply = {"status": "memory", "message": f"The document needs more than {memory_mib} MiB of memory"}
        except BaseException as error:  # FatalURLFetchingError is a BaseException
            kind = "refused" if type(error).__name__ == "FatalURLFetchingError" else "failed"
            reply = {"status": kind, "message": str(error)[:500] or type(error).__name__}
        seen = list(events)
        bad = outside_allowlist(seen, list(assets.values()), folders, denied)
        if bad and reply["status"] == "ok":
            styles.drop()
            reply, body = {"status": "refused", "message": "The render reached outside its allowlist"}, b""
        reply["events"] = seen
        reply["outside"] = bad
        _write_message(stdout, json.dumps(reply).encode(), body)


# ---- the app side -----------------------------------------------------------------------------


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
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
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
        (size,) = _HEADER.unpack(self._read_exactly(process, _HEADER.size, deadline))
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
                _write_message(process.stdin, json.dumps(request).encode())
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


_in_process: dict[str, Any] = {}


def render_in_process(html: str, stylesheets: Sequence[str] = ()) -> bytes:
    """WeasyPrint alone on the same HTML and fetcher, no worker: the floor ``make bench`` compares with.
    It keeps its parsed stylesheets between calls as the worker does, so the comparison is fair."""
    if not _in_process:
        import atexit

        _in_process.update(fetcher=_make_fetcher(allowed_assets()), styles=_Styles())
        atexit.register(_in_process.clear)  # before interpreter shutdown, while WeasyPrint can still free its fonts
    return _render_one({"html": html, "stylesheets": list(stylesheets)}, _in_process["fetcher"], _in_process["styles"])


def _main() -> None:
    # The protocol keeps its own copy of stdout; anything a library prints goes to stderr instead.
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    memory_mib = int(sys.argv[1]) if len(sys.argv) > 1 else MEMORY_LIMIT_MIB
    serve(sys.stdin.buffer, replies, memory_mib, sys.argv[2] if len(sys.argv) > 2 else None)


if __name__ == "__main__":
    _main()
