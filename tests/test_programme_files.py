"""Programme files become model values, or every problem in them is reported with its place;
validate, show, list and schema know them, and user programmes sit beside user routines."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import time
from pathlib import Path
from textwrap import dedent
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from psoas_cli.cli import cli
from psoas_cli.errors import RoutineFileError
from psoas_cli.library.catalog import Catalog, load_catalog
from psoas_cli.library.index import builtin_folder
from psoas_cli.library.programme import Frequency, Growth, Programme
from psoas_cli.library.programme_loader import (
    ENTRY_KEYS,
    PROGRAMME_KEYS,
    PROGRESS_KEYS,
    parse_programme,
)
from psoas_cli.library.schema import programme_schema


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def load(text: str, catalog: Catalog) -> Programme:
    routines = {name: entry.routine for name, entry in catalog.routines.items()}
    return parse_programme(dedent(text).encode(), "mine.yaml", routines, "mine")


def problems(text: str, catalog: Catalog) -> list[str]:
    with pytest.raises(RoutineFileError) as caught:
        load(text, catalog)
    return [str(p) for p in caught.value.problems]


def test_every_field_reads_into_the_model(builtin_catalog: Catalog) -> None:
    """Each kind of how-often, a time of day, notes and growth rules read as written."""
    programme = load(
        """
        title: Mine
        weeks: 3
        notes: One note.
        entries:
          - routine: daily-10min
            often: daily
            at: 07:30
            progress:
              hold: {add: 5s, up_to: 1m}
              reps: {add: 2, up_to: 12}
              pain_at_most: 2
          - routine: strength
            often: {times_a_week: 3}
            note: Go slowly.
          - routine: supported-bridge
            often: {weekdays: [mon, Wednesday, FRI]}
          - routine: hang-test
            often: {every_days: 7}
        """,
        builtin_catalog,
    )
    assert (programme.name, programme.weeks, programme.notes) == ("mine", 3, ("One note.",))
    daily, strength, bridge, hang = programme.entries
    assert daily.often.frequency is Frequency.DAILY
    assert daily.at == time(7, 30)
    assert daily.progression is not None
    assert daily.progression.hold == Growth(add=5.0, up_to=60.0)
    assert daily.progression.reps == Growth(add=2, up_to=12)
    assert daily.progression.pain_at_most == 2
    assert (strength.often.frequency, strength.often.count) == (Frequency.PER_WEEK, 3)
    assert strength.note == "Go slowly."
    assert bridge.often.weekdays == frozenset({0, 2, 4})
    assert (hang.often.frequency, hang.often.count) == (Frequency.EVERY_DAYS, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "weeks: 4\nentries: [{routine: strength, often: daily}]",
            "mine.yaml:1:1: title: required field is missing",
        ),
        (
            "title: T\nweeks: 0\nentries: [{routine: strength, often: daily}]",
            "mine.yaml:2:8: weeks: must be between 1 and 52, got 0",
        ),
        (
            "title: T\nweeks: 4\nentries: []",
            "mine.yaml:3:10: entries: give at least one entry: a routine and how often",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strenght, often: daily}]",
            "mine.yaml:3:21: entries[0].routine: no routine named 'strenght'; did you mean 'strength'?",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: weekly}]",
            'mine.yaml:3:38: entries[0].often: expected daily, or one of weekdays, times_a_week, every_days as a mapping, got "weekly"',
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: {times_a_week: 4}}]",
            "mine.yaml:3:53: entries[0].often.times_a_week: must be between 1 and 3, got 4",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: {every_days: 2, times_a_week: 2}}]",
            "mine.yaml:3:38: entries[0].often: give exactly one of weekdays, times_a_week, every_days",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: {weekdays: [mon, funday]}}]",
            "mine.yaml:3:55: entries[0].often.weekdays[1]: 'funday' is not a weekday; write mon, tue, wed, thu, fri, sat, sun",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: {weekdays: [mon, monday]}}]",
            "mine.yaml:3:55: entries[0].often.weekdays[1]: 'monday' is listed twice",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: {weekdays: [monkey]}}]",
            "mine.yaml:3:50: entries[0].often.weekdays[0]: 'monkey' is not a weekday; write mon, tue, wed, thu, fri, sat, sun",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: {weekdays: []}}]",
            "mine.yaml:3:49: entries[0].often.weekdays: name at least one weekday",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: daily, at: '25:00'}]",
            'mine.yaml:3:49: entries[0].at: expected a time of day like 07:30, got "25:00"',
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: daily, progress: {hold: {add: 5s, up_to: 1m}}}]",
            "mine.yaml:3:62: entries[0].progress.hold: strength has no hold steps for this to change",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: daily, progress: {reps: {add: 1}}}]",
            "mine.yaml:3:62: entries[0].progress.reps.up_to: required field is missing",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: daily, progress: {pain_at_most: 3}}]",
            "mine.yaml:3:55: entries[0].progress: give hold or reps (or both): what grows each week",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: daily, progress: {reps: {add: 1, up_to: 12}, pain_at_most: 11}}]",
            "mine.yaml:3:97: entries[0].progress.pain_at_most: expected a pain rating from 0 to 10, got 11",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, often: daily}, {routine: strength, often: daily}]",
            "mine.yaml:3:56: entries[1].routine: strength is already in entries[0]; give one entry per routine",
        ),
        (
            "title: T\nweeks: 4\nentries: [{routine: strength, ofen: daily}]",
            "mine.yaml:3:31: entries[0].ofen: unknown field for a programme entry; did you mean 'often'?",
        ),
        (
            "title: T\nweks: 4\nentries: [{routine: strength, often: daily}]",
            "mine.yaml:2:1: weks: unknown field for a programme; did you mean 'weeks'?",
        ),
    ],
)
def test_each_mistake_is_named_with_its_place(
    builtin_catalog: Catalog, text: str, expected: str
) -> None:
    """Every kind of mistake in a programme file is one message naming file, line, column
    and field."""
    assert expected in problems(text, builtin_catalog)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "mine.yaml:1:1: the file is empty"),
        ("- title: T\n", "mine.yaml:1:1: the top level must be a mapping of fields, got a list"),
        (
            "name: My Plan\ntitle: T\nweeks: 1\nentries: [{routine: strength, often: daily}]\n",
            "mine.yaml:1:7: name: 'My Plan' must be lowercase letters, digits and dashes "
            "(at most 60), like daily-10min",
        ),
        ("title: [T\n", "mine.yaml:2:1: "),
    ],
)
def test_unreadable_programme_files_are_one_placed_message(
    builtin_catalog: Catalog, text: str, expected: str
) -> None:
    """An empty file, a list, a bad name and broken YAML are each refused with a place,
    by the same reader as routines."""
    assert any(p.startswith(expected) for p in problems(text, builtin_catalog))


def test_several_mistakes_are_all_reported(builtin_catalog: Catalog) -> None:
    """Problems in different entries are reported together, in the order of the file."""
    found = problems(
        "title: T\nweeks: 99\nentries:\n  - {routine: nope, often: daily}\n"
        "  - {routine: strength, often: {every_days: 0}}\n",
        builtin_catalog,
    )
    assert [p.split(": ")[1] for p in found] == [
        "weeks",
        "entries[0].routine",
        "entries[1].often.every_days",
    ]


def test_the_schema_is_valid_and_matches_the_loader() -> None:
    """The programme schema is a valid JSON Schema with exactly the fields the loader reads,
    and the built-in programmes pass it."""
    schema = programme_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert set(schema["properties"]) == PROGRAMME_KEYS
    entry: dict[str, Any] = schema["$defs"]["programmeEntry"]
    assert set(entry["properties"]) == ENTRY_KEYS
    assert set(entry["properties"]["progress"]["properties"]) == PROGRESS_KEYS
    for path in (Path(builtin_folder()) / "programmes").iterdir():
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)


@pytest.mark.parametrize(
    "programme",
    [
        {"title": "T", "weeks": 4},
        {"title": "T", "weeks": 4, "entries": [{"routine": "x", "often": "weekly"}]},
        {"title": "T", "weeks": 4, "entries": [{"routine": "x", "often": {"times_a_week": 4}}]},
        {"title": "T", "weeks": 4, "entries": [{"routine": "x", "often": "daily", "at": "7am"}]},
    ],
)
def test_the_schema_refuses_what_the_loader_refuses(programme: dict[str, Any]) -> None:
    """Typical mistakes fail the schema too, so an editor shows them while typing."""
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(programme, programme_schema())


def test_schema_command_prints_each_kind() -> None:
    """schema KIND prints that kind's schema; the old --exercise flag still works."""
    assert json.loads(run("schema", "programme").output) == programme_schema()
    assert json.loads(run("schema", "exercise").output)["$ref"] == "#/$defs/exercise"
    assert json.loads(run("schema", "--exercise").output)["$ref"] == "#/$defs/exercise"
    assert run("schema", "workout").exit_code == 2


