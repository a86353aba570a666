"""The render worker's side (``python -m core.pdf``, in a process of its own with no secrets): an
address-space limit, an audit hook on ``open`` and ``socket.connect``, and the loop that answers
one render request after another, refusing any render that reached outside the allowlist."""

from __future__ import annotations

import json
import os
import sys
from typing import IO, Any

from core.pdf.allowlist import allowed_assets, code_folders, denied_folders, outside_allowlist
from core.pdf.protocol import read_message, write_message
from core.pdf.rendering import Styles, make_fetcher, render_one


def _limit_memory(mib: int) -> None:
    import resource

    limit = mib * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


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
    fetcher = make_fetcher(assets)
    # WeasyPrint copies each @font-face file into a temporary folder: a private one, emptied on exit.
    import atexit
    import shutil
    import tempfile

    tempfile.tempdir = os.path.realpath(tempfile.mkdtemp(prefix="pdf-worker-"))
    atexit.register(shutil.rmtree, tempfile.tempdir, True)
    folders = (*code_folders(), tempfile.tempdir + os.sep)
    denied = denied_folders(instance_path)
    # Warm up (lazy imports, font discovery) before recording, so each reply lists only what that
    # render did.
    styles = Styles()
    render_one({"html": "<p>warm-up</p>"}, fetcher, styles)
    sys.addaudithook(hook)
    write_message(stdout, json.dumps({"status": "ready"}).encode())
    while True:
        raw = read_message(stdin)
        if raw is None:
            return
        events.clear()
        body = b""
        try:
            request = json.loads(raw)
            body = render_one(request, fetcher, styles)
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
        write_message(stdout, json.dumps(reply).encode(), body)
