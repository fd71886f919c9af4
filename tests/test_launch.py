"""The installed command pauses garbage collection for start-up only, and always resumes it."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes import python_in_terminal

from psoas_cli.collection import resume_collection
from psoas_cli.launch import main

WATCH = """
import gc, os, sys
from psoas_cli.display import live
from psoas_cli.library import listing
notes, seen = sys.argv[1], []

def drawn(self, draw=live.LiveDisplay.draw):
    seen.append(gc.isenabled())
    draw(self)
    if len(seen) == 3:
        write_and_leave()

def listed(*args, load=listing.load_listing):
    seen.append(gc.isenabled())
    return load(*args)

def write_and_leave():
    with open(notes, "w", encoding="utf-8") as out:
        out.write(" ".join(map(str, [*seen, gc.get_freeze_count() > 0])))
    os._exit(0)

live.LiveDisplay.draw = drawn
listing.load_listing = listed
sys.argv = ["psoas", *sys.argv[2:]]
from psoas_cli.launch import main
try:
    main()
except SystemExit:
    pass
write_and_leave()
"""
"""Runs the command's entry point, noting whether collection runs at each of the first
three frames drawn, or when ``list`` reads the library, and whether start-up was frozen."""


@pytest.fixture
def collection_restored() -> Iterator[None]:
    """Leave the collector as the test found it, whatever the code under test did."""
    enabled = gc.isenabled()
    try:
        yield
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
        else:
            gc.disable()


def watched(tmp_path: Path, *arguments: str) -> list[str]:
    """What WATCH notes for ``psoas`` with ``arguments`` in a pseudo-terminal."""
    notes = tmp_path / "notes.txt"
    python_in_terminal(WATCH, str(notes), *arguments, home=tmp_path / "home")
    return notes.read_text(encoding="utf-8").split()


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_run_collects_from_its_second_frame_on(tmp_path: Path) -> None:
    """The first frame is drawn with collection paused; once it is on the screen what
    start-up made is frozen and collection runs for the rest of the run."""
    frames = watched(
        tmp_path, "run", "breathing-minute", "--yes", "--no-history", "--quiet", "--speed", "20"
    )
    assert frames == ["False", "True", "True", "True"]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_other_commands_collect_from_their_start(tmp_path: Path) -> None:
    """A command other than run has collection back before it does its work (an export
    makes garbage in cycles, record by record)."""
    assert watched(tmp_path, "list") == ["True", "True"]


def test_the_entry_point_always_resumes_collection(
    collection_restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However the command line ends (here at --version), collection runs again after it."""
    monkeypatch.setattr(sys, "argv", ["psoas", "--version"])
    with pytest.raises(SystemExit):
        main()
    assert gc.isenabled()


def test_resuming_twice_or_when_running_changes_nothing(collection_restored: None) -> None:
    """resume_collection leaves a running collector alone: tests and library use never
    paused it, and a run resumes it both at its first frame and at its end."""
    gc.enable()
    resume_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
