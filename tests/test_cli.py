"""The commands as a person sees them, through click's CliRunner."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from psoas_cli import __version__
from psoas_cli.cli import cli
from psoas_cli.display.columns import HANG, fair_shares
from psoas_cli.library.schema import routine_schema


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def lines(result: Result) -> list[str]:
    return [line.rstrip() for line in result.output.splitlines()]


def test_version() -> None:
    """--version prints the program and its version."""
    result = run("--version")
    assert (result.exit_code, result.output) == (0, f"psoas {__version__}\n")


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[list[str]]:
    """Every command under a group, as the words that call it, the group itself first."""
    paths = [list(prefix)]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths += command_paths(command, (*prefix, name))
        else:
            paths.append([*prefix, name])
    return paths


def test_the_help_walk_finds_every_command() -> None:
    """The help test below sees the subcommands too, so a new one cannot slip past it."""
    walked = {" ".join(path) for path in command_paths(cli)}
    assert {"run", "stats", "history", "history delete", "history export", "history import"} <= (
        walked
    )


@pytest.mark.parametrize("command", command_paths(cli), ids=" ".join)
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_has_help_with_an_example(command: list[str], flag: str) -> None:
    """-h and --help work everywhere and each help text carries examples."""
    result = run(*command, flag)
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert "psoas " in result.output.split("Examples:")[1]


@pytest.mark.parametrize("group", [[], ["history"], ["plan"]], ids=lambda g: " ".join(g) or "psoas")
def test_command_lists_show_whole_summaries_at_80_columns(group: list[str]) -> None:
    """Each command's line in a group's help is a whole sentence, never cut off with '...'."""
    result = CliRunner().invoke(cli, [*group, "--help"], terminal_width=80)
    listed = result.output.split("Commands:\n")[1].splitlines()
    assert listed
    for line in listed:
        assert len(line) <= 80
        assert line.rstrip().endswith(".")
        assert not line.rstrip().endswith("...")


HELP_WIDTHS = range(50, 101, 3)


def help_at(command: list[str], width: int) -> str:
    """The help page of one command as a terminal ``width`` columns wide shows it."""
    result = CliRunner().invoke(cli, [*command, "--help"], terminal_width=width)
    assert result.exit_code == 0
    return result.output


@pytest.mark.parametrize("command", command_paths(cli), ids=" ".join)
def test_help_never_breaks_a_line_at_a_hyphen(command: list[str]) -> None:
    """At every width an option such as --no-history and a word such as self-check stay
    whole (textwrap would break them after a hyphen), and no line passes the width but an
    example command, which is kept as written so it can be copied."""
    for width in HELP_WIDTHS:
        for line in help_at(command, width).splitlines():
            assert len(line) <= width or line.lstrip().startswith("psoas "), (width, line)
            assert not re.search(r"[A-Za-z]-$", line), (width, line)


@pytest.mark.parametrize("command", command_paths(cli), ids=" ".join)
def test_help_is_clicks_layout_with_the_same_words(
    command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """psoas's help says what click's own layout says, word for word, and line for line
    wherever click's did not break a word at a hyphen."""
    ours = {width: help_at(command, width) for width in HELP_WIDTHS}
    monkeypatch.setattr("psoas_cli.cli.PsoasContext.formatter_class", click.HelpFormatter)
    for width, text in ours.items():
        clicks = help_at(command, width)
        if not re.search(r"[A-Za-z]-\n", clicks):
            assert text == clicks
        assert text.split() == re.sub(r"(?<=[A-Za-z]-)\n *", "", clicks).split()


