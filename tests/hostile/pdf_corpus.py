"""Hostile documents for the PDF renderer: each tries to make WeasyPrint read a local file, reach the
network (a loopback canary server that counts every hit) or follow a redirect.

Each is rendered by the app's own render worker (:mod:`core.pdf`), whose audit hook on ``open`` and
``socket.connect`` reports every event of that render; none may fall outside the allowlist, the
canary must see no request, and each must be refused (the fail-closed fetcher stops the render).
Shared by ``tests/integration/test_pdf_sandbox.py`` and the ``make verify`` row.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from core import pdf

SECRET = "/etc/passwd"  # any readable local file will do: it must never be opened
# WeasyPrint never fetches another document for an SVG <use> (same-document references only), so this
# one renders, harmlessly: nothing is opened or fetched. Every other document must be refused.
RENDERS_HARMLESSLY = frozenset({"file: in SVG use"})


class _Canary(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", f"file://{SECRET}")
            self.end_headers()
            return
        body = b"body { background: red }" if self.path.endswith(".css") else b"canary"
        self.send_response(200)
        self.send_header("Content-Type", "text/css" if self.path.endswith(".css") else "image/png")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def canary() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on a loopback port: (its base URL, the paths it was asked for)."""
    hits: list[str] = []
    handler = type("Canary", (_Canary,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def documents(base: str) -> dict[str, str]:
    """Name → a hostile HTML document (the canary at ``base``)."""
    secret = f"file://{SECRET}"
    svg = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
    cases = {
        "file: in img": f'<img src="{secret}" alt="x">',
        "file: in a link stylesheet": f'<link rel="stylesheet" href="{secret}">',
        "file: in @import": f'<style>@import url("{secret}");</style>',
        "file: in @font-face": f'<style>@font-face {{ font-family: X; src: url("{secret}"); }} p {{ font-family: X }}</style><p>x</p>',
        "file: in inline SVG image": f'{svg}<image href="{secret}" width="10" height="10"/></svg>',
        "file: in SVG use": f'{svg}<use xlink:href="{secret}#x"/></svg>',
        "file: in an attachment": f'<link rel="attachment" href="{secret}">',
        "file: in an anchor attachment": f'<a rel="attachment" href="{secret}">attached</a>',
        "file: in object": f'<object data="{secret}" type="image/png"></object>',
        "file: in embed": f'<embed src="{secret}" type="image/png">',
        "file: in CSS background": f'<div style="background-image: url({secret}); height: 10px"></div>',
        "file: in list-style-image": f'<ul style="list-style-image: url({secret})"><li>x</li></ul>',
        "relative path out of the static folder": '<img src="fonts/../../../../../../etc/passwd" alt="x">',
        "encoded traversal": '<img src="fonts/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd" alt="x">',
        "base element pointing at /etc": '<base href="file:///etc/"><img src="passwd" alt="x">',
        "data: URL wrapping an SVG that reads a file": (
            '<img alt="x" src="data:image/svg+xml;utf8,'
            + svg.replace('"', "'")
            + f"<image href='{secret}' width='10' height='10'/></svg>\">"
        ),
        "loopback canary in img": f'<img src="{base}/img.png" alt="x">',
        "loopback canary in @import": f'<style>@import url("{base}/import.css");</style>',
        "loopback canary in a link stylesheet": f'<link rel="stylesheet" href="{base}/link.css">',
        "loopback canary in @font-face": f'<style>@font-face {{ font-family: Y; src: url("{base}/font.ttf"); }} p {{ font-family: Y }}</style><p>y</p>',
        "loopback canary in SVG": f'{svg}<image href="{base}/svg.png" width="10" height="10"/></svg>',
        "loopback canary in an attachment": f'<link rel="attachment" href="{base}/attachment.txt">',
        "redirect to a local file": f'<img src="{base}/redirect.png" alt="x">',
        "file: in @color-profile": f'<style>@color-profile --p {{ src: url("{secret}"); }}</style>',
        "loopback canary in @color-profile": f'<style>@color-profile --q {{ src: url("{base}/profile.icc"); }}</style>',
        "ftp URL": '<img src="ftp://127.0.0.1/x.png" alt="x">',
    }
    return {
        name: f'<!doctype html><html lang="en-GB"><head><title>{name}</title></head><body><p>{name}</p>{body}</body></html>'
        for name, body in cases.items()
    }


@dataclass
class Report:
    documents: int = 0
    refused: int = 0
    outside: list[tuple[str, str, str]] = field(default_factory=list)  # (document, event, argument)
    canary_hits: list[str] = field(default_factory=list)
    not_refused: list[str] = field(default_factory=list)
    events_seen: int = 0  # audit events the worker reported in all (proves the hook is live)


def run(worker: pdf.Worker | None = None) -> Report:
    """Render every hostile document in the app's render worker and gather what happened."""
    report = Report()
    with canary() as (base, hits):
        for name, html in documents(base).items():
            report.documents += 1
            try:
                rendered = pdf.render_checked(html, worker=worker)
            except pdf.PdfFailed as failed:
                report.refused += failed.kind == "refused"
                if failed.kind != "refused":
                    report.not_refused.append(f"{name}: {failed.kind}: {failed.message}")
                report.outside += [(name, e, a) for e, a in failed.outside]
                report.events_seen += len(failed.events)
            else:
                if name not in RENDERS_HARMLESSLY:
                    report.not_refused.append(f"{name}: rendered")
                report.outside += [(name, e, a) for e, a in rendered.outside]
                report.events_seen += len(rendered.events)
        report.canary_hits = list(hits)
    return report


def control(worker: pdf.Worker | None = None) -> pdf.Rendered:
    """A harmless document using an allowed asset (the packaged font): proves the hook sees opens."""
    css = "@font-face { font-family: C; src: url(fonts/DejaVuSans.ttf); } p { font-family: C }"
    return pdf.render_checked(
        '<!doctype html><html lang="en-GB"><head><title>c</title></head><body><p>control</p></body></html>',
        [css],
        worker=worker,
    )
