"""The command line: parses arguments, calls the layers below, turns their errors into exit codes.

The only module that imports click. Everything heavier (yaml, rich, the catalog) is imported
inside the command that needs it, so ``psoas --help`` starts as fast as click itself.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import click

from psoas_cli import __version__
from psoas_cli.errors import ExitCode, PsoasError

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from psoas_cli.catalog import Catalog, ExerciseEntry, RoutineEntry

MAX_HELP_WIDTH = 100


def _terminal_width() -> int:
    """The help width, found without click's shutil import, which costs more than the rest."""
    try:
        columns = int(os.environ.get("COLUMNS", "")) or os.get_terminal_size().columns
    except (ValueError, OSError):
        columns = 80
    return max(min(columns, MAX_HELP_WIDTH) - 2, 50)


CONTEXT = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": MAX_HELP_WIDTH,
    "terminal_width": _terminal_width(),
}


class PsoasGroup(click.Group):
    """A group that shows the project's errors as one message with their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PsoasError as exc:
            click.echo(f"Error: {exc}", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None


def _complete_names(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Routine and exercise names for shell completion; silent when anything is wrong."""
    from click.shell_completion import CompletionItem  # noqa: PLC0415

    try:
        from psoas_cli.catalog import load_catalog  # noqa: PLC0415

        catalog = load_catalog()
    except PsoasError:
        return []
    items = [CompletionItem(name, help=e.routine.title) for name, e in catalog.routines.items()]
    items += [
        CompletionItem(ident, help=e.exercise.name)
        for ident, e in catalog.exercises.items()
        if ident not in catalog.routines
    ]
    return [item for item in items if item.value.startswith(incomplete)]


@click.group(cls=PsoasGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="psoas", message="%(prog)s %(version)s")
def cli() -> None:
    """A terminal coach for hip-flexor (psoas) release.

    Lists and explains stretch, breathing and strength routines for the psoas, checks
    routine files you write yourself, and (with `run`) guides you through one.

    \b
    Examples:
      psoas list
      psoas show daily-10min
      psoas show couch-stretch
      psoas validate my-routine.yaml

    Your own routines go in $PSOAS_HOME/routines (by default the platform's config folder,
    such as ~/.config/psoas/routines). Exit codes: 0 success, 1 error, 2 usage, 130
    interrupted.
    """


@cli.command("list")
@click.option("--tag", "tags", multiple=True, help="Only routines with this tag (repeatable).")
@click.option(
    "--level",
    type=click.Choice(["beginner", "intermediate", "advanced"]),
    help="Only routines for this level.",
)
@click.option("--max-minutes", type=click.FloatRange(min=0), help="Only routines this short.")
@click.option("--exercises", is_flag=True, help="List the exercise library instead.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_command(
    tags: tuple[str, ...],
    level: str | None,
    max_minutes: float | None,
    exercises: bool,
    as_json: bool,
) -> None:
    """List routines with their total time, level, equipment and origin.

    Times are computed from each routine's steps, including get-ready and switch-sides
    cues; '~' marks an estimate for self-paced sets.

    \b
    Examples:
      psoas list
      psoas list --tag strength --max-minutes 12
      psoas list --exercises
      psoas list --json
    """
    from psoas_cli.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    if exercises:
        entries = sorted(catalog.exercises.values(), key=lambda e: e.exercise.id)
        if as_json:
            from psoas_cli.describe import exercise_data  # noqa: PLC0415

            _print_json([exercise_data(e.exercise, e) for e in entries])
        else:
            from psoas_cli.display.browse import make_console, print_exercise_table  # noqa: PLC0415

            print_exercise_table(make_console(), entries)
        _warn_skipped(catalog)
        return
    from psoas_cli.plan import routine_seconds  # noqa: PLC0415

    rows = []
    for entry in sorted(catalog.routines.values(), key=lambda e: e.routine.name):
        routine = entry.routine
        total, approximate = routine_seconds(routine)
        if tags and not set(tags) & set(routine.tags):
            continue
        if level and routine.level.value != level:
            continue
        if max_minutes is not None and total > max_minutes * 60:
            continue
        rows.append((entry, total, approximate))
    if as_json:
        from psoas_cli.describe import list_data  # noqa: PLC0415

        _print_json([list_data(entry, total, approximate) for entry, total, approximate in rows])
    else:
        from psoas_cli.display.browse import make_console, print_routine_table  # noqa: PLC0415

        print_routine_table(make_console(), rows)
    _warn_skipped(catalog)


