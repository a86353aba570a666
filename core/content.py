"""Built-in content loaders, registered by the rooms and run in order by ``flask setup``."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app


@dataclass(frozen=True)
class ContentLoader:
    name: str
    load: Callable[[], str]  # loads idempotently; returns one line saying what it did


def register_loader(app: Flask, name: str, load: Callable[[], str]) -> None:
    app.extensions.setdefault("content_loaders", []).append(ContentLoader(name, load))


def loaders() -> list[ContentLoader]:
    return list(current_app.extensions.get("content_loaders", []))
