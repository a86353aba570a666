"""The rows of ``make verify``: name → (title, target, a function giving (figure, met?, notes))."""

from __future__ import annotations

from collections.abc import Callable

from verify import api_fuzz, client_rows, hostile_row, kill_row, load, pdf_row, sign_in_rows

Row = Callable[[], tuple[str, bool, list[str]]]


def _load_sqlite() -> tuple[str, bool, list[str]]:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="verify-sqlite-") as folder:
        result = load.run("SQLite", f"sqlite:///{folder}/load.sqlite3")
    figure, ok = load.describe(result)
    return figure, ok, load.details(result)


def _load_postgresql(base_url: str) -> Row:
    def row() -> tuple[str, bool, list[str]]:
        if not base_url:
            return "not run: TEST_DATABASE_URL is not set", False, []
        with load.postgresql_schema(base_url) as url:
            result = load.run("PostgreSQL", url)
        figure, ok = load.describe(result)
        return figure, ok, load.details(result)

    return row


def _kill(base_url: str) -> Row:
    """Both databases in one row: the figure is the pair, and a miss on either misses the row."""

    def row() -> tuple[str, bool, list[str]]:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="verify-kill-sqlite-") as folder:
            results = [kill_row.run("SQLite", f"sqlite:///{folder}/kill.sqlite3")]
        if base_url:
            with load.postgresql_schema(base_url) as url:
                results.append(kill_row.run("PostgreSQL", url))
        described = [kill_row.describe(r) for r in results]
        figure = "; ".join(f for f, _ in described) + (
            "" if base_url else "; PostgreSQL not run: TEST_DATABASE_URL is not set"
        )
        notes = [n for r in results for n in kill_row.details(r)]
        return figure, bool(base_url) and all(ok for _, ok in described), notes

    return row


def _api_fuzz(base_url: str) -> Row:
    """schemathesis over the OpenAPI document, each role's token, on SQLite then PostgreSQL."""

    def row() -> tuple[str, bool, list[str]]:
        results = [api_fuzz.run("SQLite")]
        if base_url:
            with load.postgresql_schema(base_url) as url:
                results.append(api_fuzz.run("PostgreSQL", url))
        figure, ok = api_fuzz.describe(results)
        if not base_url:
            figure += "; PostgreSQL not run: TEST_DATABASE_URL is not set"
        return figure, ok and bool(base_url), api_fuzz.details(results)

    return row


def all_rows(postgresql_url: str) -> dict[str, tuple[str, str, Row]]:
    under_load = "0 responses ≥ 500 (503 too), p95 < 2 s, every script finished, > 0 requests"
    return {
        "load-sqlite": ("errors under load, SQLite", under_load, _load_sqlite),
        "load-postgresql": ("errors under load, PostgreSQL", under_load, _load_postgresql(postgresql_url)),
        "hostile": ("hostile inputs", "0 × 5xx, 0 partial saves, each refusal names where", hostile_row.hostile),
        "access": ("access matrix", "0 unexpected answers, every route listed", client_rows.access_matrix),
        "csrf": ("CSRF", "0 accepted", client_rows.csrf),
        "headers": ("headers", "0 violations", client_rows.headers),
        "redirects": ("redirect bypasses", "0 followed off-site", sign_in_rows.redirects),
        "pdf": (
            "PDF fetches outside the allowlist",
            "0 (file, network, redirect; audit hook in the render worker)",
            pdf_row.fetches_outside_allowlist,
        ),
        "kill-9": (
            "observations lost after kill -9",
            "0 lost, 0 duplicated, SQLite and PostgreSQL",
            _kill(postgresql_url),
        ),
        "api-fuzz": (
            "API fuzzing (schemathesis)",
            "0 failing checks, every operation exercised with each role's token, SQLite and PostgreSQL",
            _api_fuzz(postgresql_url),
        ),
        "timing": (
            "sign-in timing",
            f"known/unknown email ≤ {sign_in_rows.TIMING_RATIO_MAX}×",
            sign_in_rows.sign_in_timing,
        ),
    }
