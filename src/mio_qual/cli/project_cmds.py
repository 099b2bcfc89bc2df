"""Commands on the project itself: init, import, transcripts, status, log."""

from __future__ import annotations

from pathlib import Path

import click

from .common import console, emit, escape, format_option, get_project, out_option, print_json, say, text_table, warn


@click.command()
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--database", metavar="URL",
              help="Keep the project on a PostgreSQL server: postgresql://USER@HOST:PORT/DB, no password "
                   "(PGPASSWORD, ~/.pgpass or a service file); joins the project the database holds.")
def init(path: Path, database: str | None) -> None:
    """Create a project folder PATH holding the project file (mio-qual.db, or with --database
    mio-qual.server.json pointing at the server)."""
    from ..project import Project

    project = Project.create(path, database=database)
    say(f"created project [bold]{escape(project.folder)}[/] ({escape(project.store.path.name)})")


@click.command("import")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV/XLSX of study metadata per transcript (default: manifest.csv in a named folder).")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV/XLSX mapping speaker labels to study ids and roles (default: roster.csv in a named folder).")
@click.option("--speaker-pattern", help="Regex with a named group 'speaker' (and optionally 'time') for speaker turns.")
@click.option("--replace", is_flag=True, help="Replace transcripts whose text changed (codings on them are moved).")
@click.option("--strict", is_flag=True, help="Refuse transcripts in which no speaker turns are found.")
@format_option()
def import_cmd(files: tuple[Path, ...], manifest: Path | None, roster: Path | None, speaker_pattern: str | None,
               replace: bool, strict: bool, fmt: str) -> None:
    """Import transcript FILES (or folders of them) in one transaction: all or nothing."""
    from ..errors import InputError

    if not files and manifest is None:
        raise InputError("name the transcript files or folders to import, or a --manifest",
                         hint="e.g. `mio-qual import transcripts/`")
    project = get_project()
    result = _with_progress(lambda progress: project.import_transcripts(
        files, manifest=manifest, roster=roster, speaker_pattern=speaker_pattern, replace=replace,
        strict=strict, progress=progress))
    rows = ([(t, "added") for t in result.added] + [(t, "replaced") for t in result.replaced]
            + [(t, "metadata updated") for t in result.metadata_updated] + [(t, "unchanged") for t in result.unchanged])
    if fmt != "table":  # pandas only for a table to write (the summary line needs none: start-up, issue 21)
        import pandas as pd

        emit(pd.DataFrame(rows, columns=["transcript_id", "status"]).sort_values("transcript_id", ignore_index=True),
             fmt)
    else:
        say(f"imported {len(result.added)} new, replaced {len(result.replaced)}, "
            f"updated metadata of {len(result.metadata_updated)}, {len(result.unchanged)} unchanged "
            f"({result.n_words:,} new words)")
        for transcript_id, (kept, changed) in result.codings_moved.items():
            say(f"  {escape(transcript_id)}: {kept} codings moved with their text; {changed} now cover changed "
                "text (see `mio-qual log`)")
        for transcript_id, timed in result.times_updated.items():
            say(f"  {escape(transcript_id)}: times of {timed} turn(s) taken from the file (text and codings "
                "unchanged)")
    for transcript_id, warning in result.warnings:
        warn(f"{transcript_id}: {warning}")


