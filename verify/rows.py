"""The rows of ``make verify``: name → (title, target, a function giving (figure, met?, notes))."""

from __future__ import annotations

import os
from collections.abc import Callable

from verify import (
    api_fuzz,
    canary_row,
    client_rows,
    dfe_row,
    erasure_row,
    hostile_row,
    kill_row,
    load,
    messages_row,
    pdf_row,
    privacy_row,
    races_row,
    reset_rows,
    restore_row,
    sign_in_rows,
)

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


def _restore_drill(base_url: str) -> Row:
    """Both databases in one row, as kill -9: a miss on either misses the row."""

    def row() -> tuple[str, bool, list[str]]:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="verify-drill-sqlite-") as folder:
            results = [
                restore_row.run("SQLite", f"sqlite:///{folder}/source.sqlite3", f"sqlite:///{folder}/restored.sqlite3")
            ]
        if base_url:
            with load.postgresql_schema(base_url) as source, restore_row.fresh_postgresql_database(base_url) as target:
                results.append(restore_row.run("PostgreSQL", source, target))
        described = [restore_row.describe(r) for r in results]
        figure = "; ".join(f for f, _ in described) + (
            "" if base_url else "; PostgreSQL not run: TEST_DATABASE_URL is not set"
        )
        notes = [n for r in results for n in restore_row.details(r)]
        return figure, bool(base_url) and all(ok for _, ok in described), notes

    return row


def _races(base_url: str) -> Row:
    """The review's races on both databases in one row: a miss on either misses the row."""

    def row() -> tuple[str, bool, list[str]]:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="verify-races-sqlite-") as folder:
            results = [races_row.run("SQLite", f"sqlite:///{folder}/races.sqlite3")]
        if base_url:
            with load.postgresql_schema(base_url) as url:
                results.append(races_row.run("PostgreSQL", url))
        figure, ok = races_row.describe(results)
        if not base_url:
            figure += "; PostgreSQL not run: TEST_DATABASE_URL is not set"
        return figure, ok and bool(base_url), races_row.details(results)

    return row


def _api_fuzz(base_url: str) -> Row:
    """schemathesis over the OpenAPI document, each role's token, on SQLite then PostgreSQL."""

    def row() -> tuple[str, bool, list[str]]:
        every_role = os.environ.get("VERIFY_API_FUZZ_ALL", "") == "1"
        roles = {name: api_fuzz.ROLES if every_role else part for name, part in api_fuzz.ROLES_BY_DATABASE.items()}
        results = [api_fuzz.run("SQLite", roles=roles["SQLite"])]
        if base_url:
            with load.postgresql_schema(base_url) as url:
                results.append(api_fuzz.run("PostgreSQL", url, roles["PostgreSQL"]))
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
        "restore-drill": (
            "restore drill",
            "0 failed; counts equal; a record opens",
            _restore_drill(postgresql_url),
        ),
        "canary": (
            "canaries in logs and answers",
            "0 hits (password, typed email, cookie, API token, observation comment)",
            canary_row.canaries,
        ),
        "privacy-columns": (
            "personal-data columns without a privacy rule",
            "0 (every model reflected against the privacy registry)",
            privacy_row.columns_without_a_rule,
        ),
        "races": (
            "the review's races, six requests at once",
            "0 × 5xx, 0 wrong rows, SQLite and PostgreSQL",
            _races(postgresql_url),
        ),
        "export-erasure": (
            "canaries after export and erasure",
            "export has every canary; 0 remain after erasure (SQLite and PostgreSQL)",
            lambda: erasure_row.canaries_row(postgresql_url),
        ),
        "api-fuzz": (
            "API fuzzing (schemathesis)",
            "0 failing checks, every operation exercised with each role's token, SQLite and PostgreSQL",
            _api_fuzz(postgresql_url),
        ),
        "account-discovery": (
            "account discovery (reset, sign-in)",
            "known/unknown email: identical wording, median difference within the run's noise (real gunicorn)",
            reset_rows.account_discovery,
        ),
        "reset-links": (
            "reset links single-use and expiring",
            "used twice works once; past 1 hour, tampered, over-long refused (real gunicorn)",
            reset_rows.reset_links,
        ),
        "messages": (
            "emails with a held mark or a child's name",
            "0 with a mark or outcome, 0 with a child's name or typed text, every kind of email sent",
            messages_row.row,
        ),
        "dfe-contract": (
            "requests to the DfE's NPQ API",
            "0 invalid against the DfE's OpenAPI document, over every DfE journey",
            dfe_row.row,
        ),
        "timing": (
            "sign-in timing",
            f"known/unknown email ≤ {sign_in_rows.TIMING_RATIO_MAX}×",
            sign_in_rows.sign_in_timing,
        ),
    }
