"""The command line: parses arguments, calls the layers below, turns their errors into exit codes.

The only module that imports click. Everything heavier (yaml, rich, the catalog) is imported
inside the command that needs it, so ``psoas --help`` starts as fast as click itself.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from psoas_cli import __version__
from psoas_cli.collection import resume_collection
from psoas_cli.durations import written_duration
from psoas_cli.limits import (
    DEFAULT_VOLUME,
    MAX_COLUMNS,
    MAX_CUE_SECONDS,
    MAX_LIST_LIMIT,
    MAX_RECORD_ID,
    MAX_SPEED,
    MAX_STEP_DIGITS,
    MAX_VOLUME,
    MAX_WEEKLY_GOAL,
    MIN_COLUMNS,
    MIN_SPEED,
    clamped_setting,
)
from psoas_cli.sound_mode import SoundMode
from psoas_cli.text import counted, digits_only, undecodable, visible, wrapped

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date
    from pathlib import Path

    from click.shell_completion import CompletionItem

    from psoas_cli.history.stats import Stats
    from psoas_cli.history.store import ActiveProgramme, History, RunRecord
    from psoas_cli.library.catalog import (
        Catalog,
        ExerciseEntry,
        ProgrammeEntry,
        RoutineEntry,
    )
    from psoas_cli.library.listing import Listing
    from psoas_cli.library.model import Level, Routine
    from psoas_cli.library.schedule import Adherence, Following

MAX_HELP_WIDTH = 100
CONFIGURABLE = frozenset({"run", "sounds", "stats"})
"""Commands whose option defaults may come from the config file."""
SOUND_SETTINGS = ("sound", "volume")
"""The 'run:' settings that `psoas sounds` takes too, so it plays what a run will."""


def _terminal_width() -> int:
    """The help width, found without click's shutil import, which costs more than the rest."""
    columns = clamped_setting(os.environ.get("COLUMNS"), MIN_COLUMNS, MAX_COLUMNS)
    if columns is None:
        try:
            columns = os.get_terminal_size().columns
        except OSError:
            columns = 80
    return max(min(columns, MAX_HELP_WIDTH) - 2, 50)


CONTEXT = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": MAX_HELP_WIDTH,
    "terminal_width": _terminal_width(),
}


# click's own words for its help pages, written out: click looks each up in gettext's
# catalogues, which loads the locale module, for an English-only tool a fifth of what
# ``psoas --help`` cost beyond click itself.
USAGE_PREFIX = "Usage: "
OPTIONS_HEADING = "Options"
COMMANDS_HEADING = "Commands"
HELP_OPTION_HELP = "Show this message and exit."
VERSION_OPTION_HELP = "Show the version and exit."
NO_REWRAP = "\b"
"""click's mark for a help paragraph whose lines are kept as written, such as examples."""


class PsoasHelpFormatter(click.HelpFormatter):
    """click's help layout, with lines broken at spaces only (``text.wrapped``).

    click breaks lines with textwrap, which may split an option such as --max-minutes at a
    hyphen, and whose patterns take longer to compile than the rest of ``psoas --help``.
    Output is otherwise click's, line for line.
    """

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        prefix = USAGE_PREFIX if prefix is None else prefix
        usage_prefix = f"{prefix:>{self.current_indent}}{prog} "
        if not args:
            self.write(usage_prefix.rstrip(" ") + "\n")
            return
        text_width = self.width - self.current_indent
        if text_width >= len(usage_prefix) + 20:
            lines = wrapped(
                args,
                text_width,
                first_indent=usage_prefix,
                later_indent=" " * len(usage_prefix),
                cut_long_words=True,
            )
        else:
            indent = " " * (max(self.current_indent, len(prefix)) + 4)
            lines = [
                usage_prefix,
                *wrapped(
                    args, text_width, first_indent=indent, later_indent=indent, cut_long_words=True
                ),
            ]
        self.write("\n".join(lines) + "\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write("\n".join(help_paragraphs(text, self.width, indent)) + "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        first_col = min(max(len(first) for first, _ in rows), col_max) + col_spacing
        hang = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if len(first) <= first_col - col_spacing:
                self.write(" " * (first_col - len(first)))
            else:
                self.write("\n" + hang)
            text_width = max(self.width - first_col - 2, 10)
            lines = help_paragraphs(second, text_width, "")
            self.write("\n".join([lines[0], *(hang + line for line in lines[1:])]) + "\n")


def help_paragraphs(text: str, width: int, indent: str) -> list[str]:
    """Help text as click lays it out: paragraphs apart by a blank line, each filled to
    ``width`` under its own first line's indent, except a paragraph opened by ``\\b``,
    whose lines are kept as written."""
    paragraphs: list[list[str]] = [[]]
    for line in text.expandtabs().splitlines():
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    lines: list[str] = []
    for paragraph in filter(None, paragraphs):
        if lines:
            lines.append("")
        first = paragraph[0].lstrip()
        lead = indent + " " * (len(paragraph[0]) - len(first))
        if first.strip() == NO_REWRAP:
            lines += [lead + kept for kept in paragraph[1:]]
        else:
            joined = " ".join([first, *paragraph[1:]])
            lines += wrapped(
                joined, width, first_indent=lead, later_indent=lead, cut_long_words=True
            )
    return lines or [""]


class PsoasContext(click.Context):
    """A context whose help pages psoas lays out itself."""

    formatter_class = PsoasHelpFormatter


class PsoasCommand(click.Command):
    """A command whose help is laid out by ``PsoasHelpFormatter`` and headed in psoas's own
    written-out words, so showing it never consults gettext."""

    context_class = PsoasContext
    _own_help_option: click.Option | None = None

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        names = self.get_help_option_names(ctx)
        if not names or not self.add_help_option:
            return None
        if self._own_help_option is None:
            self._own_help_option = click.Option(
                [*names, "show_help"],
                is_flag=True,
                expose_value=False,
                is_eager=True,
                callback=_show_help,
                help=HELP_OPTION_HELP,
            )
        return self._own_help_option

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [
            row
            for param in self.get_params(ctx)
            if not isinstance(param, click.Argument)
            and (row := param.get_help_record(ctx)) is not None
        ]
        if rows:
            with formatter.section(OPTIONS_HEADING):
                formatter.write_dl(rows)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Print psoas's name and version and stop."""
    if value and not ctx.resilient_parsing:
        click.echo(f"psoas {__version__}", color=ctx.color)
        ctx.exit()


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """Print the help page and stop, as click's own help option does."""
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


class HelpGroup(PsoasCommand, click.Group):
    """A group of commands with psoas's help layout, for it and all its commands."""

    command_class = PsoasCommand
    group_class: type[click.Group] | type[type] | None = type

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        shown = [
            (name, command)
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _ in shown)
            with formatter.section(COMMANDS_HEADING):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in shown])


