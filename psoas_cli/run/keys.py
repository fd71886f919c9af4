"""Which key does what during a run, and how the bytes a terminal sends become key names.

Pure, so the bindings, the help screen and the README table come from one place.
"""

from __future__ import annotations

from psoas_cli.library.plan import SegmentKind
from psoas_cli.run.engine import EXTENDABLE, GET_READY, Answer, Command
from psoas_cli.text import digits_only

BINDINGS: dict[str, Command] = {
    "space": Command.PAUSE,
    "enter": Command.DONE,
    "n": Command.SKIP,
    "right": Command.SKIP,
    "N": Command.SKIP_EXERCISE,
    "b": Command.BACK,
    "left": Command.BACK,
    "+": Command.EXTEND,
    "=": Command.EXTEND,
    "q": Command.QUIT,
    "y": Command.CONFIRM,
    "!": Command.HURT,
    "?": Command.HELP,
    "h": Command.HELP,
    "a": Command.OTHER_OPTION,
}

HELP: tuple[tuple[str, str], ...] = (
    ("space", "pause / resume; in a self-paced set: set done"),
    ("!", "this hurts: stop at once"),
    ("q", "quit (asks first)"),
    ("n  →", "skip this side or set (or end a get-ready, switch or rest now)"),
    ("N", "skip the whole exercise (also n twice within 2 s)"),
    ("b  ←", "back to the start of this step; twice quickly: the step before"),
    ("+", "hold 10 s longer (holds, rests and waits)"),
    ("enter", "self-paced set done"),
    ("a", "at a get-ready: the other option for the step, where it has one"),
    ("1-9", "at a self-check: your answer (Enter skips it)"),
    ("?", "show or hide these keys"),
)
"""The keys as a person reads them, in the order they matter on a mat."""

SHORT_HELP = "space pause · n skip · N skip exercise · b back · q quit · ! hurts · ? keys"
"""The keys that work at any moment of a run, as said before it starts."""


def footer(
    kind: SegmentKind,
    *,
    waits_for_key: bool,
    paused: bool,
    has_option: bool,
    answers: int,
    width: int,
) -> str:
    """The keys that do something right now, and only those, for the foot of the screen.

    ``waits_for_key`` when the segment lasts until a key (a self-paced set or a self-check
    with someone at the keyboard); ``answers`` is how many a self-check offers. Narrower
    than ``width`` allows, it keeps the key that moves things on now, q (where it fits), !
    and ?, which lists the rest.
    """
    if kind is SegmentKind.CHECK and waits_for_key:
        now = [f"1-{answers} answer", "Enter skip"]
    elif waits_for_key:
        now = ["Enter/space done"]
    else:
        now = ["space go on" if paused else "space pause"]
    more = ["n skip", "N skip exercise", "b back"]
    if kind in EXTENDABLE and not waits_for_key:
        more.append("+ 10 s")
    if kind in GET_READY and has_option:
        more.append("a other option")
    for keys in (
        [*now, *more, "q quit", "! hurts", "? keys"],
        [*now, "q quit", "! hurts", "? keys"],
    ):
        line = " · ".join(keys)
        if len(line) <= width:
            return line
    return " · ".join([*now, "! hurts", "? keys"])


_SEQUENCES = {
    "\x1b[C": "right",
    "\x1bOC": "right",
    "\x1b[D": "left",
    "\x1bOD": "left",
    "\x1b[A": "up",
    "\x1bOA": "up",
    "\x1b[B": "down",
    "\x1bOB": "down",
}

_WINDOWS_ARROWS = {"M": "right", "K": "left", "H": "up", "P": "down"}


def decode(text: str) -> list[str]:
    """Split what one read returned into key names: ``space``, ``enter``, ``left``, ``q``…"""
    keys: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\x1b":
            sequence = next((s for s in _SEQUENCES if text.startswith(s, i)), None)
            if sequence is not None:
                keys.append(_SEQUENCES[sequence])
                i += len(sequence)
                continue
            end = i + 1
            if end < len(text) and text[end] in "[O":
                end += 1
                while end < len(text) and not (text[end].isalpha() or text[end] == "~"):
                    end += 1
                end += 1
            keys.append("escape" if end == i + 1 else "other")
            i = end
        elif char in "\x00\xe0" and i + 1 < len(text):
            keys.append(_WINDOWS_ARROWS.get(text[i + 1], "other"))
            i += 2
        else:
            keys.append(_name(char))
            i += 1
    return keys


def _name(char: str) -> str:
    """A key's name; a letter in lower case (Caps Lock changes nothing) unless its capital
    has a binding of its own, as N does."""
    if char == " ":
        return "space"
    if char in "\r\n":
        return "enter"
    if char in "\x7f\x08":
        return "backspace"
    if char in BINDINGS:
        return char
    return char.lower() if char.isalpha() else char


def command_for(key: str) -> Command | Answer:
    """The command a key stands for, a digit as an answer; any unbound key still counts
    (it answers 'quit?' no)."""
    if len(key) == 1 and digits_only(key) and key != "0":
        return Answer(int(key))
    return BINDINGS.get(key, Command.OTHER)
