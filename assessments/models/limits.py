"""The lengths of what people write in the assessments room, one home for each limit: the tables
size their columns by these, and forms, services and the API check against them."""

from __future__ import annotations

NAME_MAX_LENGTH = 200
SETTING_MAX_LENGTH = 200  # the engine's IDENTITY_MAX: a setting is counted by its exact text
SCHOOL_MAX_LENGTH = 200
KEY_MAX_LENGTH = 80
# Free text written by people:
PRESENT_NOTES_MAX_LENGTH = 500  # who was present, by role: never children's names
REASON_MAX_LENGTH = 1_000  # why a submitted observation was corrected, why a request was declined
NOTE_MAX_LENGTH = 500  # a trainee's note on a request
REFLECTION_MAX_LENGTH = 3_000  # a trainee's reflection on an observation (about 500 words)
NEXT_STEP_MAX_LENGTH = 500
