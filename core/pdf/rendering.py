"""The one module that calls WeasyPrint: HTML and print CSS in, PDF bytes out, through the
fail-closed fetcher (packaged assets by exact URL, nothing else). The worker process
(:mod:`core.pdf.sandbox`) renders with it; :func:`render_in_process` is the same without the worker,
the floor ``make bench`` compares with."""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from core.pdf.allowlist import allowed_assets, base_url

AUTHOR = "NPQ SENCO designer"
LANGUAGE = "en-GB"
PDF_VARIANT = "pdf/ua-1"


def make_fetcher(assets: dict[str, Path]) -> Any:
    """The fetcher every ``HTML(...)`` and ``CSS(...)`` gets: ``assets`` by exact URL, nothing else."""
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


class Styles:
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


def render_one(request: dict[str, Any], fetcher: Any, styles: Styles | None = None) -> bytes:
    """One request's PDF; a render the fetcher refused anything for fails, and drops the kept styles."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher.refused.clear()
    styles = styles or Styles()
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


_in_process: dict[str, Any] = {}


def render_in_process(html: str, stylesheets: Sequence[str] = ()) -> bytes:
    """WeasyPrint alone on the same HTML and fetcher, no worker: the floor ``make bench`` compares with.
    It keeps its parsed stylesheets between calls as the worker does, so the comparison is fair."""
    if not _in_process:
        import atexit

        _in_process.update(fetcher=make_fetcher(allowed_assets()), styles=Styles())
        atexit.register(_in_process.clear)  # before interpreter shutdown, while WeasyPrint can still free its fonts
    return render_one({"html": html, "stylesheets": list(stylesheets)}, _in_process["fetcher"], _in_process["styles"])
