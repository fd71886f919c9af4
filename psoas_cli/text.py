"""Text from files and history made safe to print: control characters are shown, not obeyed.

A routine, an exercise, an imported session or a file name can hold ESC, BEL, DEL or a C1
code such as CSI. A terminal obeys them: it sets its title, writes to the clipboard (OSC
52), clears the screen or hides the text after them. So text that psoas did not write
itself passes through ``visible`` on its way out, and files are refused at load time when
they hold any (``CONTROL`` is the one rule for both).
"""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F)."""


def escaped(char: str) -> str:
    """One control character as the visible text a person can read: ESC is ``\\x1b``."""
    return f"\\x{ord(char):02x}"


def visible(text: str) -> str:
    """``text`` with each control character replaced by its escaped form; tab and newline stay."""
    return CONTROL.sub(lambda match: escaped(match.group()), text)


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless n is 1: the one place that rule lives, so no
    message says "1 sessions" or "2 step"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
