"""Assessments room: enrolments, observations, moderation, progress and training plans."""
