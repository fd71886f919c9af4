"""Big type for the run screen: a bitmap font, scaled to the window, and how much of the
window the clock and the phase word get.

A person lies two metres from the screen with eyes half closed, so the remaining time is
drawn as large as the rest of the screen allows. Glyphs are 5x7 pixel bitmaps. One pixel is
``scale`` columns wide and ``scale`` half-rows tall: a terminal cell is about twice as tall as
it is wide, so pixels stay square. With block characters a row holds two half-rows (``▀``,
``▄``, ``█``); in ASCII a row is one ``#`` or space, so only even scales are drawn there.

Pure strings, no rich: the live screen styles the rows, tests read them back.
"""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache

from psoas_cli.value import Value

GLYPH_PIXELS_HIGH = 7

_BITMAPS: dict[str, tuple[str, ...]] = {
    "0": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    ":": (".", ".", "#", ".", "#", ".", "."),
    "/": ("....#", "....#", "...#.", "..#..", ".#...", "#....", "#...."),
    "?": (".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."),
    " ": ("...", "...", "...", "...", "...", "...", "..."),
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
}
"""Each glyph as seven rows of pixels, ``#`` on; glyphs are set one pixel apart."""

BITMAPS: Mapping[str, tuple[str, ...]] = _BITMAPS

_HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
"""One terminal cell from its top and bottom half-row."""

BLOCK_GLYPHS = "█▀▄"


def blocks_available(encoding: str) -> bool:
    """Whether a terminal with this encoding can show the block characters."""
    try:
        codecs.encode(BLOCK_GLYPHS, encoding)
    except (UnicodeError, LookupError):
        return False
    return True


def drawable(text: str) -> bool:
    """Whether every character of ``text`` has a glyph."""
    return all(char in _BITMAPS for char in text)


def least_scale(blocks: bool) -> int:
    """The smallest scale that draws whole cells: 1 with blocks, 2 in ASCII."""
    return 1 if blocks else 2


def pixels_wide(text: str) -> int:
    """Width of ``text`` in pixels, with one pixel between glyphs."""
    return sum(len(_BITMAPS[char][0]) + 1 for char in text) - 1 if text else 0


def columns(text: str, scale: int) -> int:
    """Terminal columns ``text`` takes at ``scale``."""
    return pixels_wide(text) * scale


def rows(scale: int) -> int:
    """Terminal rows a line of big text takes at ``scale``."""
    return -(-GLYPH_PIXELS_HIGH * scale // 2)


def scales(most: int, *, blocks: bool) -> range:
    """The scales that draw whole cells, largest first, from at most ``most``."""
    least = least_scale(blocks)
    step = 1 if blocks else 2
    return range(most - (most - least) % step, least - 1, -step)


def largest_scale(text: str, width: int, height: int, *, blocks: bool, most: int) -> int | None:
    """The largest scale, at most ``most``, at which ``text`` fits ``width`` x ``height``
    cells; None when it does not fit even at the smallest."""
    if not text or not drawable(text):
        return None
    widest = width // pixels_wide(text)
    tallest = 2 * height // GLYPH_PIXELS_HIGH
    return next(iter(scales(min(most, widest, tallest), blocks=blocks)), None)


def draw(text: str, scale: int, *, blocks: bool) -> tuple[str, ...]:
    """``text`` in big type: one string per terminal row, all of one width."""
    glyphs = [_glyph(char, scale, blocks=blocks) for char in text]
    gap = " " * scale
    return tuple(gap.join(rows) for rows in zip(*glyphs, strict=True))


@lru_cache(maxsize=256)
def _glyph(char: str, scale: int, *, blocks: bool) -> tuple[str, ...]:
    """One glyph drawn at ``scale``; kept, since a countdown draws the same few again."""
    half_rows = [
        [pixel == "#" for pixel in line for _ in range(scale)]
        for line in _BITMAPS[char]
        for _ in range(scale)
    ]
    if len(half_rows) % 2:
        half_rows.append([False] * len(half_rows[0]))
    pairs = zip(half_rows[::2], half_rows[1::2], strict=True)
    if blocks:
        return tuple("".join(_HALVES[cell] for cell in zip(*pair, strict=True)) for pair in pairs)
    return tuple("".join("#" if on else " " for on in top) for top, _ in pairs)


class Part(Enum):
    """Parts of the run screen that give way, in this order, when the window is too small
    for them and the clock at its smallest."""

    SPACING = "blank lines between parts"
    WORD = "the phase word in big type"
    NOTES = "cues, setup and notes"
    PROGRESS = "progress bar"
    NEXT = "what comes next"
    FOOTER = "keys"


DROP_ORDER = tuple(Part)
"""What gives way first when a window is small: the clock is the last thing to shrink."""

SPACING_ROWS = 2
"""Blank rows around the clock: under the header and under the clock."""

WORD_SHARE = 2
"""The phase word is drawn at most half the clock's scale, so the time stays the largest."""


class Layout(Value, kw_only=False):
    """How the run screen uses a window: the scales of the big clock and phase word (None:
    written as ordinary text) and the parts left out for lack of room."""

    clock_scale: int | None
    word_scale: int | None
    dropped: frozenset[Part]

    def shows(self, part: Part) -> bool:
        """Whether ``part`` is on screen."""
        return part not in self.dropped


class Screen(Value):
    """What the layout is asked to fit: the window, the big texts and the rows of the rest."""

    width: int
    height: int
    clock: str
    word: str
    fixed_rows: int
    part_rows: Mapping[Part, int]
    blocks: bool
    word_first: bool = False
    """The word matters more than the time (PAUSED): never dropped, as large as the clock."""
    smallest_clock: bool = False
    """Every row the clock does not need goes to the rest: the clock at its smallest scale."""


def lay_out(screen: Screen) -> Layout:
    """The largest clock that fits beside the rest of the screen; when even the smallest does
    not fit, parts give way in ``DROP_ORDER`` until it does, then the time is plain text."""
    order = tuple(part for part in DROP_ORDER if not (screen.word_first and part is Part.WORD))
    for count in range(len(order) + 1):
        dropped = frozenset(order[:count])
        kept_rows = sum(n for part, n in screen.part_rows.items() if part not in dropped)
        spare = screen.height - screen.fixed_rows - kept_rows
        fitted = _fit_big(screen, spare, with_word=Part.WORD not in dropped)
        if fitted is not None:
            return Layout(*fitted, dropped=dropped)
    return Layout(None, None, frozenset(DROP_ORDER))


def _fit_big(screen: Screen, spare: int, *, with_word: bool) -> tuple[int, int | None] | None:
    """The clock's and the word's scale within ``spare`` rows; None if the clock cannot fit."""
    width, blocks = screen.width, screen.blocks
    most = least_scale(blocks) if screen.smallest_clock else width
    widest = largest_scale(screen.clock, width, spare, blocks=blocks, most=most)
    if widest is None:
        return None
    for clock_scale in scales(widest, blocks=blocks):
        word_scale = None
        if with_word:
            share = 1 if screen.word_first else WORD_SHARE
            most = max(least_scale(blocks), clock_scale // share)
            word_scale = largest_scale(screen.word, width, spare, blocks=blocks, most=most)
        word_rows = 0 if word_scale is None else rows(word_scale) + 1
        if rows(clock_scale) + word_rows <= spare:
            return clock_scale, word_scale
    return None
