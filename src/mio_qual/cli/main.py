"""The ``mio-qual`` entry point.

Subcommands live in their own modules and are imported only when called, so that
``mio-qual --help`` starts without loading pandas, spaCy or scikit-learn.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

# name -> (module, attribute, one-line help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("mio_qual.cli.project_cmds", "init", "Create a project folder holding the project file."),
    "import": ("mio_qual.cli.project_cmds", "import_cmd", "Import transcripts (.txt .md .docx .vtt .srt) with a manifest and roster."),
    "transcripts": ("mio_qual.cli.project_cmds", "transcripts", "List transcripts or show one with its turns."),
    "status": ("mio_qual.cli.project_cmds", "status", "Summarize what the project holds."),
    "log": ("mio_qual.cli.project_cmds", "log", "Show the audit trail of changes."),
    "codebook": ("mio_qual.cli.codebook", "codebook", "List, show, validate and export codebooks."),
    "coding": ("mio_qual.cli.coding", "coding", "Import, export and reconcile human coding."),
    "agreement": ("mio_qual.cli.agreement", "agreement", "Inter-rater agreement per code, unit and transcript."),
    "disagreements": ("mio_qual.cli.agreement", "disagreements", "List disagreeing units for a reconciliation meeting."),
    "autocode": ("mio_qual.cli.autocode", "autocode", "Suggest codes with spaCy rules or a trained model, and evaluate them."),
    "ratings": ("mio_qual.cli.mixed", "ratings", "CFIR construct ratings per clinic: worksheets, import, agreement."),
    "quant": ("mio_qual.cli.mixed", "quant", "Import quantitative outcomes (fidelity, FIM/AIM/IAM, reach...)."),
    "joint": ("mio_qual.cli.mixed", "joint", "Joint displays of ratings, themes and outcomes."),
    "aim3": ("mio_qual.cli.aim3", "aim3", "Aim 3: counselor links, climate and counselor measures, case-ordered matrices."),
    "rapid": ("mio_qual.cli.rapid", "rapid", "Rapid qualitative analysis: summary templates, matrices, comparisons."),
    "configurations": ("mio_qual.cli.configurations", "configurations", "Crisp-set QCA with minimization and coincidence analysis (CNA)."),
    "implementation": ("mio_qual.cli.implementation", "implementation", "Aim 2: implementation activities (SIC), strategies, adaptations, facilitation, outcomes."),
    "report": ("mio_qual.cli.report", "report", "Write Word reports."),
    "project": ("mio_qual.cli.team", "project", "Push a project to a PostgreSQL server, or pull it back into SQLite."),
    "team": ("mio_qual.cli.team", "team", "Coders on a server project: add them, release their layers."),
    "demo": ("mio_qual.cli.demo", "demo", "Run the whole pipeline on the bundled sample."),
}


class MioQualClickError(click.ClickException):
    """A mio-qual error shown the CLI's way: ``error: <one line>``, then any details, with its exit code."""

    def __init__(self, error: Any) -> None:
        super().__init__(error.one_line())
        self.exit_code = error.exit_code
        self.details = list(error.details)

    def show(self, file: Any = None) -> None:
        click.echo(f"error: {self.message}", err=True)
        for detail in self.details:
            click.echo(f"  {detail}", err=True)


#: The group's own options, which may also be written after the command name (option -> takes a value).
GLOBAL_OPTIONS: dict[str, bool] = {"--project": True, "--debug": False}


def hoist_global_options(args: list[str]) -> list[str]:
    """Move the group's options (:data:`GLOBAL_OPTIONS`) to the front of the command line.

    ``mio-qual status --project study`` then means ``mio-qual --project study status``, for
    every command and subcommand, without each command declaring the option. Words after
    ``--`` are left alone.

    Examples
    --------
    >>> hoist_global_options(["coding", "list", "--project", "s", "--format", "csv"])
    ['--project', 's', 'coding', 'list', '--format', 'csv']
    >>> hoist_global_options(["status", "--project=s", "--debug", "--", "--project"])
    ['--project=s', '--debug', 'status', '--', '--project']
    """
    front: list[str] = []
    rest: list[str] = []
    words = iter(args)
    for word in words:
        if word == "--":
            rest.append(word)
            rest.extend(words)
            break
        name = word.split("=", 1)[0]
        if name in GLOBAL_OPTIONS:
            front.append(word)
            if GLOBAL_OPTIONS[name] and "=" not in word:
                value = next(words, None)
                if value is not None:
                    front.append(value)
        else:
            rest.append(word)
    return front + rest


class MioQualGroup(click.Group):
    """The ``mio-qual`` group's behaviour, shared by every command under it.

    It turns a :class:`~mio_qual.errors.MioQualError` raised by any subcommand into a
    :class:`MioQualClickError`, so that every command exits 1 or 2 with a one-line message,
    whether run from the shell or from click's test runner (``--debug`` lets it through),
    and accepts its own options (``--project``, ``--debug``) after the command name too.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_options(list(args)))

    def invoke(self, ctx: click.Context) -> Any:
        from ..errors import MioQualError

        try:
            return super().invoke(ctx)
        except MioQualError as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            raise MioQualClickError(exc) from None


class LazyGroup(MioQualGroup):
    """The ``mio-qual`` group, whose subcommands (:data:`COMMANDS`) are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module_name, attribute, _ = COMMANDS[name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None  # not built yet
            raise
        return getattr(module, attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, _, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--project", "project_path", type=click.Path(), envvar="MIO_QUAL_PROJECT",
              help="Project folder (default: $MIO_QUAL_PROJECT, else this folder or a parent); may also follow "
                   "the command, as in `mio-qual status --project my-study`.")
@click.option("--debug", is_flag=True, help="Show a traceback on errors (before or after the command).")
@click.version_option(package_name="mio-qual", prog_name="mio-qual")
@click.pass_context
def _group(ctx: click.Context, project_path: str | None, debug: bool) -> None:
    """mio-qual: qualitative and mixed-methods analysis for implementation science."""
    ctx.ensure_object(dict)
    ctx.obj["project_path"] = project_path
    ctx.obj["debug"] = debug


def cli(argv: list[str] | None = None) -> Any:
    """Run the CLI, turning mio-qual errors into one line on stderr and an exit code.

    Exit codes: 0 ok, 1 failure of the work, 2 bad input or usage.
    """
    import shlex

    from ..errors import MioQualError
    from ..store import db

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    db.CLI_COMMAND = shlex.join(["mio-qual", *args])  # what the audit trail records as the command
    try:
        return _group.main(args=args, prog_name="mio-qual", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except MioQualError as exc:  # raised outside a subcommand (e.g. while loading one)
        if debug:
            raise
        MioQualClickError(exc).show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; the project is as it was before this command", err=True)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for users
        if debug:
            raise
        from ..store.health import user_error

        known = user_error(exc)  # a damaged store, a full disk, a symlink loop...: one line, not a crash
        if known is not None:
            MioQualClickError(known).show()
            sys.exit(known.exit_code)
        click.echo(f"error: internal error: {exc.__class__.__name__}: {exc} (run with --debug for a traceback "
                   "and please report it)", err=True)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    cli()
