"""Garbage collection paused for start-up, and resumed once start-up is over.

Starting psoas makes tens of thousands of objects that live as long as the process: the
modules, classes and functions of click, rich, PyYAML and psoas itself. The collector would
scan them again and again while they are made, some forty times before a run's first frame,
for nothing: none of them is garbage. That was about a tenth of the time to a run's first
frame (bench/run_timing.py). So the installed command (``launch``) starts with collection
paused, and it resumes once start-up is over: for a run, when its first frame is drawn
(``session``); for every other command, when the command itself begins (``cli``), since some
make garbage in cycles as they go (an export, record by record). Then what start-up made is
frozen, never scanned again, and collection goes on as usual. Tests and library use never
pause it.

Freezing keeps the little garbage start-up left in cycles too (some 500 objects at a run's
first frame): kilobytes, once, where collecting them first would cost a full collection.
"""

from __future__ import annotations

import gc


def pause_collection() -> None:
    """Stop the collector until ``resume_collection``."""
    gc.disable()


def resume_collection() -> None:
    """Freeze what start-up made and let the collector run again; nothing when it runs
    already (tests, library use, a second call)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()
