"""The registry as docs/privacy.md's table (``flask privacy table``), so the docs say what the code
declares; a test fails when they differ."""

from __future__ import annotations

from flask import Flask

from core import privacy

START = "<!-- privacy-table: made by `flask privacy table`; a test checks it -->"
END = "<!-- /privacy-table -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(app: Flask | None = None) -> str:
    """One row per personal column, grouped by room and table, then the files on disk."""
    lines = [
        START,
        "| Table | Column | What it holds | Why | Who sees it | Subject access | Erasure | Kept (retention) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for provider in privacy.providers(app):
        for table in provider.tables:
            for column, f in table.fields.items():
                cells = (table.table, column, f.holds, f.basis, f.seen_by, f.export, f.erase, table.retention)
                lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += [
        "",
        "| Files | What they hold | Erasure | Kept (retention) |",
        "|---|---|---|---|",
    ]
    for files in privacy.declared_files(app):
        lines.append(f"| {_cell(files.name)} | {_cell(files.holds)} | {files.erase} | {files.retention} |")
    lines.append(END)
    return "\n".join(lines) + "\n"