def write_user_programme(home: Path, name: str, text: str) -> Path:
    folder = home / "programmes"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(dedent(text), encoding="utf-8")
    return path


MY_PROGRAMME = """
    name: evenings
    title: Evenings
    weeks: 2
    entries:
      - {routine: my-stretch, often: daily, at: "20:00"}
"""
MY_ROUTINE = "title: My stretch\nsteps:\n  - {exercise: couch-stretch, hold: 30s}\n"


def test_user_programmes_live_beside_user_routines(
    psoas_home: Path, user_routine: Callable[[str, str], Path]
) -> None:
    """A programme in $PSOAS_HOME/programmes may use the user's own routines, and list,
    show and validate find it."""
    user_routine("my-stretch.yaml", MY_ROUTINE)
    path = write_user_programme(psoas_home, "evenings.yaml", MY_PROGRAMME)
    assert load_catalog().programmes["evenings"].path == str(path)
    listed = run("list", "--programmes").output
    assert "evenings" in listed
    assert "starter" in listed
    shown = run("show", "evenings").output
    assert "Evenings  (evenings)" in shown
    assert "my-stretch" in shown
    assert "every day" in shown
    checked = run("validate", str(path.parent), str(psoas_home / "routines"))
    assert checked.exit_code == 0, checked.output
    assert f"{path}: ok, programme evenings (2 weeks, 1 routine)" in checked.output


