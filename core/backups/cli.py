"""``flask backup -o FILE`` and ``flask restore FILE``."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from core.backups import services
from core.backups.archive import BackupError


@click.command("backup")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (a new file; .tar.gz).",
)
@with_appcontext
def backup(output: Path) -> None:
    """Write the database and stored files to one archive, while the app keeps serving."""
    try:
        manifest = services.make_backup(output)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    files = sum(1 for name in manifest.members if name.startswith("files/"))
    click.echo(
        f"Backed up {sum(manifest.row_counts.values())} rows in {len(manifest.row_counts)} tables "
        f"({manifest.database}, revision {manifest.alembic_revision}) and {files} stored files to {output}."
    )
    click.echo("It holds personal data: keep it encrypted, and a copy off this machine.")


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


@click.command("restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore(archive: Path) -> None:
    """Restore an archive into the new, empty database named by DATABASE_URL, then check it."""
    try:
        restored = services.restore(archive)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    manifest = restored.manifest
    click.echo(
        f"Archive made {manifest.created_at} by version {manifest.app_version} ({manifest.database}, "
        f"revision {manifest.alembic_revision}): every member matches its SHA-256."
    )
    click.echo(f"{'Table':<40} {'in archive':>10} {'restored':>10}")
    for count in restored.counts:
        mark = "" if count.equal else "  DIFFERENT"
        click.echo(f"{count.table:<40} {_count(count.in_archive):>10} {_count(count.restored):>10}{mark}")
    click.echo(f"Stored files restored: {restored.files}.")
    for problem in restored.problems:
        click.echo(f"Problem: {problem}")
    for note in restored.notes:
        click.echo(note)
    if not restored.ok:
        different = sum(1 for count in restored.counts if not count.equal)
        raise click.ClickException(
            f"the restored database does not match the archive ({different} tables differ, "
            f"{len(restored.problems)} problems): do not use it"
        )
    click.echo(
        f"Restored: {sum(c.restored or 0 for c in restored.counts)} rows in {len(restored.counts)} tables, "
        "counts equal to the archive's; integrity and foreign keys checked."
    )
