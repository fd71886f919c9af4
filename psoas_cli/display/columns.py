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
    """One column: its header, its cells, and whether it may wrap to share the width; a
    wrapping column's ``weight`` is its claim on the room left beside the others."""

    header: str
    cells: list[str]
    wraps: bool = False
    right: bool = False
    style: str = ""
    weight: int = 1


MIN_WRAP_WIDTH = 8
"""A wrapping column is never narrower than this, however little room is left."""

HANG = 2
"""How far a wrapped cell's later lines sit in from its first, so each row's start stands
out from the lines that carry on the row above."""


def layout(columns: list[Column], width: int) -> Text:
    """Columns two spaces apart; wrapping columns share what the others leave, fairly."""
    gap = 2
    natural = [max(cell_len(c) for c in [col.header, *col.cells]) for col in columns]
    fixed = sum(n for n, col in zip(natural, columns, strict=True) if not col.wraps)
    spare = max(0, width - fixed - gap * (len(columns) - 1))
    wrapping = [(n, col) for n, col in zip(natural, columns, strict=True) if col.wraps]
    least = [min(n, _longest_word(col) + HANG) for n, col in wrapping]
    if sum(least) > spare:
        least = [MIN_WRAP_WIDTH] * len(wrapping)
    shared = iter(
        fair_shares([n for n, _ in wrapping], spare, [col.weight for _, col in wrapping], least)
    )
    widths = [next(shared) if col.wraps else n for n, col in zip(natural, columns, strict=True)]
    lines = [_line([(c.header, w, c.right, "bold") for c, w in zip(columns, widths, strict=True)])]
    for row in range(len(columns[0].cells)):
        cells = [
            _wrapped(col.cells[row], w) if col.wraps else [col.cells[row]]
            for col, w in zip(columns, widths, strict=True)
        ]
        for n in range(max(len(cell_lines) for cell_lines in cells)):
            parts = []
            for col, w, cell_lines in zip(columns, widths, cells, strict=True):
                text = cell_lines[n] if n < len(cell_lines) else ""
                parts.append((text, w, col.right, col.style if n == 0 else ""))
            lines.append(_line(parts))
    # One Text per line, joined once: trimming a growing Text line by line is quadratic.
    out = Text("\n").join(lines)
    out.no_wrap = True
    out.end = ""
    return out


def _wrapped(cell: str, width: int) -> list[str]:
    """A cell's lines at ``width``: broken at spaces only (a word is split only when it is
    longer than the column), later lines hanging by HANG."""
    return textwrap.wrap(
        cell,
        width,
        subsequent_indent=" " * HANG,
        break_on_hyphens=False,
    ) or [""]


def _longest_word(column: Column) -> int:
    return max((cell_len(word) for cell in column.cells for word in cell.split()), default=0)


def fair_shares(
    needs: list[int],
    spare: int,
    weights: list[int] | None = None,
    least: list[int] | None = None,
) -> list[int]:
    """Split ``spare`` columns of width among columns that need ``needs``: a share each in
    proportion to its weight (equal by default), none more than it needs nor less than its
    ``least`` (MIN_WRAP_WIDTH by default), and what one does not need goes to the others.

    Shares in proportion to need would let one long column (equipment) squeeze a short one
    (a title) into a word per line. ``layout`` asks for room for each column's longest word,
    with its hang, where that fits, so no word is cut in two.
    """
    weights = weights or [1] * len(needs)
    least = least or [MIN_WRAP_WIDTH] * len(needs)
    widths = [0] * len(needs)
    left = spare
    weight_left = sum(weights)
    for i in sorted(range(len(needs)), key=lambda i: needs[i] / weights[i]):
        share = left * weights[i] // weight_left
        widths[i] = max(least[i], min(needs[i], share))
        left -= widths[i]
        weight_left -= weights[i]
    return widths


def _line(parts: list[tuple[str, int, bool, str]]) -> Text:
    """One row of the table: each part padded to its column, the last trimmed, no trailing
    spaces."""
    line = Text()
    last = len(parts) - 1
    for index, (text, width, right, style) in enumerate(parts):
        padded = _pad(text, width, right)
        line.append(padded.rstrip() if index == last else padded + "  ", style or None)
    line.rstrip()
    return line


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space
