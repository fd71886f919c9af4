"""Reading big type back off a screen, as a person would: find the blocks of ``▀▄█`` (or ``#``)
rows, sample them back to pixels and match the pixels against the font's bitmaps."""

from __future__ import annotations

import re

from psoas_cli.display.clock import BITMAPS, GLYPH_PIXELS_HIGH

CLOCK_CHARACTERS = "0123456789:/"
WORD_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ ?"

BIG_ROW = re.compile(r"^[ ▀▄█#]*[▀▄█#][ ▀▄█#]*$")
"""A screen row drawn in big type only (the pacer and progress bar always carry text too)."""

_TOP = {"▀", "█", "#"}
_BOTTOM = {"▄", "█", "#"}


def big_blocks(lines: list[str]) -> list[list[str]]:
    """Runs of consecutive rows in big type."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if BIG_ROW.match(line.rstrip()):
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    return blocks


def _half_rows(block: list[str]) -> list[list[bool]]:
    width = max(len(line) for line in block)
    grid: list[list[bool]] = []
    for line in block:
        cells = line.ljust(width)
        grid.append([cell in _TOP for cell in cells])
        grid.append([cell in _BOTTOM for cell in cells])
    return grid


def read_block(block: list[str], alphabet: str) -> tuple[str, int] | None:
    """The text in one block of big type and its scale, or None if it is not the font's."""
    grid = _half_rows(block)
    lit = [r for r, row in enumerate(grid) if any(row)]
    span = lit[-1] - lit[0] + 1
    if span % GLYPH_PIXELS_HIGH:
        return None
    scale = span // GLYPH_PIXELS_HIGH
    left = min(row.index(True) for row in grid if any(row))
    right = max(len(row) - row[::-1].index(True) - 1 for row in grid if any(row))
    for lead in range(5):
        start = left - lead * scale
        if start < 0:
            break
        pixels = [
            [
                0 <= start + c * scale < len(grid[0])
                and grid[lit[0] + r * scale][start + c * scale]
                for c in range((right - start) // scale + 1)
            ]
            for r in range(GLYPH_PIXELS_HIGH)
        ]
        text = _parse(pixels, alphabet)
        if text is not None:
            return text, scale
    return None


def _parse(pixels: list[list[bool]], alphabet: str) -> str | None:
    """Glyphs left to right, each followed by a blank pixel column, widest glyphs tried first."""
    width = len(pixels[0])
    x = 0
    text = ""
    glyphs = sorted(alphabet, key=lambda char: -len(BITMAPS[char][0]))
    while x < width:
        for char in glyphs:
            bitmap = BITMAPS[char]
            wide = len(bitmap[0])
            if all(
                (x + c < width and pixels[r][x + c]) == (bitmap[r][c] == "#")
                for r in range(GLYPH_PIXELS_HIGH)
                for c in range(wide)
            ) and not any(
                x + wide < width and pixels[r][x + wide] for r in range(GLYPH_PIXELS_HIGH)
            ):
                text += char
                x += wide + 1
                break
        else:
            return None
    return text.rstrip()


def read_big(lines: list[str]) -> dict[str, int]:
    """Every text in big type on the screen, with the scale it is drawn at: read as a time
    first, then as words (0 and O are drawn alike)."""
    found = {}
    for block in big_blocks(lines):
        pair = read_block(block, CLOCK_CHARACTERS) or read_block(block, WORD_CHARACTERS)
        if pair is not None:
            found[pair[0]] = pair[1]
    return found
