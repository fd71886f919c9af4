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


def layout(columns: list[Column], width: int) -> Text:
    """Columns two spaces apart; wrapping columns share what the others leave, by need."""
    gap = 2
    natural = [max(cell_len(c) for c in [col.header, *col.cells]) for col in columns]
    fixed = sum(n for n, col in zip(natural, columns, strict=True) if not col.wraps)
    spare = max(0, width - fixed - gap * (len(columns) - 1))
    wanted = sum(n for n, col in zip(natural, columns, strict=True) if col.wraps)
    widths = [
        n if not col.wraps or wanted <= spare else max(8, n * spare // wanted)
        for n, col in zip(natural, columns, strict=True)
    ]
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