class PsoasGroup(HelpGroup):
    """A group that shows the project's errors as one message with their exit code.

    Messages quote file names, keys and values a file or an import chose, so they are
    printed ``visible``: a control character shows as text, never reaching the terminal.
    Its groups (history, plan) take only its help layout: the errors are handled here, once.
    """

    group_class = HelpGroup

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Refuse arguments that are not UTF-8 before any command sees them: names, values
        and paths all end up in messages and files, where such bytes would fail mid-way."""
        for arg in args:
            if undecodable(arg):
                raise click.UsageError(f"argument '{visible(arg)}' is not valid UTF-8.")
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        from psoas_cli.errors import ExitCode, PsoasError  # noqa: PLC0415

        try:
            return super().invoke(ctx)
        except PsoasError as exc:
            click.echo(f"Error: {visible(str(exc))}", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None
        except BrokenPipeError:
            _drop_stdout()
            raise click.exceptions.Exit(ExitCode.PIPE_CLOSED) from None
        except OSError as exc:
            if exc.errno not in OUTPUT_ERRORS:
                raise
            _drop_stdout()
            click.echo(f"Error: cannot write the output: {exc.strerror or exc}", err=True)
            raise click.exceptions.Exit(ExitCode.ERROR) from None


RESUMES_COLLECTION_ITSELF = frozenset({"run"})
"""Commands whose start-up goes on past their start: a run's garbage collection resumes
once its first frame is drawn (see ``collection``)."""

OUTPUT_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})
"""Errors writing standard output (stdout on /dev/full, a full disk). Files psoas writes
itself turn their own errors into messages, so one of these reaching the command line is
the output failing, said once instead of a traceback."""


def _drop_stdout() -> None:
    """Point standard output at the null device, so Python's flush at exit cannot fail
    again with "Exception ignored" after the one message already given."""
    import sys  # noqa: PLC0415

    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, sys.stdout.fileno())
    finally:
        os.close(null)


class DurationType(click.ParamType[float]):
    """Seconds written as 5, 5s, 1m or 1m30s, as in routine files, from 0 up to ``most``."""

    name = "duration"

    def __init__(self, most: float) -> None:
        self.most = most

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from psoas_cli.durations import parse_duration, written_duration  # noqa: PLC0415

        seconds = parse_duration(value)
        if seconds is None or not 0 <= seconds <= self.most:
            most = written_duration(self.most)
            self.fail(
                f"{value!r} is not a duration from 0 to {most}, like 5, 5s or 1m30s", param, ctx
            )
        return seconds


CUE_DURATION = DurationType(most=MAX_CUE_SECONDS)
SOUND_MODE = click.Choice(SoundMode, case_sensitive=False)
VOLUME = click.IntRange(0, MAX_VOLUME)
VOLUME_RANGE = f"0-{MAX_VOLUME}"


F = TypeVar("F", bound=Callable[..., Any])
"""A click command's function, as a decorator receives and returns it."""


def sound_options(*, sound_help: str, volume_help: str) -> Callable[[F], F]:
    """--sound and --volume, declared once for `run` and `sounds`: only their help differs."""

    def decorate(command: F) -> F:
        command = click.option(
            "--volume",
            type=VOLUME,
            metavar=VOLUME_RANGE,
            default=DEFAULT_VOLUME,
            show_default=True,
            help=volume_help,
        )(command)
        return click.option(
            "--sound",
            type=SOUND_MODE,
            default=SoundMode.TONES.value,
            show_default=True,
            help=sound_help,
        )(command)

    return decorate


"""The length of a get-ready, switch-sides or next-up cue."""

CUE_RANGE = f"0 to {written_duration(MAX_CUE_SECONDS)}"


class RecordIdType(click.ParamType[int]):
    """The ID of a stored session, as `psoas history` shows it: a whole number from 1."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        text = str(value).strip()
        fits = len(text) <= len(str(MAX_RECORD_ID))
        if not (digits_only(text) and fits and 1 <= int(text) <= MAX_RECORD_ID):
            self.fail(f"{value!r} is not a session ID (a whole number, as psoas history shows)")
        return int(text)


class SpeedType(click.FloatRange):
    """A --speed from MIN_SPEED to MAX_SPEED; FloatRange alone lets nan through, since no
    comparison with nan is ever true."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        import math  # noqa: PLC0415

        speed = super().convert(value, param, ctx)
        if not math.isfinite(speed):
            self.fail(f"{value!r} is not a number from {MIN_SPEED} to {MAX_SPEED}.", param, ctx)
        return speed


def _local_today() -> date:
    """Today where the person is: what --since counts back from and stats count up to."""
    from datetime import datetime  # noqa: PLC0415

    return datetime.now().astimezone().date()


class _DayType(click.ParamType["date"]):
    """A local date typed as digits or words; each kind says which words it takes."""

    name = "date"
    examples = ""
    """How the error message shows what may be typed."""

    def day(self, text: str, today: date) -> date | None:
        """The date ``text`` names, or None when it names none."""
        raise NotImplementedError

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from datetime import date  # noqa: PLC0415

        if isinstance(value, date):
            return value
        day = self.day(str(value), _local_today())
        if day is None:
            self.fail(f"{value!r} is not a date like {self.examples}.", param, ctx)
        return day


class SinceDateType(_DayType):
    """A local date written as 2026-11-01, today, yesterday, 10d or 4w (ago)."""

    examples = "2026-11-01, today, yesterday, 10d or 4w"

    def day(self, text: str, today: date) -> date | None:
        from psoas_cli.history.store import since_date  # noqa: PLC0415

        return since_date(text, today)


class LevelType(click.ParamType["Level"]):
    """A routine level by name; the names come from the model, loaded only when needed."""

    name = "level"

    @staticmethod
    def _names() -> list[str]:
        from psoas_cli.library.model import Level  # noqa: PLC0415

        return [level.value for level in Level]

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return f"[{'|'.join(self._names())}]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Level:
        from psoas_cli.library.model import Level  # noqa: PLC0415

        if isinstance(value, Level):
            return value
        if value not in self._names():
            choices = ", ".join(repr(name) for name in self._names())
            self.fail(f"{value!r} is not one of {choices}.", param, ctx)
        return Level(value)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem  # noqa: PLC0415

        return [CompletionItem(name) for name in self._names() if name.startswith(incomplete)]


def _completion_catalog() -> Catalog | None:
    """The catalog for shell completion, or None when it cannot load: completion stays
    silent rather than print an error into the middle of a command line."""
    from psoas_cli.errors import PsoasError  # noqa: PLC0415
    from psoas_cli.library.catalog import load_catalog  # noqa: PLC0415

    try:
        return load_catalog()
    except PsoasError:
        return None


