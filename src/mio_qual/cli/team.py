"""Team mode: ``project push|pull`` between SQLite and a PostgreSQL server, ``team add-coder|release|list``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import emit, escape, format_option, get_project, say, warn

DATABASE = "postgresql://USER@HOST:PORT/DB, without a password (PGPASSWORD, ~/.pgpass or a service file supply it)"


@click.group("project")
def project() -> None:
    """Move a whole project between an SQLite file and a PostgreSQL server."""


@project.command("push")
@click.option("--database", metavar="URL", required=True, help=f"An empty database: {DATABASE}.")
def push(database: str) -> None:
    """Copy the whole project (every table) into an empty database on a server, in one transaction.

    The role in the URL becomes the project's lead on the server; coders then join with
    `mio-qual init NAME --database URL`.
    """
    counts = get_project().push(database)
    say(f"pushed {sum(counts.values()):,} rows of {len(counts)} tables to {escape(database)}")


@project.command("pull")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--database", metavar="URL", help=f"The server's database (default: the current project's): {DATABASE}.")
def pull(path: Path, database: str | None) -> None:
    """Copy the whole project from a server into a new SQLite project at PATH (run it as the lead)."""
    from ..project import Project

    with Project.pull(path, database or get_project().server_url()) as pulled:
        say(f"pulled the project into [bold]{escape(pulled.folder)}[/] ({escape(pulled.store.path.name)})")


@click.group()
def team() -> None:
    """Coders of a project on a PostgreSQL server: each their own role, blinded until released."""


@team.command("add-coder")
@click.argument("coder")
@click.option("--existing-role", is_flag=True, help="The server's administrator made the role; only grant it access.")
def add_coder(coder: str, existing_role: bool) -> None:
    """Let CODER (a database role, named as their coding layer) work on the project (the lead runs it)."""
    project = get_project()
    created = project.add_coder(coder, create_role=not existing_role)
    say(f"{'created role and added' if created else 'added'} coder [bold]{escape(coder)}[/]; "
        f"their setup: mio-qual init NAME --database {escape(project.server_url(role=coder))}")
    note = project.layer_name_note(coder)
    if note:
        warn(note)
    if created:  # a server asking for passwords lets the new role in only once it has one
        say(f"the role has no password yet: where the server asks for one, set it (ALTER ROLE \"{escape(coder)}\" "
            "PASSWORD '...') or ask the server's administrator")


@team.command("release")
@click.argument("coders", nargs=-1, required=True)
def release(coders: tuple[str, ...]) -> None:
    """Let every coder read the layers of CODERS (after the lead has compared them)."""
    released = get_project().release_layers(coders)
    say(f"released {', '.join(released) if released else 'nothing new'}")


@team.command("list")
@format_option()
def list_cmd(fmt: str) -> None:
    """The project's coders and when their layers were released (empty: still blinded)."""
    emit(get_project().team(), fmt, title="Coders")