def _with_progress(work):  # type: ignore[no-untyped-def]
    """Run ``work(progress_callback)`` with a rich progress bar on stderr for long imports."""
    import sys

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    if not sys.stderr.isatty():
        return work(None)
    with Progress(TextColumn("importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console(stderr=True), transient=True) as progress:
        task = progress.add_task("import", total=None)

        def callback(done: int, total: int, path: str) -> None:
            progress.update(task, completed=done, total=total)

        return work(callback)


@click.group()
def transcripts() -> None:
    """List transcripts or show one."""


@transcripts.command("list")
@format_option()
@out_option()
def transcripts_list(fmt: str, out: Path | None) -> None:
    """One row per transcript with its metadata."""
    if fmt == "table" and out is None:  # the screen: plain records, no pandas (a quick command)
        emit(get_project().transcript_records(), fmt, title="Transcripts", columns=_LISTED)
        return
    emit(get_project().transcripts(), fmt, title="Transcripts", out=out)


#: The columns ``transcripts list`` shows on the screen (every column: --format csv).
_LISTED = ("transcript_id", "kind", "clinic", "participant_id", "role", "n_words", "n_turns", "n_speakers",
           "source_format", "speaker_style")


@transcripts.command("show")
@click.argument("transcript_id")
@click.option("--unit", type=click.Choice(["turn", "paragraph", "sentence"]), default="turn", show_default=True)
@click.option("--show-names", is_flag=True,
              help="Do not redact: the text, speaker labels and id as stored, names included (the lead's choice, "
                   "made knowingly; refused to a coder on a shared server). By default speakers appear by study "
                   "id and role and every name the project knows prints as [name], as in every output.")
@format_option()
@out_option()
def transcripts_show(transcript_id: str, unit: str, show_names: bool, fmt: str, out: Path | None) -> None:
    """Show TRANSCRIPT_ID's turns (or paragraphs, sentences) with speakers and times, names redacted.

    On the screen times read h:mm:ss (milliseconds only when the source file gives them, as a
    .vtt or .srt does); --format csv and json keep start_time and end_time in seconds.
    """
    frame = get_project().show_segments(transcript_id, unit, show_names=show_names)
    shown_id = frame["transcript_id"].iloc[0] if len(frame) else transcript_id  # a neutral id when it holds a name
    if fmt == "table":
        keep = ["segment_id", "study_id", "speaker_role", "start_time", "text"]
        frame = frame[[c for c in keep if c in frame.columns]]
        if "start_time" in frame.columns:
            frame = frame.assign(start_time=clock_times(frame["start_time"].tolist()))
    emit(frame, fmt, title=f"{shown_id}: {unit}s", out=out)


def clock_times(seconds: list[float | None]) -> list[str]:
    """Times in seconds as ``h:mm:ss`` for a table, with milliseconds for all when any has a fraction.

    A transcript's times come from one source file: a Word or text transcript gives whole seconds
    (``[00:01:05]``), a .vtt or .srt milliseconds; a missing time is an empty cell.

    Examples
    --------
    >>> clock_times([3.0, 65.0, 3725.0, None])
    ['0:00:03', '0:01:05', '1:02:05', '']
    >>> clock_times([2.3, 16.0])
    ['0:00:02.300', '0:00:16.000']
    """
    import math

    known = [s for s in seconds if s is not None and not (isinstance(s, float) and math.isnan(s))]
    fractions = any(round(float(s) * 1000) % 1000 for s in known)
    out = []
    for value in seconds:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append("")
            continue
        millis = round(float(value) * 1000)
        hours, rest = divmod(millis // 1000, 3600)
        text = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
        out.append(f"{text}.{millis % 1000:03d}" if fractions else text)
    return out


@click.command()
@format_option(choices=("table", "json"))
def status(fmt: str) -> None:
    """Summarize what the project holds."""
    from ..project.codebooks import DEFAULT_LABEL

    project = get_project()
    summary = project.summary()
    chosen = project.project_codebook()
    if fmt == "json":
        print_json({**summary, "codebook": chosen.as_dict() if chosen else {"label": DEFAULT_LABEL}})
        return
    emit([{"what": what, "count": count} for what, count in summary.items()], "table", title=str(project.folder))
    line = chosen.line() if chosen else f"{DEFAULT_LABEL}; choose the team's own: mio-qual codebook use FILE"
    click.echo(f"codebook: {line}")


@click.command()
@click.option("--limit", type=int, default=50, show_default=True, help="How many entries, newest first (0: all).")
@click.option("--show-names", is_flag=True,
              help="Do not redact: file names and transcript ids as recorded (for the study coordinator; "
                   "by default names in commands, targets and details print as [name], like every output).")
@format_option()
def log(limit: int, show_names: bool, fmt: str) -> None:
    """Show the audit trail: who changed what, when, with which command (names redacted)."""
    if fmt != "table":
        emit(get_project().log(limit or None, show_names=show_names), fmt, title="Audit trail")
        return
    entries = get_project().log_records(limit or None, show_names=show_names)  # plain records: the screen needs neither pandas nor rich
    # id and time keep their width; the command and detail share what is left (a long detail used
    # to squeeze the other columns to nothing) and wrap; --format json: whole entries
    columns = ["id", "at", "user", "action", "target", "command", "detail"]
    rows = [[entry["id"], str(entry["at"]).replace("T", " ")[:19], entry["user"] or "", entry["action"] or "",
             entry["target"] or "", entry["command"] or "",
             (entry["detail"] or "") if len(entry["detail"] or "") <= 300 else entry["detail"][:299] + "…"]
            for entry in entries]
    click.echo(text_table(columns, rows, title="Audit trail", numeric=["id"], shrink={"command": 1, "detail": 2},
                          caption="whole entries: --format json"))