def _complete_file(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Leave a path to the shell's own file completion, which knows the folders."""
    from click.shell_completion import CompletionItem  # noqa: PLC0415

    return [CompletionItem(incomplete, type="file")]


def _complete_names(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Routine and exercise names for shell completion, or files once the word looks like a
    path (NAME may be one); silent when anything is wrong."""
    from click.shell_completion import CompletionItem  # noqa: PLC0415

    from psoas_cli.library.catalog import looks_like_path  # noqa: PLC0415

    if looks_like_path(incomplete) or incomplete.startswith(("~", ".")):
        return _complete_file(ctx, param, incomplete)
    catalog = _completion_catalog()
    if catalog is None:
        return []
    items = [CompletionItem(name, help=e.routine.title) for name, e in catalog.routines.items()]
    items += [
        CompletionItem(ident, help=e.exercise.name)
        for ident, e in catalog.exercises.items()
        if ident not in catalog.routines
    ]
    return [item for item in items if item.value.startswith(incomplete)]


def _complete_routines(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Routine names, for --routine filters."""
    from click.shell_completion import CompletionItem  # noqa: PLC0415

    catalog = _completion_catalog()
    names = sorted(catalog.routines) if catalog is not None else []
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def _complete_programmes(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Programme names, for plan start."""
    from click.shell_completion import CompletionItem  # noqa: PLC0415

    catalog = _completion_catalog()
    names = sorted(catalog.programmes) if catalog is not None else []
    return [CompletionItem(name) for name in names if name.startswith(incomplete)]


def _first_word(ctx: click.Context) -> str | None:
    """The NAME typed before an option still waiting for its value: completing that value,
    click stops parsing at the option and leaves NAME among the unparsed words."""
    return next((word for word in ctx.args if not word.startswith("-")), None)


def _complete_steps(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """--from's choices for the routine already named: step numbers, then exercise ids, as
    _step_index accepts them; nothing while no routine can be found."""
    from click.shell_completion import CompletionItem  # noqa: PLC0415

    from psoas_cli.errors import PsoasError  # noqa: PLC0415
    from psoas_cli.library.catalog import RoutineEntry, looks_like_path  # noqa: PLC0415
    from psoas_cli.library.describe import step_name  # noqa: PLC0415

    catalog = _completion_catalog()
    file_path, name = ctx.params.get("file_path"), ctx.params.get("name") or _first_word(ctx)
    target = file_path or name
    if catalog is None or not isinstance(target, str):
        return []
    try:
        if file_path or looks_like_path(target):
            entry = catalog.with_file(target)
        else:
            entry = catalog.find(target)
    except PsoasError:
        return []
    if not isinstance(entry, RoutineEntry):
        return []
    steps = entry.routine.steps
    items = [CompletionItem(str(i + 1), help=step_name(s)) for i, s in enumerate(steps)]
    items += [CompletionItem(e.id, help=e.name) for e in entry.routine.exercises]
    return [item for item in items if item.value.startswith(incomplete)]


@click.group(cls=PsoasGroup, context_settings=CONTEXT)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help=VERSION_OPTION_HELP,
)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """A terminal coach for hip-flexor (psoas) release.

    Lists and explains stretch, breathing and strength routines for the psoas, checks
    routine files you write yourself, guides you through one (`run`), and keeps a
    history of your sessions, pain ratings and self-checks (`history`, `stats`). A
    programme (`plan`) says what to do each day for some weeks (`today`), and grows
    the doses only while pain allows.

    \b
    Examples:
      psoas list
      psoas show daily-10min
      psoas show couch-stretch
      psoas validate my-routine.yaml
      psoas run daily-10min
      psoas plan start starter
      psoas today
      psoas stats

    Your own routines go in $PSOAS_HOME/routines (by default the platform's config folder,
    such as ~/.config/psoas/routines), your programmes in $PSOAS_HOME/programmes. Exit
    codes: 0 success, 1 error, 2 usage, 130 interrupted.
    """
    if ctx.invoked_subcommand not in RESUMES_COLLECTION_ITSELF:
        resume_collection()
    if ctx.invoked_subcommand in CONFIGURABLE:
        from psoas_cli.config import load_defaults  # noqa: PLC0415

        defaults = load_defaults()
        run = defaults.get("run", {})
        defaults["sounds"] = {name: run[name] for name in SOUND_SETTINGS if name in run}
        ctx.default_map = defaults


@cli.command("list", short_help="List routines with their time, level and equipment.")
@click.option("--tag", "tags", multiple=True, help="Only routines with this tag (repeatable).")
@click.option("--level", type=LevelType(), help="Only routines for this level.")
@click.option("--max-minutes", type=click.FloatRange(min=0), help="Only routines this short.")
@click.option("--exercises", is_flag=True, help="List the exercise library instead.")
@click.option("--programmes", is_flag=True, help="List the programmes instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_command(
    *,
    tags: tuple[str, ...],
    level: Level | None,
    max_minutes: float | None,
    exercises: bool,
    programmes: bool,
    as_json: bool,
) -> None:
    """List routines with their total time, level, equipment and origin.

    Times are computed from each routine's steps, including get-ready and switch-sides
    cues; '~' marks an estimate for self-paced sets.

    \b
    Examples:
      psoas list
      psoas list --tag strength --max-minutes 15
      psoas list --exercises
      psoas list --programmes
      psoas list --json
    """
    if exercises and programmes:
        raise click.UsageError("--exercises and --programmes cannot be used together.")
    if programmes or exercises:
        from psoas_cli.library.catalog import load_catalog  # noqa: PLC0415

        catalog = load_catalog()
        if programmes:
            _list_programmes(catalog, as_json=as_json)
        else:
            _list_exercises(catalog, as_json=as_json)
        _warn_skipped(catalog)
        return
    from psoas_cli.library.listing import load_listing  # noqa: PLC0415

    listing = load_listing()
    rows = [
        row
        for row in sorted(listing.routines, key=lambda row: row.name)
        if (not tags or set(tags) & set(row.tags))
        and (level is None or row.level == level.value)
        and (max_minutes is None or row.seconds <= max_minutes * 60)
    ]
    if as_json:
        _print_json([row.data() for row in rows])
    else:
        from psoas_cli.display.console import make_console  # noqa: PLC0415
        from psoas_cli.display.routine_list import print_routine_table  # noqa: PLC0415

        print_routine_table(make_console(), rows)
    _warn_skipped(listing)


def _list_exercises(catalog: Catalog, *, as_json: bool) -> None:
    entries = sorted(catalog.exercises.values(), key=lambda e: e.exercise.id)
    if as_json:
        from psoas_cli.library.describe import exercise_data  # noqa: PLC0415

        _print_json([exercise_data(e.exercise, e) for e in entries])
    else:
        from psoas_cli.display.browse import print_exercise_table  # noqa: PLC0415
        from psoas_cli.display.console import make_console  # noqa: PLC0415

        print_exercise_table(make_console(), entries)


def _list_programmes(catalog: Catalog, *, as_json: bool) -> None:
    entries = sorted(catalog.programmes.values(), key=lambda e: e.programme.name)
    if as_json:
        from psoas_cli.library.describe import programme_data  # noqa: PLC0415

        _print_json([programme_data(e) for e in entries])
    else:
        from psoas_cli.display.console import make_console  # noqa: PLC0415
        from psoas_cli.display.programmes import print_programme_table  # noqa: PLC0415

        print_programme_table(make_console(), entries)


@cli.command("show", short_help="Show a routine's plan and safety notes, or an exercise.")
@click.argument("name", shell_complete=_complete_names)
@click.option("--exercise", "force_exercise", is_flag=True, help="Show the exercise of this name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--markdown", is_flag=True, help="Print a Markdown handout.")
def show_command(name: str, force_exercise: bool, as_json: bool, markdown: bool) -> None:
    """Show a routine's plan and safety notes, or how to do an exercise.

    NAME is a routine name, an exercise id (or alias), a programme name, or the path of a
    routine or programme file.

    \b
    Examples:
      psoas show daily-10min
      psoas show couch-stretch
      psoas show --exercise supported-bridge
      psoas show daily-10min --markdown > handout.md
      psoas show ./my-routine.yaml
      psoas show starter
    """
    if as_json and markdown:
        raise click.UsageError("--json and --markdown cannot be used together.")
    from psoas_cli.library.catalog import (  # noqa: PLC0415
        ProgrammeEntry,
        RoutineEntry,
        builtin_routine_alone,
        load_catalog,
        looks_like_path,
    )

    plain = not (as_json or markdown)
    alone = None if force_exercise or looks_like_path(name) else builtin_routine_alone(name)
    if alone is not None:
        from psoas_cli.library.index import builtin_exercise_ids  # noqa: PLC0415

        _show_routine(alone, as_json=as_json, markdown=markdown)
        if plain and alone.routine.name in builtin_exercise_ids():
            _also_an_exercise(alone.routine.name)
        return
    catalog = load_catalog()
    entry: RoutineEntry | ExerciseEntry
    if force_exercise:
        entry = catalog.find_exercise(name)
    elif looks_like_path(name):
        from_file = catalog.with_file(name)
        if isinstance(from_file, ProgrammeEntry):
            _show_programme(catalog, from_file, as_json=as_json)
            return
        entry = from_file
    elif _names_only_a_programme(catalog, name):
        _show_programme(catalog, catalog.find_programme(name), as_json=as_json)
        return
    else:
        entry = catalog.find(name)
    if isinstance(entry, RoutineEntry):
        _show_routine(entry, as_json=as_json, markdown=markdown)
        if plain and entry.routine.name in catalog.exercises:
            _also_an_exercise(entry.routine.name)
    else:
        _show_exercise(catalog, entry, as_json=as_json, markdown=markdown)
        if plain and not force_exercise and entry.exercise.id in catalog.routines:
            click.echo(f"\n(There is also a routine named {entry.exercise.id}.)")


def _also_an_exercise(name: str) -> None:
    """Point from a routine's page to the exercise of the same name, which NAME hid."""
    click.echo(f"\n(There is also an exercise of this name: psoas show --exercise {name})")


def _names_only_a_programme(catalog: Catalog, name: str) -> bool:
    """A NAME that is a programme's and no routine's or exercise's: routines come first."""
    from psoas_cli.errors import NotFoundError  # noqa: PLC0415
    from psoas_cli.library.catalog import normalise  # noqa: PLC0415

    if normalise(name) not in catalog.programmes:
        return False
    try:
        catalog.find(name)
    except NotFoundError:
        return True
    return False


def _show_programme(catalog: Catalog, entry: ProgrammeEntry, *, as_json: bool) -> None:
    if as_json:
        from psoas_cli.library.describe import programme_data  # noqa: PLC0415

        _print_json(programme_data(entry))
        return
    from psoas_cli.display.console import make_console  # noqa: PLC0415
    from psoas_cli.display.programmes import print_programme  # noqa: PLC0415

    routines = {name: e.routine for name, e in catalog.routines.items()}
    print_programme(make_console(), entry, routines)


def _show_routine(entry: RoutineEntry, *, as_json: bool, markdown: bool) -> None:
    from psoas_cli.library.plan import build_plan  # noqa: PLC0415

    plan = build_plan(entry.routine)
    if as_json:
        from psoas_cli.library.describe import routine_data  # noqa: PLC0415

        _print_json(routine_data(entry, plan))
    elif markdown:
        from psoas_cli.display.handout import routine_markdown  # noqa: PLC0415

        click.echo(routine_markdown(entry, plan), nl=False)
    else:
        from psoas_cli.display.browse import print_routine  # noqa: PLC0415
        from psoas_cli.display.console import make_console  # noqa: PLC0415

        print_routine(make_console(), entry, plan)


def _show_exercise(
    catalog: Catalog, entry: ExerciseEntry, *, as_json: bool, markdown: bool
) -> None:
    if as_json:
        from psoas_cli.library.describe import exercise_data  # noqa: PLC0415

        _print_json(exercise_data(entry.exercise, entry))
    elif markdown:
        from psoas_cli.display.handout import exercise_markdown  # noqa: PLC0415

        click.echo(exercise_markdown(entry.exercise), nl=False)
    else:
        from psoas_cli.display.browse import print_exercise  # noqa: PLC0415
        from psoas_cli.display.console import make_console  # noqa: PLC0415

        used_in = [
            name
            for name, routine_entry in sorted(catalog.routines.items())
            if any(e.id == entry.exercise.id for e in routine_entry.routine.exercises)
        ]
        print_exercise(make_console(), entry, used_in)


@cli.command("validate", short_help="Check routine, exercise and programme files.")
@click.argument("paths", nargs=-1, required=True, shell_complete=_complete_file)
def validate_command(paths: tuple[str, ...]) -> None:
    """Check routine, exercise and programme files and print every problem found.

    A file with a top-level `id` is read as an exercise, one with `entries` as a
    programme, any other as a routine. A folder checks every .yaml file in it. Exits 0
    only when every file is valid.

    \b
    Examples:
      psoas validate my-routine.yaml
      psoas validate ~/.config/psoas/routines ~/.config/psoas/routines/exercises
    """
    from pathlib import Path  # noqa: PLC0415

    from psoas_cli.errors import ExitCode  # noqa: PLC0415
    from psoas_cli.library.validate import validate_files  # noqa: PLC0415

    report = validate_files(Path(p) for p in paths)
    for line in report.lines:
        click.echo(visible(line))
    if not report.ok:
        raise click.exceptions.Exit(ExitCode.ERROR)


SCHEMA_KINDS = ("routine", "exercise", "programme")


@cli.command("schema", short_help="Print the JSON Schema for a kind of file.")
@click.argument("kind", type=click.Choice(SCHEMA_KINDS), default="routine")
@click.option("--exercise", is_flag=True, hidden=True, help="Old form of: schema exercise.")
def schema_command(kind: str, exercise: bool) -> None:
    """Print the JSON Schema for routine, exercise or programme files (KIND, by default
    routine), for editors to check and complete them.

    Save it beside the files it checks, in $PSOAS_HOME/routines (the exercise
    schema in routines/exercises, the programme schema in programmes): there the
    editor comment on a file's first line, $schema=routine.schema.json, finds it.

    \b
    Examples:
      psoas schema > ~/.config/psoas/routines/routine.schema.json
      psoas schema exercise > ~/.config/psoas/routines/exercises/exercise.schema.json
      psoas schema programme > ~/.config/psoas/programmes/programme.schema.json
    """
    from psoas_cli.library.schema import (  # noqa: PLC0415
        exercise_schema,
        programme_schema,
        routine_schema,
    )

    schemas = {
        "routine": routine_schema,
        "exercise": exercise_schema,
        "programme": programme_schema,
    }
    _print_json(schemas["exercise" if exercise else kind]())


@cli.command("run", short_help="Guide you through a routine, step by step.")
@click.argument("name", required=False, shell_complete=_complete_names)
@click.option(
    "--file",
    "file_path",
    metavar="PATH",
    shell_complete=_complete_file,
    help="Run the routine in this file.",
)
@click.option(
    "--speed",
    type=SpeedType(min=MIN_SPEED, max=MAX_SPEED),
    default=1.0,
    show_default=True,
    help="Divide every duration by this (10 = ten times faster), for previews.",
)
@click.option(
    "--from",
    "start",
    metavar="STEP",
    shell_complete=_complete_steps,
    help="Start at this step: its number or exercise.",
)
@click.option(
    "--prep",
    default="5s",
    type=CUE_DURATION,
    show_default=True,
    help=f"Get-ready time, {CUE_RANGE}.",
)
@click.option("--no-prep", is_flag=True, help="Start the first step at once.")
@click.option(
    "--switch",
    default="5s",
    type=CUE_DURATION,
    show_default=True,
    help=f"Switch-sides time, {CUE_RANGE}.",
)
@click.option(
    "--transition",
    default="5s",
    type=CUE_DURATION,
    show_default=True,
    help=f"Next-up time, {CUE_RANGE}.",
)
@sound_options(
    sound_help="Tones through the speakers; the terminal bell; tones with spoken words; or none.",
    volume_help="How loud tones and words are.",
)
@click.option("--quiet", is_flag=True, help="No sounds: short for --sound off.")
@click.option("--bells", is_flag=True, hidden=True, help="Old form of: --sound bell.")
@click.option("--voice/--no-voice", default=False, hidden=True, help="Old form of: --sound voice.")
@click.option(
    "-y",
    "--yes",
    is_flag=True,
    help="Start at once; ask nothing before or after.",
)
@click.option(
    "--plain/--live", default=False, help="One line per event, for logs and screen readers."
)
@click.option("--dry-run", is_flag=True, help="Print the timeline and total time, then stop.")
@click.option(
    "--pain-before",
    type=click.IntRange(0, 10),
    metavar="0-10",
    help="Pain before the run (else asked at a keyboard).",
)
@click.option(
    "--pain-after",
    type=click.IntRange(0, 10),
    metavar="0-10",
    help="Pain after the run (else asked at a keyboard).",
)
@click.option("--note", default="", metavar="TEXT", help="A note kept with this session.")
@click.option(
    "--history/--no-history",
    default=True,
    help="Record this run in your history.  [default: history]",
)
@click.option(
    "--keep-awake/--no-keep-awake",
    default=True,
    help="Keep the screen awake during the run.  [default: keep-awake]",
)
def run_command(
    *,
    name: str | None,
    file_path: str | None,
    speed: float,
    start: str | None,
    prep: float,
    no_prep: bool,
    switch: float,
    transition: float,
    sound: SoundMode,
    volume: int,
    quiet: bool,
    bells: bool,
    voice: bool,
    yes: bool,
    plain: bool,
    dry_run: bool,
    pain_before: int | None,
    pain_after: int | None,
    note: str,
    history: bool,
    keep_awake: bool,
) -> None:
    """Guide you through a routine: countdown, breath pacing, reps, sides and cues.

    NAME is a routine name or the path of a routine file; with none, the next routine
    your programme has due today runs, at its doses (see `psoas today`), and without a
    programme psoas says how to choose one (exit 2). A safety screen comes first;
    rate your pain 0-10 and press Enter (or, with --no-history, any key) to begin.
    While it runs: space pauses, n skips a side or set, N the whole exercise, b goes
    back, + adds 10 s to a hold, q quits, ! stops at once if something hurts, ? shows
    the keys until pressed again.

    Without a terminal (a pipe, TERM=dumb) or with --plain it prints one line per
    event instead of the live screen. Defaults for these options can be set in
    $PSOAS_HOME/config.yaml under 'run:'. Exit codes: 0 completed, 1 error, 2 usage,
    130 quit, stopped or interrupted.

    Every run is recorded in your history as it goes (see `psoas history` and
    `psoas stats`), except with --no-history or at a --speed other than 1. At a keyboard
    you are asked for pain from 0 to 10 before and after (Enter skips); the hang test
    also asks where each thigh settled, right after each side. Pain 2 or more above what
    it was before, or a stop with !, is a stop sign: psoas says what to do about it
    before saving.

    In a terminal the screen is kept from sleeping or locking while the routine runs
    (gnome-session-inhibit, systemd-inhibit, caffeinate or Windows' own call);
    --no-keep-awake leaves it to the system's settings.

    \b
    Examples:
      psoas run daily-10min
      psoas run
      psoas run kneeling-stretch --switch 10 --sound voice
      psoas run release-20min --from 3
      psoas run ./my-routine.yaml --dry-run
      psoas run breathing-minute --plain --yes > session.log
      psoas run hang-test --pain-before 3 --note "after a long drive"
    """
    from psoas_cli.library.catalog import (  # noqa: PLC0415
        ExerciseEntry,
        RoutineEntry,
        builtin_routine_alone,
        file_to_run,
        load_catalog,
        looks_like_path,
    )
    from psoas_cli.library.plan import PlanOptions  # noqa: PLC0415
    from psoas_cli.session import RunSettings, make_plan, standard_session  # noqa: PLC0415

    if name is not None and file_path is not None:
        raise click.UsageError("give a routine NAME or --file PATH, not both.")
    if not history and (pain_before is not None or pain_after is not None or note):
        raise click.UsageError("--pain-before, --pain-after and --note need the history on.")
    if name is None and file_path is None:
        routine = _todays_next_routine()
        if routine is None:
            return
    else:
        target = file_path or name or ""
        entry: RoutineEntry | ExerciseEntry | ProgrammeEntry
        if file_path or looks_like_path(target):
            entry = file_to_run(target)
        else:
            entry = builtin_routine_alone(target) or load_catalog().find(target)
        if not isinstance(entry, RoutineEntry):
            what = "an exercise" if isinstance(entry, ExerciseEntry) else "a programme"
            raise click.UsageError(f"{target} is {what}, not a routine: psoas show {target}")
        routine = entry.routine
    settings = RunSettings(
        cues=PlanOptions(prep=0.0 if no_prep else prep, switch=switch, transition=transition),
        speed=speed,
        start_step=_step_index(routine, start) if start else 0,
        sound=SoundMode.OFF if quiet else _old_sound_flags(sound, bells=bells, voice=voice),
        volume=volume,
        yes=yes,
        plain=plain,
        history_wanted=history,
        keep_awake=keep_awake,
        pain_before=pain_before,
        pain_after=pain_after,
        note=note.strip(),
    )
    plan = make_plan(routine, settings)
    if dry_run:
        from psoas_cli.run.narration import timeline  # noqa: PLC0415

        for line in timeline(plan):
            click.echo(line)
        return
    from psoas_cli.errors import ExitCode  # noqa: PLC0415
    from psoas_cli.outcome import Outcome  # noqa: PLC0415

    report = standard_session().run(plan, settings)
    if report.outcome is not Outcome.COMPLETED:
        raise click.exceptions.Exit(ExitCode.INTERRUPTED)


@cli.command("sounds", short_help="Play and name every cue of a run once.")
@sound_options(
    sound_help="Which sounds to play, as for psoas run.",
    volume_help="How loud, as for psoas run.",
)
def sounds_command(sound: SoundMode, volume: int) -> None:
    """Play every cue of a run once, naming each as it plays.

    To check the speakers and the volume before you lie down: get ready, start, inhale,
    hold, exhale, a rep, the countdown, switch sides, rest, next exercise and the end.
    Defaults come from $PSOAS_HOME/config.yaml under 'run:', as for psoas run. Exit codes:
    0 played, 1 no audio output (the terminal bell rang instead), 2 usage.

    \b
    Examples:
      psoas sounds
      psoas sounds --volume 40
      psoas sounds --sound voice
    """
    from psoas_cli.errors import ExitCode  # noqa: PLC0415
    from psoas_cli.session import RunSettings, sample_sounds, standard_session  # noqa: PLC0415

    if not sample_sounds(standard_session(), RunSettings(sound=sound, volume=volume)):
        raise click.exceptions.Exit(ExitCode.ERROR)


def _old_sound_flags(sound: SoundMode, *, bells: bool, voice: bool) -> SoundMode:
    """--voice and --bells from before --sound (also ``voice: true`` in config.yaml).

    Kept, hidden, for one release so scripts keep working; remove in the next release.
    """
    if sound is not SoundMode.TONES:
        return sound
    if voice:
        return SoundMode.VOICE
    return SoundMode.BELL if bells else sound


SINCE_HELP = "Only sessions from DATE on: 2026-11-01, today, yesterday, 10d, 4w."
ROUTINE_HELP = "Only sessions of this routine."
LIST_SIZE = 20
"""Sessions the history table shows unless --limit says otherwise."""


@cli.group(
    "history",
    invoke_without_command=True,
    short_help="Show, export, import or delete past sessions.",
)
@click.option("--since", type=SinceDateType(), metavar="DATE", help=SINCE_HELP)
@click.option("--routine", metavar="NAME", shell_complete=_complete_routines, help=ROUTINE_HELP)
@click.option(
    "--limit",
    type=click.IntRange(min=0, max=MAX_LIST_LIMIT),
    metavar="N",
    help=f"Show N sessions (default {LIST_SIZE} in the table, all with --json/--csv; 0 for all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV for spreadsheets.")
@click.option(
    "--delete", "delete_id", type=RecordIdType(), hidden=True, help="Old form of: delete ID."
)
@click.option("-y", "--yes", is_flag=True, hidden=True, help="With --delete: do not ask.")
@click.option("--export", "export_to", hidden=True, help="Old form of: export FILE.")
@click.option("--import", "import_from", hidden=True, help="Old form of: import FILE.")
@click.pass_context
def history_group(
    ctx: click.Context,
    *,
    since: date | None,
    routine: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
    delete_id: int | None,
    yes: bool,
    export_to: str | None,
    import_from: str | None,
) -> None:
    """Show recent sessions: when, which routine, time done, how it ended, pain before → after.

    Every `psoas run` is recorded as it happens, so a run that was quit, stopped because
    it hurt, or interrupted is here too, with what was done up to that point. The history
    lives in $PSOAS_HOME/history.sqlite3 (by default ~/.local/share/psoas on Linux).

    \b
    Examples:
      psoas history
      psoas history --since 4w --routine daily-10min
      psoas history --csv > sessions.csv
      psoas history delete 12
      psoas history export backup.json
      psoas history import backup.json
    """
    listing = since is not None or routine is not None or limit is not None or as_json or as_csv
    if ctx.invoked_subcommand is not None:
        if listing or delete_id is not None or export_to or import_from or yes:
            raise click.UsageError(
                f"the options before '{ctx.invoked_subcommand}' are for listing sessions; "
                f"see psoas history {ctx.invoked_subcommand} --help for its own."
            )
        return
    actions = [a for a in (delete_id is not None, export_to, import_from, as_json, as_csv) if a]
    if len(actions) > 1:
        raise click.UsageError(
            "use one of --delete, --export, --import, --json and --csv at a time."
        )
    if delete_id is not None or export_to is not None or import_from is not None:
        _old_history_flags(
            delete_id=delete_id,
            ask=not yes,
            export_to=export_to,
            import_from=import_from,
            export=lambda target: _export_history(
                target, since=since, routine=routine, limit=limit
            ),
        )
    elif as_json or as_csv:
        _print_records(since=since, routine=routine, limit=limit, as_json=as_json)
    else:
        _print_history_table(since=since, routine=routine, limit=limit)


def _old_history_flags(
    *,
    delete_id: int | None,
    ask: bool,
    export_to: str | None,
    import_from: str | None,
    export: Callable[[str], None],
) -> None:
    """--delete, --export and --import from before history had subcommands.

    Kept, hidden, for one release so scripts keep working; remove in the next release.
    """
    if import_from is not None:
        _import_history(_history_file(), import_from)
    elif delete_id is not None:
        _delete_record(_history_file(), delete_id, ask=ask)
    elif export_to is not None:
        export(export_to)


@history_group.command("export", short_help="Write the history to a JSON file.")
@click.argument("target", metavar="FILE")
@click.option("--since", type=SinceDateType(), metavar="DATE", help=SINCE_HELP)
@click.option("--routine", metavar="NAME", shell_complete=_complete_routines, help=ROUTINE_HELP)
def history_export(target: str, since: date | None, routine: str | None) -> None:
    """Write sessions with their ratings and self-checks to FILE as JSON ('-': standard output).

    Every session, unless --since or --routine choose some. The file is for backups and
    for moving to another computer: `psoas history import` reads it back. An existing FILE
    is never overwritten.

    \b
    Examples:
      psoas history export backup.json
      psoas history export - --since 4w | less
    """
    _export_history(target, since=since, routine=routine, limit=None)


@history_group.command("import", short_help="Add the sessions from an exported file.")
@click.argument("source", metavar="FILE")
def history_import(source: str) -> None:
    """Add the sessions in FILE (written by `psoas history export`), skipping any already here.

    \b
    Examples:
      psoas history import backup.json
    """
    _import_history(_history_file(), source)


@history_group.command("delete")
@click.argument("record_id", metavar="ID", type=RecordIdType())
@click.option("-y", "--yes", is_flag=True, help="Delete without asking.")
def history_delete(record_id: int, yes: bool) -> None:
    """Delete one session, by the ID that `psoas history` shows.

    You are asked first; -y deletes without asking, and is needed without a terminal
    (in a script or a pipe), where nobody could answer.

    \b
    Examples:
      psoas history delete 12
      psoas history delete 12 -y
    """
    _delete_record(_history_file(), record_id, ask=not yes)


def _history_file() -> Path:
    from psoas_cli.paths import history_path  # noqa: PLC0415

    return history_path()


@contextmanager
def _streamed_records(
    *, since: date | None, routine: str | None, limit: int | None, oldest_first: bool = False
) -> Iterator[Iterator[RunRecord]]:
    """Records newest first (or oldest first), read one at a time while the history is
    open; no limit or 0 means all of them. No history file means none. Sessions that could
    not be read are named once all are through."""
    from psoas_cli.history.store import History  # noqa: PLC0415

    history = History.read(_history_file())
    if history is None:
        yield iter(())
        return
    records = history.each_record(
        since=since, routine=routine, limit=limit or None, oldest_first=oldest_first
    )
    with history, closing(records):
        yield records
        _warn_unreadable(history.unreadable)


def _print_records(
    *, since: date | None, routine: str | None, limit: int | None, as_json: bool
) -> None:
    """The chosen records as JSON or CSV on standard output, streamed as they are read."""
    from psoas_cli.history.files import csv_chunks, json_list_chunks, record_data  # noqa: PLC0415

    with _streamed_records(since=since, routine=routine, limit=limit) as records:
        if as_json:
            _echo_chunks(json_list_chunks(record_data(r) for r in records))
            click.echo()
        else:
            _echo_chunks(csv_chunks(records))


ECHO_BATCH_CHARACTERS = 64 * 1024
"""Text gathered before each write to standard output: few writes, and flat memory."""


def _echo_chunks(chunks: Iterable[str]) -> None:
    """Write pieces of text to standard output as click.echo would write them joined."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= ECHO_BATCH_CHARACTERS:
            click.echo("".join(batch), nl=False)
            batch, size = [], 0
    if batch:
        click.echo("".join(batch), nl=False)


def _read_history(
    *, since: date | None, routine: str | None, limit: int | None
) -> tuple[list[RunRecord], int]:
    """Records newest first, no more than ``limit`` (no limit or 0: all of them), and how
    many there are without the limit. No history file means none."""
    from psoas_cli.history.store import History  # noqa: PLC0415

    history = History.read(_history_file())
    if history is None:
        return [], 0
    with history:
        records = history.records(since=since, routine=routine, limit=limit or None)
        total = history.count(since=since, routine=routine)
        _warn_unreadable(history.unreadable)
        return records, total


def _warn_unreadable(ids: set[int]) -> None:
    """One line for each stored session that was skipped, with how to get rid of it."""
    for record_id in sorted(ids):
        click.echo(
            f"skipped session {record_id}: its stored values cannot be read; "
            f"remove it with: psoas history delete {record_id}",
            err=True,
        )


def _print_history_table(*, since: date | None, routine: str | None, limit: int | None) -> None:
    from psoas_cli.display.console import make_console  # noqa: PLC0415
    from psoas_cli.display.progress import print_history  # noqa: PLC0415

    wanted = LIST_SIZE if limit is None else limit
    records, total = _read_history(since=since, routine=routine, limit=wanted)
    print_history(make_console(), records, total, _filter_words(since=since, routine=routine))


def _filter_words(*, since: date | None, routine: str | None) -> str:
    """The options that chose which sessions to list, written as they could be typed."""
    words = [] if since is None else [f"--since {since.isoformat()}"]
    if routine is not None:
        words.append(f"--routine {routine}")
    return " ".join(words)


def _import_history(path: Path, source: str) -> None:
    from pathlib import Path  # noqa: PLC0415

    from psoas_cli.history.files import read_export_file  # noqa: PLC0415
    from psoas_cli.history.store import History  # noqa: PLC0415

    source_file = Path(source)
    export = read_export_file(source_file)
    records = export.records
    with History.open(path) as history:
        added = history.import_records(records)
        adopted = _adopt_programme(history, export.programme)
    skipped = len(records) - added
    already = f"; {skipped} {'was' if skipped == 1 else 'were'} already here" if skipped else ""
    click.echo(
        visible(
            f"Imported {added} of {counted(len(records), 'session')} from {source_file}{already}."
        )
    )
    if adopted:
        click.echo(visible(adopted))


def _adopt_programme(history: History, imported: ActiveProgramme | None) -> str:
    """Follow the export's programme when this history follows none; a line saying what
    happened to it, or nothing when the export has none."""
    if imported is None:
        return ""
    here = history.active_programme()
    if here is None:
        history.start_programme(imported)
        return f"Now following {imported.name}, from {imported.start:%A %d %B %Y}, as exported."
    if here == imported:
        return ""
    return (
        f"The export follows {imported.name} from {imported.start}; this history keeps "
        f"{here.name} from {here.start}."
    )


def _active_programme() -> ActiveProgramme | None:
    """The programme being followed, read without creating a history; None without one."""
    from psoas_cli.history.store import History  # noqa: PLC0415

    history = History.read(_history_file())
    if history is None:
        return None
    with history:
        return history.active_programme()


def _export_history(
    target: str, *, since: date | None, routine: str | None, limit: int | None
) -> None:
    """Write the chosen sessions, oldest first, to a new file or ('-') standard output,
    one at a time as they are read."""
    from datetime import datetime  # noqa: PLC0415

    from psoas_cli.history.files import export_chunks  # noqa: PLC0415

    exported = datetime.now().astimezone()
    programme = _active_programme()
    written = 0

    def counting(records: Iterator[RunRecord]) -> Iterator[RunRecord]:
        nonlocal written
        for record in records:
            written += 1
            yield record

    with _streamed_records(since=since, routine=routine, limit=limit, oldest_first=True) as records:
        chunks = export_chunks(counting(records), exported, programme)
        if target == "-":
            _echo_chunks(chunks)
            return
        _write_new(target, chunks)
    click.echo(f"Exported {counted(written, 'session')} to {target}.", err=True)


def _write_new(target: str, chunks: Iterable[str]) -> None:
    """Write the text in ``chunks`` to a new file, whole or not at all; an existing one is
    an error (exit 1, as for a file that cannot be written), never overwritten."""
    from pathlib import Path  # noqa: PLC0415

    from psoas_cli.history.files import write_new_file  # noqa: PLC0415

    path = Path(target)
    if path.exists():
        raise click.ClickException(
            visible(f"{path} already exists; choose another name or remove it first.")
        )
    write_new_file(path, chunks)


def _delete_record(path: Path, record_id: int, *, ask: bool) -> None:
    from psoas_cli.history.store import History  # noqa: PLC0415

    history = History.read(path)
    what = None
    if history is not None:
        with history:
            found = history.record(record_id)
            if found is not None:
                what = visible(
                    f"session {found.id}: {found.routine}, {found.started:%Y-%m-%d %H:%M}"
                )
            elif record_id in history.unreadable:
                what = f"session {record_id}, whose stored values cannot be read"
    if what is None:
        raise click.ClickException(f"there is no session {record_id}; see psoas history.")
    if ask and not _at_keyboard():
        raise click.UsageError(
            f"no terminal to ask at: add -y to delete session {record_id} without asking."
        )
    if ask and not click.confirm(f"Delete {what}?"):
        click.echo("Kept it.")
        return
    with History.open(path) as history:
        history.delete(record_id)
    click.echo(f"Deleted {what}.")


def _at_keyboard() -> bool:
    import sys  # noqa: PLC0415

    return sys.stdin.isatty()


@cli.command("stats", short_help="Show streaks, weekly minutes and pain over time.")
@click.option(
    "--goal",
    type=click.IntRange(1, MAX_WEEKLY_GOAL),
    default=5,
    show_default=True,
    help="Sessions a week to aim for.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def stats_command(*, goal: int, as_json: bool) -> None:
    """Show streaks, this week against your goal, a calendar, minutes and pain by week, and
    self-check results by side.

    A day counts toward a streak when it has a session that was completed with a step
    done, or lasted at least a minute. Weeks start on Monday. Sessions where pain got
    worse (2 or more above before, or stopped with !) are marked and listed, and stay in
    the pain chart. Set your weekly goal in $PSOAS_HOME/config.yaml under 'stats:'
    (goal: 4). While you follow a programme (`psoas plan`), its weeks follow, each with the
    sessions done against those it prescribes.

    \b
    Examples:
      psoas stats
      psoas stats --goal 3
      psoas stats --json
    """
    if as_json:
        from psoas_cli.history.stats import stats_data  # noqa: PLC0415

        stats, kept = _read_stats(_local_today(), goal, rounds=None)
        data = stats_data(stats)
        if kept is not None:
            data["programme"] = {
                "name": kept.programme.name,
                "start": kept.start.isoformat(),
                "weeks": [
                    {"start": first.isoformat(), "done": done, "prescribed": asked}
                    for first, done, asked in kept.weeks
                ],
            }
        _print_json(data)
        return
    from psoas_cli.display.console import make_console  # noqa: PLC0415
    from psoas_cli.display.progress import CHECK_ROUNDS_SHOWN, print_stats  # noqa: PLC0415

    stats, kept = _read_stats(_local_today(), goal, rounds=CHECK_ROUNDS_SHOWN)
    console = make_console()
    print_stats(console, stats)
    if kept is not None:
        from psoas_cli.display.programmes import print_adherence  # noqa: PLC0415

        print_adherence(console, kept)


def _read_stats(today: date, goal: int, *, rounds: int | None) -> tuple[Stats, Adherence | None]:
    """The figures for ``today`` and the followed programme's weeks, from one snapshot of
    the history; no history file means no sessions. ``rounds``: see ``read_stats``."""
    from psoas_cli.history.stats import compute_stats, read_stats  # noqa: PLC0415
    from psoas_cli.history.store import History  # noqa: PLC0415

    history = History.read(_history_file())
    if history is None:
        return compute_stats((), today, goal=goal), None
    with history:
        with history.snapshot():
            stats = read_stats(history, today, goal=goal, rounds=rounds)
            kept = _adherence(history, today)
        _warn_unreadable(history.unreadable)
    return stats, kept


PROGRAMME_LOOKS_BACK_DAYS = 1
"""How many days before its start a programme's weeks look at sessions: "not two days running"
asks about the day before the first one."""


def _adherence(history: History, today: date) -> Adherence | None:
    """Sessions done against the followed programme's prescription, week by week; None
    when no programme is followed or it can no longer be found."""
    from datetime import timedelta  # noqa: PLC0415

    from psoas_cli.history.stats import schedule_sessions  # noqa: PLC0415
    from psoas_cli.library.catalog import load_catalog  # noqa: PLC0415
    from psoas_cli.library.schedule import Adherence, adherence  # noqa: PLC0415

    active = history.active_programme()
    if active is None:
        return None
    entry = load_catalog().programmes.get(active.name)
    if entry is None:
        return None
    sessions = schedule_sessions(
        history.records(since=active.start - timedelta(days=PROGRAMME_LOOKS_BACK_DAYS))
    )
    weeks = adherence(entry.programme, active.start, today, sessions)
    return Adherence(programme=entry.programme, start=active.start, weeks=tuple(weeks))


class PlanDateType(_DayType):
    """The day a programme starts: 2026-11-30, today, tomorrow, or a weekday name (the next
    such day, today included)."""

    examples = "2026-11-30, today, tomorrow or monday"

    def day(self, text: str, today: date) -> date | None:
        from psoas_cli.library.schedule import start_date  # noqa: PLC0415

        return start_date(text, today)


@cli.group(
    "plan", invoke_without_command=True, short_help="Show or change the programme you follow."
)
@click.pass_context
def plan_group(ctx: click.Context) -> None:
    """Show this week of the programme you follow: what is due, done and missed, and how
    the doses will change next week, and why.

    Choose a programme with `plan start` (see `psoas list --programmes`); `psoas today`
    shows the day, and `psoas run` with no name runs its next routine.

    \b
    Examples:
      psoas plan start starter
      psoas plan
      psoas plan ics starter.ics
      psoas plan stop
    """
    if ctx.invoked_subcommand is not None:
        return
    from psoas_cli.display.console import make_console  # noqa: PLC0415
    from psoas_cli.display.programmes import print_week  # noqa: PLC0415
    from psoas_cli.library.schedule import week_view  # noqa: PLC0415

    following = _following()
    view = week_view(
        following.programme,
        following.start,
        _local_today(),
        following.sessions,
        following.routines,
    )
    print_week(make_console(), view)


@plan_group.command("start", short_help="Follow a programme from today or a date.")
@click.argument("name", metavar="NAME", shell_complete=_complete_programmes)
@click.option(
    "--on",
    "start",
    type=PlanDateType(),
    metavar="DATE",
    help="The day its first week begins: 2026-11-30, tomorrow, monday.  [default: today]",
)
def plan_start(name: str, start: date | None) -> None:
    """Follow the programme NAME from today (or --on DATE), in place of any other.

    \b
    Examples:
      psoas plan start starter
      psoas plan start starter --on monday
    """
    from psoas_cli.history.store import ActiveProgramme, History  # noqa: PLC0415
    from psoas_cli.library.catalog import load_catalog  # noqa: PLC0415

    programme = load_catalog().find_programme(name).programme
    active = ActiveProgramme(name=programme.name, start=start or _local_today())
    with History.open(_history_file()) as history:
        replaced = history.start_programme(active)
    if replaced is not None and replaced.name != active.name:
        click.echo(f"Stopped following {replaced.name}.")
    click.echo(
        visible(
            f"Following {programme.title} ({programme.name}) from {active.start:%A %d %B %Y}, "
            f"for {counted(programme.weeks, 'week')}. See the day with: psoas today"
        )
    )


@plan_group.command("stop", short_help="Stop following the programme; history stays.")
def plan_stop() -> None:
    """Stop following the programme; your history of sessions stays as it is.

    \b
    Examples:
      psoas plan stop
    """
    from psoas_cli.history.store import History  # noqa: PLC0415

    history = History.read(_history_file())
    stopped = None
    if history is not None:
        history.close()
        with History.open(_history_file()) as writable:
            stopped = writable.stop_programme()
    if stopped is None:
        click.echo("No programme was being followed.")
        return
    click.echo(visible(f"Stopped following {stopped.name}. Your sessions stay in your history."))


@plan_group.command("ics", short_help="Write your programme as a calendar file.")
@click.argument("target", metavar="FILE")
def plan_ics(target: str) -> None:
    """Write the programme you follow to FILE as a calendar ('-': standard output): one
    repeating event per routine at its time of day, with a reminder 10 minutes before
    (an all-day event, reminded at 09:00, where the programme gives no time).

    Phone and desktop calendars import the file (iCalendar, RFC 5545). Times are local
    to wherever you are. An existing FILE is never overwritten; importing a newer file
    for the same programme and start updates the events instead of adding more.

    \b
    Examples:
      psoas plan ics starter.ics
    """
    from datetime import datetime  # noqa: PLC0415

    from psoas_cli.library.ics import programme_ics  # noqa: PLC0415

    following = _following()
    text = programme_ics(
        following.programme,
        following.start,
        following.routines,
        datetime.now().astimezone(),
    )
    if target == "-":
        # As bytes: a text stream would turn the format's CRLF line ends into CRCRLF on Windows.
        click.echo(text.encode("utf-8"), nl=False)
        return
    _write_new(target, (text,))
    events = counted(len(following.programme.entries), "repeating event")
    click.echo(visible(f"Wrote {events} to {target}; import it into your calendar."), err=True)


@cli.command("today", short_help="Show what your programme has due today.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def today_command(as_json: bool) -> None:
    """Show what your programme has due today, in order, at the doses progression sets,
    with one line of reason for each change.

    \b
    Examples:
      psoas today
      psoas today --json
    """
    from psoas_cli.library.schedule import today_view  # noqa: PLC0415

    following = _following()
    today = today_view(
        following.programme,
        following.start,
        _local_today(),
        following.sessions,
        following.routines,
    )
    if as_json:
        from psoas_cli.library.describe import today_data  # noqa: PLC0415

        _print_json(today_data(today))
        return
    from psoas_cli.display.console import make_console  # noqa: PLC0415
    from psoas_cli.display.programmes import print_today  # noqa: PLC0415

    print_today(make_console(), today)


def _todays_next_routine() -> Routine | None:
    """The next routine today's programme has due, at its doses; None, after saying so,
    when everything due today is done or nothing is due."""
    from psoas_cli.library.schedule import Stage, today_view  # noqa: PLC0415

    following = _following()
    today = today_view(
        following.programme,
        following.start,
        _local_today(),
        following.sessions,
        following.routines,
    )
    item = today.next_item()
    if item is not None:
        click.echo(visible(f"Today's next routine in {today.programme.name}: {item.routine.name}"))
        if item.change is not None:
            from psoas_cli.library.schedule import dose_words  # noqa: PLC0415

            doses = dose_words(item.routine, item.entry.progression, 0)
            click.echo(visible(f"{doses}: {item.change.reason}."))
        return item.routine
    if today.stage is Stage.NOT_STARTED:
        click.echo(f"{today.programme.name} starts on {today.start:%A %d %B}; nothing is due yet.")
    elif today.stage is Stage.ENDED:
        click.echo(
            f"{today.programme.name} has ended. Start it again or another with: "
            "psoas plan start NAME"
        )
    else:
        click.echo("Everything due today is done. See the week with: psoas plan")
    return None


def _following() -> Following:
    """The programme being followed, its start, the sessions since and the routines it
    runs; a usage error saying how to choose one when there is none."""
    from psoas_cli.errors import NoProgrammeError, PsoasError  # noqa: PLC0415
    from psoas_cli.history.stats import schedule_sessions  # noqa: PLC0415
    from psoas_cli.history.store import History  # noqa: PLC0415
    from psoas_cli.library.catalog import load_catalog  # noqa: PLC0415
    from psoas_cli.library.schedule import Following  # noqa: PLC0415

    history = History.read(_history_file())
    if history is None:
        raise NoProgrammeError
    with history:
        active = history.active_programme()
        if active is None:
            raise NoProgrammeError
        records = history.records(since=active.start)
        _warn_unreadable(history.unreadable)
    catalog = load_catalog()
    _warn_skipped(catalog)
    entry = catalog.programmes.get(active.name)
    if entry is None:
        raise PsoasError(
            f"the programme {active.name} you follow can no longer be found; choose another "
            "with: psoas plan start NAME, or stop with: psoas plan stop"
        )
    return Following(
        programme=entry.programme,
        start=active.start,
        sessions=tuple(schedule_sessions(records)),
        routines={name: e.routine for name, e in catalog.routines.items()},
    )


def _step_index(routine: Routine, start: str) -> int:
    """The 0-based index of the step --from names, by number or exercise."""
    from psoas_cli.library.catalog import normalise  # noqa: PLC0415
    from psoas_cli.library.describe import step_name  # noqa: PLC0415

    count = len(routine.steps)
    text = start.strip()
    if digits_only(text):
        number = int(text) if len(text) <= MAX_STEP_DIGITS else 0
        if 1 <= number <= count:
            return number - 1
        raise click.BadParameter(f"{routine.name} has steps 1 to {count}.", param_hint="--from")
    wanted = normalise(start)
    for index, step in enumerate(routine.steps):
        exercise = getattr(step, "exercise", None)
        names = {normalise(step_name(step))}
        if exercise is not None:
            names |= {exercise.id, *(normalise(a) for a in exercise.aliases)}
        if wanted in names:
            return index
    choices = ", ".join(f"{i + 1} {step_name(s)}" for i, s in enumerate(routine.steps))
    raise click.BadParameter(
        f"no step {start!r} in {routine.name}; steps: {choices}.", param_hint="--from"
    )


def _print_json(data: object) -> None:
    import json  # noqa: PLC0415

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _warn_skipped(catalog: Catalog | Listing) -> None:
    """The user files set aside, each by its first problem, and a built-in index that is out
    of date, which only a checkout with edited built-in files can have."""
    if catalog.stale_index:
        click.echo(f"note: {catalog.stale_index}", err=True)
    for problem in catalog.problems:
        first = problem.problems[0]
        more = len(problem.problems) - 1
        extra = f" (and {more} more; run: psoas validate {first.file})" if more else ""
        click.echo(visible(f"skipped {first}{extra}"), err=True)


def main() -> None:
    """Entry point of the ``psoas`` command."""
    _plain_glyphs_where_needed()
    cli(prog_name="psoas")


def _plain_glyphs_where_needed() -> None:
    """Let output that the terminal's encoding cannot hold (PYTHONIOENCODING=ascii, LANG=C
    with an old Python, a Latin-1 terminal) fall back to ASCII glyphs instead of raising."""
    import codecs  # noqa: PLC0415
    import io  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from psoas_cli.text import ascii_fallback  # noqa: PLC0415

    codecs.register_error("psoas-ascii", ascii_fallback)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="psoas-ascii")


if __name__ == "__main__":
    main()