def test_list_filtered_table() -> None:
    """list shows name, title, computed time, level, equipment and origin."""
    result = run("list", "--level", "intermediate")
    assert result.exit_code == 0
    assert lines(result) == [
        "Name                Title                          Time  Level         Equipment            From",
        "abdominal-release   Front abdominal release        6:50  intermediate  mat, soft ball or    built-in",
        "                                                                         rolled towel",
        "psoas-ball-release  Psoas ball release             1:40  intermediate  mat, soft ball (or   built-in",
        "                                                                         tennis ball)",
        "strength            Psoas strength and           ~13:51  intermediate  mat, light           built-in",
        "                      stability                                          resistance band,",
        "                                                                         band anchor, wall",
        "                                                                         or chair for",
        "                                                                         balance",
        "~ includes self-paced sets, estimated at 3 s per rep",
    ]


def titles_as_shown(shown: list[str]) -> list[list[str]]:
    """Each routine's title as ``list`` prints it, line by line: the first line's cell, then
    the lines that hang HANG spaces into the Title column below it, checking each does."""
    header = shown[0]
    start, end = header.index("Title"), header.index("Time") + len("Time") - len("~00:00") - 2
    titles: list[list[str]] = []
    for line in shown[1:-1]:
        cell = line[start:end]
        if not line[:start].isspace():
            titles.append([cell.strip()])
        elif cell.strip():
            assert cell[:HANG].isspace() and not cell[HANG].isspace(), line
            titles[-1].append(cell.strip())
    return titles


