"""Text from files and history made safe to print: control characters are shown, not obeyed.

A routine, an exercise, an imported session or a file name can hold ESC, BEL, DEL or a C1
code such as CSI. A terminal obeys them: it sets its title, writes to the clipboard (OSC
52), clears the screen or hides the text after them. Bidirectional overrides and
zero-width characters print as nothing yet change what the text around them shows. So text
that psoas did not write itself passes through ``visible`` on its way out, and files are
refused at load time when they hold any (``UNSAFE`` is the one rule for both).
"""

from __future__ import annotations

import re
from functools import cache

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_HIDDEN = "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"
"""Characters that show nothing of themselves yet change the text around them:
bidirectional embeddings, overrides, isolates and marks (after U+202E the text reads right
to left), zero-width spaces and joiners, the word joiner, and a byte-order mark inside text
(one at the very start of a file is its encoding's signature, dropped as the file is read)."""

CONTROL_CHARS = f"[{_CONTROLS}]"
"""C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F)."""

UNSAFE_CHARS = f"[{_CONTROLS}{_HIDDEN}]"
"""Either kind: what files may not hold and what is escaped on the way out.

Patterns as text, compiled where they are used: compiling these character classes costs
more than the rest of ``psoas --help`` takes in psoas's own code."""

_TAB_AND_NEWLINE = str.maketrans("", "", "\t\n")


def may_hold_unsafe(text: str) -> bool:
    """False when ``text`` surely holds no ``UNSAFE_CHARS``, known without compiling them
    (about a millisecond, more than reading a short routine file takes): every unsafe
    character is unprintable, so text printable but for tabs and newlines is safe. True
    leaves the answer to the pattern (a no-break space, say, is unprintable but safe)."""
    return not text.translate(_TAB_AND_NEWLINE).isprintable()


UNDECODED_CHARS = "[\udc80-\udcff]"
"""Bytes that were not UTF-8, as Python keeps them in arguments and file names
(surrogateescape): printed raw they make the write itself fail."""


@cache
def pattern(source: str) -> re.Pattern[str]:
    """A regular expression compiled the first time it is needed, then kept: compiled at
    import, the patterns of the leaf modules would cost every command, --help included."""
    return re.compile(source)


def undecodable(text: str) -> bool:
    """Whether ``text`` holds bytes that were not UTF-8 (or any lone surrogate), which no
    UTF-8 output can write."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def escaped(char: str) -> str:
    """One unsafe character as the visible text a person can read: ESC is ``\\x1b``, a
    right-to-left override ``\\u202e``."""
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with each unsafe character, and each byte that was not UTF-8, replaced by
    its escaped form; tab and newline stay."""
    if not may_hold_unsafe(text):
        return text
    shown = pattern(UNSAFE_CHARS).sub(lambda match: escaped(match.group()), text)
    undecoded = pattern(UNDECODED_CHARS)
    return undecoded.sub(lambda match: f"\\x{ord(match.group()) - 0xDC00:02x}", shown)


def digits_only(text: str) -> bool:
    """Whether text is 0-9 only: str.isdigit also accepts ² and ٣, which int() refuses or
    reads as a number nobody typed."""
    return text.isascii() and text.isdigit()


def counted(n: int, noun: str) -> str:
    """``n`` and ``noun``, plural unless n is 1: the one place that rule lives, so no
    message says "1 sessions" or "2 step"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


BULLET = r"( *(?:[•*-] )?)"
"""A line's indent and any bullet after it: what its wrapped lines hang under."""

SPACES = r"(\s+)"
"""A run of whitespace: where wrapped lines may break."""


def hanging(line: str, width: int) -> list[str]:
    """``line`` wrapped at spaces to ``width``, its later lines indented under the text after
    its indent and bullet, so a wrapped bullet still reads as one item."""
    match = pattern(BULLET).match(line)
    lead = " " * (match.end() if match else 0)
    return wrapped(line, width, later_indent=lead) or [line]


def wrapped(
    text: str,
    width: int,
    *,
    first_indent: str = "",
    later_indent: str = "",
    cut_long_words: bool = False,
) -> list[str]:
    """``text`` filled into lines of at most ``width`` characters, indents included, broken
    only at whitespace, as textwrap fills them with ``break_on_hyphens`` off.

    A hyphen is never a break, so an option such as ``--max-minutes`` or a word such as
    ``self-check`` stays whole on one line. A word longer than a line is cut where the line
    ends if ``cut_long_words``, else it overflows its own line. Whitespace where a line
    breaks is dropped; whitespace between words on a line is kept as written. textwrap
    itself is not used: compiling its patterns costs more than ``psoas --help`` takes in
    psoas's own code.
    """
    chunks = [chunk for chunk in pattern(SPACES).split(text.expandtabs()) if chunk]
    chunks.reverse()
    lines: list[str] = []
    while chunks:
        indent = later_indent if lines else first_indent
        room = width - len(indent)
        if lines and chunks[-1].isspace():
            chunks.pop()
        line: list[str] = []
        used = 0
        while chunks and used + len(chunks[-1]) <= room:
            used += len(chunks[-1])
            line.append(chunks.pop())
        if chunks and len(chunks[-1]) > room:
            if cut_long_words:
                cut = max(room - used, 1)
                line.append(chunks[-1][:cut])
                chunks[-1] = chunks[-1][cut:]
            elif not line:
                line.append(chunks.pop())
        if line and line[-1].isspace():
            line.pop()
        if line:
            lines.append(indent + "".join(line))
    return lines


ASCII_GLYPHS = str.maketrans(
    {
        "•": "*",
        "·": "-",
        "→": "->",
        "←": "<-",
        "▶": ">",
        "◀": "<",
        "…": "...",
        "—": "-",
        "─": "-",
        "━": "=",
        "█": "#",
        "▀": "#",
        "▄": "#",
        "▌": "#",
        "▓": "#",
        "▒": "+",
        "░": ".",
        "■": "#",
        "□": ".",
        "✓": "v",
    }
)
"""The glyphs psoas prints, as the plain ASCII a terminal without them can show."""


def ascii_fallback(error: UnicodeError) -> tuple[str, int]:
    """A codecs error handler for output a terminal's encoding cannot hold (ASCII, Latin-1):
    each glyph becomes its ASCII stand-in and anything else ``?``, so the output still reads
    instead of the write raising mid-way."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start : error.end]
    plain = text.translate(ASCII_GLYPHS)
    return "".join(c if c.isascii() else "?" for c in plain), error.end