@cli.command("show")
@click.argument("name", shell_complete=_complete_names)
@click.option("--exercise", "force_exercise", is_flag=True, help="Show the exercise of this name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--markdown", is_flag=True, help="Print a Markdown handout.")
def show_command(name: str, force_exercise: bool, as_json: bool, markdown: bool) -> None:
    """Show a routine's plan and safety notes, or how to do an exercise.

    NAME is a routine name, an exercise id (or alias), or the path of a routine file.

    \b
    Examples:
      psoas show daily-10min
      psoas show couch-stretch
      psoas show --exercise supported-bridge
      psoas show daily-10min --markdown > handout.md
      psoas show ./my-routine.yaml
    """
    if as_json and markdown:
        raise click.UsageError("--json and --markdown cannot be used together.")
    from pathlib import Path  # noqa: PLC0415

    from psoas_cli.catalog import RoutineEntry, load_catalog, looks_like_path  # noqa: PLC0415

    catalog = load_catalog()
    entry: RoutineEntry | ExerciseEntry
    if force_exercise:
        entry = catalog.find_exercise(name)
    elif looks_like_path(name):
        entry = catalog.with_file(Path(name))
    else:
        entry = catalog.find(name)
    plain = not (as_json or markdown)
    if isinstance(entry, RoutineEntry):
        _show_routine(entry, as_json=as_json, markdown=markdown)
        if plain and entry.routine.name in catalog.exercises:
            hint = f"psoas show --exercise {entry.routine.name}"
            click.echo(f"\n(There is also an exercise of this name: {hint})")
    else:
        _show_exercise(catalog, entry, as_json=as_json, markdown=markdown)
        if plain and not force_exercise and entry.exercise.id in catalog.routines:
            click.echo(f"\n(There is also a routine named {entry.exercise.id}.)")


def _show_routine(entry: RoutineEntry, *, as_json: bool, markdown: bool) -> None:
    from psoas_cli.plan import build_plan  # noqa: PLC0415

    plan = build_plan(entry.routine)
    if as_json:
        from psoas_cli.describe import routine_data  # noqa: PLC0415

        _print_json(routine_data(entry, plan))
    elif markdown:
        from psoas_cli.handout import routine_markdown  # noqa: PLC0415

        click.echo(routine_markdown(entry, plan), nl=False)
    else:
        from psoas_cli.display.browse import make_console, print_routine  # noqa: PLC0415

        print_routine(make_console(), entry, plan)


def _show_exercise(
    catalog: Catalog, entry: ExerciseEntry, *, as_json: bool, markdown: bool
) -> None:
    if as_json:
        from psoas_cli.describe import exercise_data  # noqa: PLC0415

        _print_json(exercise_data(entry.exercise, entry))
    elif markdown:
        from psoas_cli.handout import exercise_markdown  # noqa: PLC0415

        click.echo(exercise_markdown(entry.exercise), nl=False)
    else:
        from psoas_cli.display.browse import make_console, print_exercise  # noqa: PLC0415

        used_in = [
            name
            for name, routine_entry in sorted(catalog.routines.items())
            if any(e.id == entry.exercise.id for e in routine_entry.routine.exercises)
        ]
        print_exercise(make_console(), entry, used_in)


@cli.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def validate_command(paths: tuple[str, ...]) -> None:
    """Check routine and exercise files and print every problem found.

    A file with a top-level `id` is read as an exercise, any other as a routine. A folder
    checks every .yaml file in it. Exits 0 only when every file is valid.

    \b
    Examples:
      psoas validate my-routine.yaml
      psoas validate ~/.config/psoas/routines ~/.config/psoas/routines/exercises
    """
    from pathlib import Path  # noqa: PLC0415

    from psoas_cli.validate import validate_files  # noqa: PLC0415

    report = validate_files(Path(p) for p in paths)
    for line in report.lines:
        click.echo(line)
    if not report.ok:
        raise click.exceptions.Exit(ExitCode.ERROR)


@cli.command("schema")
@click.option("--exercise", is_flag=True, help="Print the schema for exercise files instead.")
def schema_command(exercise: bool) -> None:
    """Print the JSON Schema for routine files, for editors to check and complete them.

    \b
    Examples:
      psoas schema > ~/.config/psoas/routine.schema.json
      psoas schema --exercise > ~/.config/psoas/exercise.schema.json
    """
    from psoas_cli.schema import exercise_schema, routine_schema  # noqa: PLC0415

    _print_json(exercise_schema() if exercise else routine_schema())


def _print_json(data: object) -> None:
    import json  # noqa: PLC0415

    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _warn_skipped(catalog: Catalog) -> None:
    for problem in catalog.problems:
        first = problem.problems[0]
        more = len(problem.problems) - 1
        extra = f" (and {more} more; run: psoas validate {first.file})" if more else ""
        click.echo(f"skipped {first}{extra}", err=True)


def main() -> None:
    """Entry point of the ``psoas`` command."""
    cli(prog_name="psoas")


if __name__ == "__main__":
    main()
