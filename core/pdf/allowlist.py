"""What a render may touch: the packaged assets a document may load (by exact ``file:`` URL), the
folders of Python's own code, and the folders it must never open (the instance folder). The
fetcher serves from the first; the worker's audit check refuses a render that opened anything
else, or connected anywhere."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
STATIC_FOLDER = str(STATIC_DIR) + os.sep
ASSET_FOLDERS = ("fonts", "images")  # what a printed document may load, and nothing else


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


def code_folders() -> tuple[str, ...]:
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
