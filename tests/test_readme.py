"""The README's transcripts and help texts are real output of the current code.

Each block between ``<!-- output: psoas ARGS -->`` and ``<!-- /output -->`` is the output of
that command at 100 columns, run from the repository's root. Notes in brackets after the
command set the scene: ``(exits 1)`` expects that exit code instead of 0,
``(sample history)`` runs it on ``sample_history``'s six weeks, on the day they end, and
``(following starter)`` has that history follow starter since its last fortnight. To
refresh them after a change:

    PSOAS_UPDATE_README=1 python -m pytest tests/test_readme.py
"""

from __future__ import annotations

import io
import os
import re
import shlex
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from sample_history import TODAY, six_weeks_of_mornings

from psoas_cli import cli as cli_module
from psoas_cli.cli import cli
from psoas_cli.display.live import LiveDisplay
from psoas_cli.history.store import ActiveProgramme, History
from psoas_cli.library.catalog import load_catalog
from psoas_cli.library.plan import SegmentKind, build_plan
from psoas_cli.paths import history_path
from psoas_cli.run.engine import Moment

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(
    r"(<!-- output: (?P<command>psoas[^(]*?)(?: \((?P<notes>[^)]*)\))? -->\n```text\n)"
    r"(?P<body>.*?)(?P<end>```\n<!-- /output -->)",
    re.S,
)
EXIT_NOTE = re.compile(r"^exits (\d+)$")


def output_of(block: re.Match[str], monkeypatch: pytest.MonkeyPatch) -> str:
    """What a person sees for the block's command, trailing spaces trimmed as a terminal
    shows them, in the scene its notes set."""
    notes = [note.strip() for note in (block.group("notes") or "").split(",") if note.strip()]
    expected_exit = 0
    with monkeypatch.context() as scene, ExitStack() as cleanup:
        scene.chdir(ROOT)
        for note in notes:
            if note == "sample history":
                cleanup.enter_context(_sample_history(scene))
            elif note == "following starter":
                cleanup.enter_context(_following_starter())
            elif match := EXIT_NOTE.match(note):
                expected_exit = int(match.group(1))
            else:
                pytest.fail(f"unknown note {note!r} in the README block for {block['command']}")
        result = CliRunner().invoke(
            cli,
            shlex.split(block.group("command"))[1:],
            prog_name="psoas",
            env={"COLUMNS": "100", "NO_COLOR": "1"},
        )
    assert result.exit_code == expected_exit, result.output
    return "".join(line.rstrip() + "\n" for line in result.output.splitlines())


@contextmanager
def _sample_history(scene: pytest.MonkeyPatch) -> Iterator[None]:
    """A history holding the six sample weeks and a calendar that ends with them, gone after."""
    path = history_path()
    with History.open(path) as history:
        history.import_records(six_weeks_of_mornings())
    scene.setattr(cli_module, "_local_today", lambda: TODAY)
    try:
        yield
    finally:
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()


STARTER_FROM = TODAY - timedelta(days=12)
"""The Monday the README's sample person began starter: in its second week on TODAY."""


@contextmanager
def _following_starter() -> Iterator[None]:
    """A history that follows starter from STARTER_FROM, gone after; after ``sample
    history`` in a block's notes, it adds the programme to those six weeks."""
    path = history_path()
    with History.open(path) as history:
        history.start_programme(ActiveProgramme(name="starter", start=STARTER_FROM))
    try:
        yield
    finally:
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink(missing_ok=True)


FRAME = re.compile(
    r"(<!-- frame: (?P<routine>\S+) (?P<kind>[a-z ]+?) (?P<elapsed>\d+)s -->\n```text\n)"
    r"(?P<body>.*?)(?P<end>```\n<!-- /frame -->)",
    re.S,
)


def frame_of(block: re.Match[str]) -> str:
    """The live screen a 100x30 terminal shows that many seconds into the routine's first
    segment of that kind, as a person at a keyboard sees it."""
    plan = build_plan(load_catalog().routines[block["routine"]].routine)
    kind = SegmentKind(block["kind"])
    index = next(i for i, s in enumerate(plan.segments) if s.kind is kind)
    segment = plan.segments[index]
    elapsed = float(block["elapsed"])
    moment = Moment(
        index=index,
        segment=segment,
        duration=segment.duration,
        remaining=segment.duration - elapsed,
        elapsed=elapsed,
        paused=False,
    )
    console = Console(file=io.StringIO(), width=100, height=30, color_system=None, record=True)
    console.print(LiveDisplay(console, plan, interactive=True).render(moment))
    return "".join(line.rstrip() + "\n" for line in console.export_text().splitlines())


def test_readme_live_screens_are_current() -> None:
    """Every live screen shown in the README is what the live display draws at that moment."""
    text = README.read_text(encoding="utf-8")
    frames = list(FRAME.finditer(text))
    assert frames, "the README lost its live screen"
    if os.environ.get("PSOAS_UPDATE_README"):
        README.write_text(
            FRAME.sub(lambda m: m.group(1) + frame_of(m) + m.group("end"), text), encoding="utf-8"
        )
        return
    for frame in frames:
        assert frame.group("body") == frame_of(frame), frame.group(0).splitlines()[0]


def test_readme_blocks_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command output quoted in the README matches what the command prints now."""
    text = README.read_text(encoding="utf-8")
    blocks = list(BLOCK.finditer(text))
    assert len(blocks) >= 4, "the README lost its transcripts"
    assert text.count("<!-- output:") == len(blocks), "a README block is not in the form read"
    if os.environ.get("PSOAS_UPDATE_README"):
        updated = BLOCK.sub(lambda m: m.group(1) + output_of(m, monkeypatch) + m.group("end"), text)
        README.write_text(updated, encoding="utf-8")
        return
    for block in blocks:
        assert block.group("body") == output_of(block, monkeypatch), block.group("command")


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs exactly the test command the README gives."""
    readme = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"<!-- test-command -->\n```sh\n(?P<command>.+?)\n```", readme)
    assert match, "the README has no marked test command"
    assert match.group("command") in ci.splitlines()


def test_schema_help_saves_where_the_readme_says() -> None:
    """schema --help gives the same commands as the README's editor section, and both save
    each schema beside the files whose ``$schema=`` comment names it."""
    readme = README.read_text(encoding="utf-8")
    section = readme.split("### Checking files in your editor", 1)[1].split("\n## ", 1)[0]
    readme_commands = re.findall(r"^psoas schema.*$", section, re.M)
    help_text = CliRunner().invoke(cli, ["schema", "--help"], prog_name="psoas").output
    help_commands = re.findall(r"^\s+(psoas schema .*)$", help_text, re.M)
    assert readme_commands == help_commands
    assert [command.rsplit("/", 2)[-2:] for command in help_commands] == [
        ["routines", "routine.schema.json"],
        ["exercises", "exercise.schema.json"],
        ["programmes", "programme.schema.json"],
    ]
