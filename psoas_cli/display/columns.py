"""Plain text columns for long tables, laid out directly rather than with rich's Table.

rich's Table measures every cell generically and takes most of a second for a thousand rows;
these tables only need widths, padding and wrapping of a few columns.
"""

from __future__ import annotations

import textwrap

from rich.cells import cell_len
from rich.text import Span, Text

from psoas_cli.value import Value


class Column(Value, kw_only=False):
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


GAP = "  "
"""What separates two columns."""


def layout(columns: list[Column], width: int) -> Text:
    """Columns two spaces apart; wrapping columns share what the others leave, fairly."""
    gap = len(GAP)
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
    table = _Table()
    table.add_line([(c.header, w, c.right, "bold") for c, w in zip(columns, widths, strict=True)])
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
            table.add_line(parts)
    return table.text()


class _Table:
    """The table's text as plain lines and style spans, made into one Text at the end.

    Appending cell by cell to rich Texts costs several times more than the rest of the
    layout; plain strings and a list of spans grow in linear time, however many rows.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.spans: list[Span] = []
        self.offset = 0

    def add_line(self, parts: list[tuple[str, int, bool, str]]) -> None:
        """One row: each part padded to its column, two spaces apart, no trailing spaces;
        a part's style covers its cell and the gap after it."""
        pieces = [_pad(text, width, right) for text, width, right, _ in parts]
        pieces[-1] = pieces[-1].rstrip()
        line = GAP.join(pieces).rstrip()
        end = self.offset + len(line)
        start = self.offset
        for piece, (_, _, _, style) in zip(pieces, parts, strict=True):
            stop = min(start + len(piece) + len(GAP), end)
            if style and start < stop:
                self.spans.append(Span(start, stop, style))
            start += len(piece) + len(GAP)
        self.lines.append(line)
        self.offset = end + 1

    def text(self) -> Text:
        """The lines as one Text that is never wrapped again and ends without a newline."""
        return Text("\n".join(self.lines), no_wrap=True, end="", spans=self.spans)


def _wrapped(cell: str, width: int) -> list[str]:
    """A cell's lines at ``width``: broken at spaces only (a word is split only when it is
    longer than the column), later lines hanging by HANG."""
    if cell_len(cell) <= width and cell.isprintable() and cell == cell.rstrip():
        return [cell]  # what textwrap would give, at a fraction of its cost
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


def _pad(text: str, width: int, right: bool) -> str:
    space = " " * max(0, width - cell_len(text))
    return space + text if right else text + space
