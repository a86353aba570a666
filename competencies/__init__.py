"""Competencies room: scenarios, rubrics and the rubric engine.

Imports nothing here, so that ``import competencies.engine`` stays free of Flask.
"""
