"""Names for files made from people's text: plain ASCII that no unzip tool or file system can
misread as a path, a drive, a device or a control character. Standard library only."""

from __future__ import annotations

import re
import unicodedata

FILE_STEM_MAX_LENGTH = 60  # of the part of a name taken from a person's text


def safe_stem(text: str, fallback: str) -> str:
    """``Siân ap Gŵyn / "Head"`` → ``sian-ap-gwyn-head``: letters and digits in plain ASCII
    (accents and Welsh letters folded), one hyphen between words, at most 60 characters;
    ``fallback`` when nothing is left (a name in another script, say)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    stem = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:FILE_STEM_MAX_LENGTH].strip("-")
    return stem or fallback


def plan_file_name(position: int, trainee_name: str) -> str:
    """``007-sian-ap-gwyn.pdf``: the position keeps two trainees of one name apart and the ZIP in order."""
    return f"{position:03d}-{safe_stem(trainee_name, 'trainee')}.pdf"


def zip_name(cohort_name: str) -> str:
    """``training-plans-autumn-2026.zip``."""
    return f"training-plans-{safe_stem(cohort_name, 'cohort')}.zip"
