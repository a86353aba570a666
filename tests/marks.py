"""Marks tests record: every criterion of the built-in annual review's rubric at level 3, which
meets it (the "annual-review" scenario of the built-in content)."""

from __future__ import annotations

ANNUAL_REVIEW_CRITERIA = (
    "statutory-timelines",
    "facts-and-law",
    "child-voice",
    "evidence-of-progress",
    "chairing",
    "agreed-actions",
)
MET_ANNUAL_REVIEW = {"judgements": [{"criterion": k, "level": 3} for k in ANNUAL_REVIEW_CRITERIA], "faults": []}