def test_a_broken_user_programme_is_set_aside(psoas_home: Path) -> None:
    """A user programme with a mistake is skipped with its problem; the rest still list."""
    write_user_programme(
        psoas_home, "bad.yaml", "title: Bad\nweeks: 1\nentries: [{routine: nope, often: daily}]\n"
    )
    result = CliRunner().invoke(cli, ["list", "--programmes"])
    assert "starter" in result.output
    assert "bad.yaml:3:21: entries[0].routine: no routine named 'nope'" in result.output
    shown = CliRunner().invoke(cli, ["show", "bad"])
    assert shown.exit_code == 1
    assert "the programme bad in" in shown.output


def test_validate_reports_a_bad_programme_file(tmp_path: Path) -> None:
    """validate reads a file with entries as a programme and exits 1 with its problems."""
    path = tmp_path / "p.yaml"
    path.write_text("title: T\nweeks: 4\nentries: [{routine: strength, often: {every_days: 40}}]\n")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:3:51: entries[0].often.every_days: must be between 1 and 28, got 40"
        in result.output
    )


def test_show_and_list_programmes_as_json() -> None:
    """--json gives a programme's entries with how often in words and as data."""
    [starter] = json.loads(run("list", "--programmes", "--json").output)
    assert starter["name"] == "starter"
    shown = json.loads(run("show", "starter", "--json").output)
    bridge = next(e for e in shown["entries"] if e["routine"] == "supported-bridge")
    assert bridge["often"]["weekdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert shown["entries"][0]["progress"]["hold"] == {"add": 5.0, "up_to": 60.0}


def test_list_refuses_two_kinds_at_once() -> None:
    """--exercises and --programmes together are a usage error."""
    assert run("list", "--exercises", "--programmes").exit_code == 2


def test_plan_start_completes_programme_names() -> None:
    """Shell completion after plan start offers programme names."""
    env = {
        "_PSOAS_COMPLETE": "bash_complete",
        "COMP_WORDS": "psoas plan start st",
        "COMP_CWORD": "3",
    }
    output = CliRunner().invoke(cli, [], env=env, prog_name="psoas").output
    assert [line.split(",", 1)[1] for line in output.splitlines()] == ["starter"]


def test_a_programme_file_given_by_path(tmp_path: Path) -> None:
    """show reads a programme file given by path; run refuses it as not a routine (exit 2)."""
    path = tmp_path / "mine.yaml"
    path.write_text("title: Mine\nweeks: 2\nentries: [{routine: strength, often: daily}]\n")
    assert "Mine  (mine)" in run("show", str(path)).output
    refused = CliRunner().invoke(cli, ["run", str(path)])
    assert refused.exit_code == 2
    assert f"{path} is a programme, not a routine" in refused.output
