"""Curriculum room: the built-in catalogue, programmes and their analysis."""
