"""Backups: ``flask backup`` writes one archive (the database, the stored files, a manifest) while
the app keeps serving; ``flask restore`` puts it into a new, empty database and checks it.

- :mod:`core.backups.archive`: the archive file (a gzipped tar), its manifest and checksums.
- :mod:`core.backups.databases`: one plug-in per kind of database (SQLite, PostgreSQL).
- :mod:`core.backups.services`: making and restoring a backup.
- :mod:`core.backups.cli`: the two commands.
"""
