"""What a run has loaded by its first frame: nothing it does not need to draw it.

Each run is a real ``psoas run`` in a pseudo-terminal, so the live screen draws; a hook
around its first draw writes the names of the loaded modules to a file and ends the process.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fakes import python_in_terminal

HOOK = """
import os, sys
from psoas_cli.display import live

def first_draw(self, drawn=live.LiveDisplay.draw):
    drawn(self)
    with open(sys.argv[1], "w", encoding="utf-8") as names:
        names.write("\\n".join(sorted(sys.modules)))
    os._exit(0)

live.LiveDisplay.draw = first_draw
from psoas_cli.cli import cli
cli(sys.argv[2:], prog_name="psoas")
"""
"""Runs psoas with ``LiveDisplay.draw`` wrapped: the hook itself loads only the live
display, which the first frame needs anyway."""

HOLD = "name: quick-hold\ntitle: Quick hold\nsteps:\n  - exercise: couch-stretch\n    hold: 10s\n"

NOT_FOR_A_QUIET_UNRECORDED_RUN = (
    "sqlite3",
    "psoas_cli.history.store",
    "psoas_cli.run.recorder",
    "subprocess",
    "psoas_cli.run.audio",
    "psoas_cli.run.cues",
    "psoas_cli.run.tones",
    "rich._emoji_codes",
    "psoas_cli.library.programme",
    "shutil",
    "json",
)
"""The history store, process spawning, the sound path, rich's emoji table, programmes
(a routine, from a file or built in, is built without them), shutil (which brings the
archive modules) and json (the built-in index is read from its marshal copy)."""


NOT_FOR_A_BUILT_IN_ROUTINE = (
    "psoas_cli.library.loader",
    "yaml",
    "pathlib",
    "urllib.parse",
    "fnmatch",
)
"""A built-in routine is built alone from the index: no YAML, and with no file to read, no
path objects (pathlib brings URL parsing and pattern matching with it)."""


def modules_at_first_frame(tmp_path: Path, *options: str) -> set[str]:
    """The modules loaded when ``psoas run`` of a 10 s hold file has drawn its first frame."""
    routine = tmp_path / "quick-hold.yaml"
    routine.write_text(HOLD, encoding="utf-8")
    return modules_at_first_frame_of(tmp_path, "--file", str(routine), *options)


def modules_at_first_frame_of(tmp_path: Path, *arguments: str) -> set[str]:
    """The modules loaded when ``psoas run`` with ``arguments`` has drawn its first frame,
    with the user folder empty.

    Started without ``site`` (-S), the checkout and the installed packages on its path:
    an editable install's import hook would otherwise load pathlib before psoas starts.
    """
    names = tmp_path / "modules.txt"
    code = python_in_terminal(
        HOOK, str(names), "run", *arguments, home=tmp_path / "home", isolated=True
    )
    assert code == 0, "the run drew no frame"
    return set(names.read_text(encoding="utf-8").split())


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_quiet_unrecorded_run_draws_without_store_sound_or_processes(tmp_path: Path) -> None:
    """With --quiet --no-history the first frame of a routine file comes before sqlite3,
    the history store, subprocess, any sound module, rich's emoji table, the programme
    model or shutil is loaded."""
    loaded = modules_at_first_frame(tmp_path, "--yes", "--quiet", "--no-history")
    assert "psoas_cli.display.live" in loaded
    assert sorted(loaded & set(NOT_FOR_A_QUIET_UNRECORDED_RUN)) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_recorded_run_with_bells_has_opened_its_history_and_sounds(tmp_path: Path) -> None:
    """A recorded run opens the history before it starts (to say on the safety screen if it
    cannot), and the bell loads the cues: what the quiet run leaves out is really used."""
    loaded = modules_at_first_frame(tmp_path, "--yes", "--sound", "bell")
    assert {"sqlite3", "psoas_cli.history.store", "psoas_cli.run.cues"} <= loaded
    assert "subprocess" not in loaded


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_built_in_routine_draws_without_yaml_or_paths(tmp_path: Path) -> None:
    """A quiet unrecorded run of a built-in routine draws its first frame with neither the
    YAML loader nor pathlib loaded, nor anything a quiet run of a file leaves out."""
    loaded = modules_at_first_frame_of(tmp_path, "daily-10min", "--yes", "--quiet", "--no-history")
    assert "psoas_cli.display.live" in loaded
    absent = {*NOT_FOR_A_BUILT_IN_ROUTINE, *NOT_FOR_A_QUIET_UNRECORDED_RUN}
    assert sorted(loaded & absent) == []