@pytest.mark.parametrize("columns", ["80", "60", None], ids=["80", "60", "pipe"])
def test_list_titles_wrap_whole_words_hanging_under_their_column(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    """At 80 and 60 columns and in a pipe, every title reads whole in its own column, its
    later lines hanging under it, no word cut, no line past the width, and at 80 no title
    takes more than two lines."""
    if columns is None:
        monkeypatch.delenv("COLUMNS")
    else:
        monkeypatch.setenv("COLUMNS", columns)
    shown = lines(run("list"))
    titles = titles_as_shown(shown)
    expected = [r["title"] for r in json.loads(run("list", "--json").output)]
    assert [" ".join(title) for title in titles] == expected
    assert max(len(line) for line in shown) <= int(columns or 80)
    if columns != "60":
        assert max(len(title) for title in titles) == 2


def test_list_filters_by_tag_and_time() -> None:
    """--tag and --max-minutes narrow the list."""
    data = json.loads(run("list", "--json", "--tag", "quick", "--max-minutes", "2").output)
    assert [r["name"] for r in data] == ["breathing-minute"]
    assert data[0]["total_seconds"] == 65.0 and data[0]["origin"] == "built-in"


def test_list_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 40 columns list keeps name, time and level, none of them cut off."""
    monkeypatch.setenv("COLUMNS", "40")
    result = run("list", "--level", "intermediate")
    assert lines(result)[:4] == [
        "Name                  Time  Level",
        "abdominal-release     6:50  intermediate",
        "psoas-ball-release    1:40  intermediate",
        "strength            ~13:51  intermediate",
    ]


def test_list_marks_user_override(user_routine: Callable[[str, str], Path]) -> None:
    """A user routine that replaces a built-in one is marked in list."""
    user_routine("d.yaml", "name: daily-10min\ntitle: Mine\nsteps: [{rest: 60}]\n")
    data = json.loads(run("list", "--json").output)
    mine = next(r for r in data if r["name"] == "daily-10min")
    assert (mine["origin"], mine["overrides"]) == ("user", "routines/daily-10min.yaml")
    assert "user (replaces built-in)" in run("list").output


def test_list_reports_skipped_user_files(user_routine: Callable[[str, str], Path]) -> None:
    """A broken user file is named on stderr while the rest still lists."""
    path = user_routine("bad.yaml", "title: T\nsteps: []\n")
    result = CliRunner().invoke(cli, ["list"])
    assert result.exit_code == 0
    assert "daily-10min" in result.stdout
    assert result.stderr == f"skipped {path}:2:8: steps: a routine needs at least one step\n"


def test_list_exercises() -> None:
    """list --exercises shows the library."""
    result = run("list", "--exercises")
    assert result.exit_code == 0
    assert "couch-stretch" in result.output and "Couch stretch" in result.output


def test_show_routine() -> None:
    """show prints description, safety notes, stop signs, every step's dose and the total."""
    out = run("show", "daily-10min").output
    for expected in [
        "Daily 10-minute psoas routine  (daily-10min)",
        "Total:     about 13:29",
        "Stop if you notice",
        "pain that gets worse right after a stretch",
        "Couch stretch",
        "hold 30 s, each side, 2 sets, rest 10 s between sets",
        "2:20",
    ]:
        assert expected in out


def test_show_exercise() -> None:
    """show on an exercise prints its setup, steps, cues, mistakes, stop signs and source."""
    out = run("show", "couch-stretch").output
    for heading in ["Setup", "How to do it", "Cues", "Common mistakes", "Stop if", "Source:"]:
        assert heading in out
    assert "Used in:            daily-10min" in out


def test_show_unknown_name() -> None:
    """An unknown name exits 1 with a suggestion."""
    result = CliRunner().invoke(cli, ["show", "couch-strech"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no routine or exercise named 'couch-strech'; did you mean 'couch-stretch'?\n"
    )


def test_show_name_shared_by_routine_and_exercise() -> None:
    """When a routine and an exercise share a name, show says how to reach the other."""
    assert "psoas show --exercise supported-bridge" in run("show", "supported-bridge").output
    out = run("show", "--exercise", "supported-bridge").output
    assert out.startswith("Supported bridge  (supported-bridge)")


def test_show_json_routine() -> None:
    """show --json gives the routine's data with computed times."""
    data = json.loads(run("show", "daily-10min", "--json").output)
    assert data["total_seconds"] == 809.0 and data["approximate"] is True
    assert [s["exercise"] for s in data["steps"]] == [
        "belly-breathing-pelvic-tilts",
        "couch-stretch",
        "psoas-march",
        "band-hip-flexion",
        "reverse-lunge",
    ]
    assert data["steps"][1]["dose"] == "hold 30 s, each side, 2 sets, rest 10 s between sets"


def test_show_markdown_handout() -> None:
    """show --markdown prints a handout with safety, the plan and each exercise."""
    out = run("show", "kneeling-stretch", "--markdown").output
    assert out.startswith("# Kneeling hip flexor stretch series\n")
    assert (
        "| 1 | Kneeling hip flexor stretch (half-kneeling lunge) | hold 30 s, each side, 3 sets"
        in out
    )
    assert "## Kneeling hip flexor stretch (half-kneeling lunge)" in out
    assert "### Stop if" in out and "**Stop if you notice:**" in out


def test_show_json_and_markdown_conflict() -> None:
    """Asking for two output formats is a usage error (exit 2)."""
    result = CliRunner().invoke(cli, ["show", "daily-10min", "--json", "--markdown"])
    assert result.exit_code == 2


def test_show_routine_file(tmp_path: Path) -> None:
    """show accepts the path of a routine file."""
    path = tmp_path / "mine.yaml"
    path.write_text(
        "title: Mine\nsteps:\n  - exercise: couch-stretch\n    hold: 20s\n", encoding="utf-8"
    )
    out = run("show", str(path)).output
    assert out.startswith("Mine  (mine)") and f"file: {path}" in out


def test_show_bad_file_lists_problems(tmp_path: Path) -> None:
    """A broken file given to show is reported problem by problem, exit 1."""
    path = tmp_path / "bad.yaml"
    path.write_text(
        "title: T\nsteps:\n  - exercise: couch-stretch\n    hold: 0\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["show", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path}:4:11: steps[0].hold: must be more than 0 s, got 0\n"


def test_validate_reports_everything(tmp_path: Path) -> None:
    """validate prints a line per valid file and every problem, and exits 1 if any."""
    good = tmp_path / "good.yaml"
    good.write_text(
        "title: Good\nsteps:\n  - exercise: couch-stretch\n    hold: 30s\n", encoding="utf-8"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: Bad\nlevl: x\nsteps:\n  - rest: never\n", encoding="utf-8")
    result = run("validate", str(good), str(bad), str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    assert lines(result) == [
        f"{tmp_path / 'missing.yaml'}: no such file",
        f"{good}: ok, routine good (1 step, 0:35)",
        f"{bad}:2:1: levl: unknown field for a routine; did you mean 'level'?",
        f'{bad}:4:11: steps[0].rest: expected a duration like 30, 30s, 2m or 1:30, got "never"',
        "3 files checked, 2 with problems.",
    ]


def test_validate_folder_with_exercises(tmp_path: Path) -> None:
    """validate checks a folder, reading exercise files first so routines can use them."""
    (tmp_path / "a-routine.yaml").write_text(
        "title: Legs\nsteps:\n  - exercise: wall-sit\n    hold: 30s\n", encoding="utf-8"
    )
    (tmp_path / "b-exercise.yaml").write_text("id: wall-sit\nname: Wall sit\n", encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0
    assert lines(result) == [
        f"{tmp_path / 'a-routine.yaml'}: ok, routine a-routine (1 step, 0:35)",
        f"{tmp_path / 'b-exercise.yaml'}: ok, exercise wall-sit",
        "2 files checked, all valid.",
    ]


def test_validate_duplicate_names(tmp_path: Path) -> None:
    """Two files given to validate with the same routine name are flagged."""
    for filename in ("one.yaml", "two.yaml"):
        (tmp_path / filename).write_text(
            "name: same\ntitle: T\nsteps: [{rest: 5}]\n", encoding="utf-8"
        )
    result = run("validate", str(tmp_path / "one.yaml"), str(tmp_path / "two.yaml"))
    assert result.exit_code == 1
    assert lines(result)[1] == (
        f"{tmp_path / 'two.yaml'}:1:1: name: routine name 'same' is also used by {tmp_path / 'one.yaml'}"
    )


def test_validate_builtin_library() -> None:
    """Every built-in file validates through the command too."""
    root = Path(__file__).parent.parent / "routines"
    result = run("validate", str(root), str(root / "exercises"))
    assert result.exit_code == 0
    assert lines(result)[-1] == "33 files checked, all valid."


def test_validate_needs_a_path() -> None:
    """validate without files is a usage error."""
    assert CliRunner().invoke(cli, ["validate"]).exit_code == 2


def test_schema_prints_the_shipped_schema() -> None:
    """schema prints the JSON Schema, identical to the one in the package."""
    assert json.loads(run("schema").output) == routine_schema()
    assert json.loads(run("schema", "--exercise").output)["$ref"] == "#/$defs/exercise"


def completions(typed: str) -> list[str]:
    """What bash completion offers for the last word of ``psoas show TYPED``."""
    env = {
        "_PSOAS_COMPLETE": "bash_complete",
        "COMP_WORDS": f"psoas show {typed}",
        "COMP_CWORD": "2",
    }
    output = CliRunner().invoke(cli, [], env=env, prog_name="psoas").output
    return [line.split(",", 1)[1] for line in output.splitlines()]


def test_completion_of_names() -> None:
    """Shell completion offers routine names and exercise ids."""
    assert "couch-stretch" in completions("couch")
    assert "daily-10min" in completions("daily")


SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(text: str) -> list[str]:
    """The escape sequences in ``text`` that set a colour (not bold, dim or a reset)."""
    colour = re.compile(r"^(3[0-9]|4[0-9]|9[0-7]|10[0-7])$")
    return [code for code in SGR.findall(text) if any(colour.match(p) for p in code.split(";"))]


@pytest.mark.parametrize("command", [["show", "daily-10min"], ["list"]])
def test_no_color_means_no_colour_even_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """On a (forced) terminal show and list use colour; with NO_COLOR set they use none."""
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert colour_codes(run(*command).output), "a forced terminal should show colour"
    monkeypatch.setenv("NO_COLOR", "1")
    assert colour_codes(run(*command).output) == []


@pytest.mark.parametrize("command", [["show", "daily-10min"], ["list"]])
def test_a_pipe_gets_no_escape_codes(command: list[str]) -> None:
    """Output through a pipe carries no escape codes at all."""
    assert "\x1b[" not in run(*command).output


def test_show_fits_a_narrow_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """At 40 columns show stacks each step's dose under its name, nothing wider than 40."""
    monkeypatch.setenv("COLUMNS", "40")
    out = lines(run("show", "daily-10min"))
    assert max(len(line) for line in out) <= 40
    steps = out[out.index("Steps") :]
    assert steps[1:4] == [
        "#  Step                             Time",
        "1  Belly breathing with pelvic      2:00",
        "   tilts",
    ]
    assert "   breathe in 5 s, out 5 s, 2 min" in steps


def test_huge_file_is_refused_without_reading_it_whole(tmp_path: Path) -> None:
    """validate refuses a 10 MB file by size, naming the limit rather than a wrong size."""
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"title: x\n" + b"# padding\n" * 1_000_000)
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert lines(result)[0] == f"{path}:1:1: file is larger than the 1,000,000-byte limit"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["list", "--level", "expert"],
            "Invalid value for '--level': 'expert' is not one of 'beginner', 'intermediate', "
            "'advanced'.",
        ),
        (
            ["run", "daily-10min", "--prep", "11m"],
            "Invalid value for '--prep': '11m' is not a duration from 0 to 10m, like 5, 5s or 1m30s",
        ),
        (
            ["run", "daily-10min", "--switch", "soon"],
            "Invalid value for '--switch': 'soon' is not a duration from 0 to 10m",
        ),
        (["stats", "--goal", "15"], "Invalid value for '--goal': 15 is not in the range 1<=x<=14."),
        (
            ["history", "--since", "someday"],
            "Invalid value for '--since': 'someday' is not a date like 2026-11-01",
        ),
    ],
)
def test_option_values_are_checked_with_their_limits(args: list[str], message: str) -> None:
    """A value out of its kind or limit is a usage error that names the option and the limit."""
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_option_help_names_the_kind_of_value() -> None:
    """run's help says --prep takes a DURATION and list's help lists the levels."""
    assert "--prep DURATION" in run("run", "--help").output
    assert "--level [beginner|intermediate|advanced]" in run("list", "--help").output


def test_level_values_complete_in_the_shell() -> None:
    """Shell completion offers the level names that start with what was typed."""
    result = CliRunner().invoke(
        cli,
        [],
        prog_name="psoas",
        env={
            "_PSOAS_COMPLETE": "bash_complete",
            "COMP_WORDS": "psoas list --level in",
            "COMP_CWORD": "3",
        },
    )
    assert result.output.split() == ["plain,intermediate"]


@pytest.mark.parametrize(
    ("needs", "spare", "shares"),
    [([33, 80], 50, [25, 25]), ([10, 80], 50, [10, 40]), ([20, 30], 60, [20, 30]), ([40], 5, [8])],
)
def test_wrapping_columns_share_the_width_fairly(
    needs: list[int], spare: int, shares: list[int]
) -> None:
    """A short column keeps what it needs, a long one gets the rest; never below 8."""
    assert fair_shares(needs, spare) == shares


def test_show_dry_run_and_json_name_the_other_option() -> None:
    """release-20min's overhead option appears in show, --dry-run and --json, outside totals."""
    option = "If the kneeling stretch makes your low back arch: Overhead kneeling psoas stretch"
    shown = " ".join(run("show", "release-20min").output.split())
    assert option in shown and "(not counted in the total)" in shown
    dry = run("run", "release-20min", "--dry-run").output
    assert f"{option} instead, breathe in 4 s, out 6 s, 4 breaths, each side" in dry
    assert dry.splitlines()[-1] == "Total: 15:45"
    data = json.loads(run("show", "release-20min", "--json").output)
    kneeling = data["steps"][1]
    assert kneeling["alternative"]["exercise"] == "overhead-kneeling-psoas-stretch"
    assert kneeling["alternative"]["when"] == "the kneeling stretch makes your low back arch"
    assert kneeling["alternative"]["seconds"] == 85.0
    assert "Overhead kneeling psoas stretch" in run("show", "release-20min", "--markdown").output


def test_a_broken_user_routine_asked_for_by_name_says_what_is_wrong(
    user_routine: Callable[[str, str], Path],
) -> None:
    """show and run name the file's problem instead of "no routine named"."""
    path = user_routine("my-flow.yaml", "title: T\nsteps: []\n")
    for command in ("show", "run"):
        result = CliRunner().invoke(cli, [command, "my-flow"])
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: the routine my-flow in {path} cannot be used:\n"
            f"{path}:2:8: steps: a routine needs at least one step\n"
        )


def test_piped_show_has_no_trailing_padding() -> None:
    """A routine and an exercise printed into a pipe end each line at its last character."""
    for name in ("daily-10min", "couch-stretch"):
        output = run("show", name).output
        assert [line for line in output.splitlines() if line != line.rstrip()] == []


def test_a_routine_without_equipment_lists_what_its_exercises_need(
    user_routine: Callable[[str, str], Path],
) -> None:
    """No equipment field: the exercises' equipment, each once; an explicit [] means none."""
    steps = (
        "steps:\n  - {exercise: couch-stretch, hold: 30}\n  - {exercise: band-marching, reps: 8}\n"
    )
    user_routine("mine.yaml", "title: Mine\n" + steps)
    user_routine("bare.yaml", "title: Bare\nequipment: []\n" + steps)
    data = {r["name"]: r for r in json.loads(run("list", "--json").output)}
    assert data["mine"]["equipment"] == ["mat", "knee pad", "wall or couch", "loop band"]
    assert data["bare"]["equipment"] == []
    assert "Equipment: mat, knee pad, wall or couch, loop band" in " ".join(
        run("show", "mine").output.split()
    )


def completed(words: str) -> list[tuple[str, str]]:
    """(type, value) pairs bash completion offers for the last word of ``psoas WORDS``."""
    line = f"psoas {words}"
    env = {
        "_PSOAS_COMPLETE": "bash_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(line.split()) - (0 if line.endswith(" ") else 1)),
    }
    output = CliRunner().invoke(cli, [], env=env, prog_name="psoas").output
    rows = [row.split(",", 1) for row in output.splitlines() if row]
    return [(kind, value) for kind, value in rows]


def test_a_name_that_is_a_path_completes_as_a_file() -> None:
    """show, run and run --file hand a path-like word to the shell's own file completion."""
    assert completed("show ./my") == [("file", "./my")]
    assert completed("run routines/da") == [("file", "routines/da")]
    assert completed("run --file my") == [("file", "my")]
    assert ("plain", "daily-10min") in completed("run dai")


def test_from_completes_the_named_routines_steps() -> None:
    """--from offers the routine's step numbers, then its exercises by what was typed."""
    offered = [value for _, value in completed("run daily-10min --from ")]
    assert offered[:5] == ["1", "2", "3", "4", "5"]
    assert "couch-stretch" in offered
    assert completed("run daily-10min --from cou") == [("plain", "couch-stretch")]
    assert completed("run nonsense --from ") == []


def test_history_routine_completes_routine_names() -> None:
    """history --routine offers routine names."""
    assert completed("history --routine daily") == [("plain", "daily-10min")]


def test_a_file_that_is_not_a_routine_is_not_printed(tmp_path: Path) -> None:
    """show and validate name what the file holds, never its text (it may be anything)."""
    path = tmp_path / "notes.txt"
    path.write_text("db password=hunter2\nsecond line\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["show", str(path)])
    assert result.stderr == (
        f"Error: {path}:1:1: the top level must be a mapping of fields, got text\n"
    )
    assert "hunter2" not in CliRunner().invoke(cli, ["validate", str(path)]).output
