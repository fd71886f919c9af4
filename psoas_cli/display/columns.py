"""Plain text columns for long tables, laid out directly rather than with rich's Table.

rich's Table measures every cell generically and takes most of a second for a thousand rows;
these tables only need widths, padding and wrapping of a few columns.
"""

from __future__ import annotations

import textwrap
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text


class Column(NamedTuple):
    """One column: its header, its cells, and whether it may wrap to share the width."""

    header: str
    cells: list[str]
    wraps: bool = False
    right: bool = False
    style: str = ""


MIN_WRAP_WIDTH = 8
"""A wrapping column is never narrower than this, however little room is left."""


def layout(columns: list[Column], width: int) -> Text:
    """Columns two spaces apart; wrapping columns share what the others leave, fairly."""
    gap = 2
    natural = [max(cell_len(c) for c in [col.header, *col.cells]) for col in columns]
    fixed = sum(n for n, col in zip(natural, columns, strict=True) if not col.wraps)
    spare = max(0, width - fixed - gap * (len(columns) - 1))
    shared = iter(
        fair_shares([n for n, col in zip(natural, columns, strict=True) if col.wraps], spare)
    )
    widths = [next(shared) if col.wraps else n for n, col in zip(natural, columns, strict=True)]
    out = Text(no_wrap=True, end="")
    _append_line(
        out, [(c.header, w, c.right, "bold") for c, w in zip(columns, widths, strict=True)]
    )
    for row in range(len(columns[0].cells)):
        cells = [
            textwrap.wrap(col.cells[row], w) or [""] if col.wraps else [col.cells[row]]
            for col, w in zip(columns, widths, strict=True)
        ]
        for n in range(max(len(lines) for lines in cells)):
            parts = []
            for col, w, lines in zip(columns, widths, cells, strict=True):
                text = lines[n] if n < len(lines) else ""
                parts.append((text, w, col.right, col.style if n == 0 else ""))
            _append_line(out, parts)
    out.rstrip()
    return out


def fair_shares(needs: list[int], spare: int) -> list[int]:
    """Split ``spare`` columns of width among columns that need ``needs``: an equal share
    each, none more than it needs, and what one does not need goes to the others.

    Shares in proportion to need would let one long column (equipment) squeeze a short one
    (a title) into a word per line.
    """
    widths = [0] * len(needs)
    left = spare
    by_need = sorted(range(len(needs)), key=lambda i: needs[i])
    for done, i in enumerate(by_need):
        share = left // (len(needs) - done)
        widths[i] = max(MIN_WRAP_WIDTH, min(needs[i], share))
        left -= widths[i]
    return widths


def _append_line(out: Text, parts: list[tuple[str, int, bool, str]]) -> None:
    last = len(parts) - 1
    for index, (text, width, right, style) in enumerate(parts):
        padded = _pad(text, width, right)
        out.append(padded.rstrip() if index == last else padded + "  ", style or None)
    out.rstrip()
    out.append("\n")


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space
