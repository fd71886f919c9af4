"""The clock you read from the floor: big type that grows with the window, the phase word,
inhale and exhale told apart without colour, an unmistakable pause, ASCII terminals."""

from __future__ import annotations

import codecs
import io

import pytest
from bigtype import read_big
from rich.console import Console

from psoas_cli.display.clock import (
    BITMAPS,
    DROP_ORDER,
    Layout,
    Part,
    Screen,
    draw,
    lay_out,
    rows,
)
from psoas_cli.display.live import LiveDisplay
from psoas_cli.library.catalog import Catalog
from psoas_cli.library.plan import Plan, SegmentKind, build_plan
from psoas_cli.run.engine import Moment, SegmentStarted, Tick
from psoas_cli.text import ascii_fallback

K = SegmentKind
WINDOWS = ((40, 15), (100, 30), (200, 60))
TODAYS_CLOCK_ROWS = 3


def moment_at(plan: Plan, kind: SegmentKind, elapsed: float, *, paused: bool = False) -> Moment:
    index = next(i for i, s in enumerate(plan.segments) if s.kind is kind)
    segment = plan.segments[index]
    return Moment(
        index=index,
        segment=segment,
        duration=segment.duration,
        remaining=segment.duration - elapsed,
        elapsed=elapsed,
        paused=paused,
    )


def screen_lines(plan: Plan, moment: Moment, size: tuple[int, int]) -> list[str]:
    """The live screen as a terminal of ``size`` shows it, without colour."""
    width, height = size
    console = Console(
        file=io.StringIO(), width=width, height=height, color_system=None, record=True
    )
    console.print(LiveDisplay(console, plan, interactive=True).render(moment))
    return [line.rstrip() for line in console.export_text().splitlines()]


@pytest.fixture
def couch(builtin_catalog: Catalog) -> Plan:
    return build_plan(builtin_catalog.routines["daily-10min"].routine)


@pytest.fixture
def breathing(builtin_catalog: Catalog) -> Plan:
    return build_plan(builtin_catalog.routines["breathing-minute"].routine)


def test_the_clock_grows_with_the_window_and_reads_right(couch: Plan) -> None:
    """At 40x15, 100x30 and 200x60 the time reads 0:18, taller in each larger window, and
    every screen fits its window."""
    heights = []
    for size in WINDOWS:
        lines = screen_lines(couch, moment_at(couch, K.HOLD, 12.0), size)
        big = read_big(lines)
        assert "0:18" in big, (size, "\n".join(lines))
        heights.append(rows(big["0:18"]))
        assert len(lines) <= size[1] and all(len(line) <= size[0] for line in lines)
    assert TODAYS_CLOCK_ROWS < heights[0] < heights[1] < heights[2], heights
    assert heights[2] >= 20


def test_the_phase_word_is_big_where_there_is_room(couch: Plan) -> None:
    """HOLD and SWITCH SIDES are drawn in big type at 100x30 and 200x60, larger in the larger."""
    for kind, word in ((K.HOLD, "HOLD"), (K.SWITCH, "SWITCH SIDES")):
        small, large = (
            read_big(screen_lines(couch, moment_at(couch, kind, 1.0), size)) for size in WINDOWS[1:]
        )
        assert word in small and word in large
        assert small[word] < large[word]


def test_a_small_window_keeps_the_clock_header_and_stop_sign(couch: Plan) -> None:
    """At 40x15 the blank lines, the big word and then the later cues give way, never the
    time, the phase or the stop signs."""
    lines = screen_lines(couch, moment_at(couch, K.HOLD, 12.0), (40, 15))
    assert lines[:2] == ["Couch stretch, left side", "HOLD · set 1 of 2"]
    assert list(read_big(lines)) == ["0:18"]
    assert [line for line in lines if line.startswith("Stop if:")] == [
        "Stop if: Sharp pain in the knee, hip or",
        "Stop if: Pain or tingling running down",
    ]
    assert [line for line in lines if line.startswith("• ")] == ["• Tailbone tucked, back glute on"]
    assert len(lines) <= 15


def pacer_row(lines: list[str], word: str) -> str:
    return next(line for line in lines if line.endswith(word))


def test_inhale_and_exhale_differ_without_colour(breathing: Plan) -> None:
    """With no colour at all, an inhale and an exhale at the same fill draw different pacers:
    the edge points the way the breath goes and the emptied part looks different."""
    inhale = screen_lines(breathing, moment_at(breathing, K.INHALE, 2.0), (100, 30))
    exhale = screen_lines(breathing, moment_at(breathing, K.EXHALE, 3.0), (100, 30))
    bar_in = pacer_row(inhale, "Inhale 3").removesuffix("  Inhale 3")
    bar_out = pacer_row(exhale, "Exhale 2").removesuffix("  Exhale 2")
    assert bar_in.count("█") == bar_out.count("█") > 0
    assert bar_in != bar_out
    assert "▶" in bar_in and "◀" in bar_out
    assert "INHALE" in read_big(inhale) and "EXHALE" in read_big(exhale)


def test_the_pacer_spans_the_window(breathing: Plan) -> None:
    """The breath pacer and its word fill nearly the whole width in a wide window."""
    for width, height in WINDOWS:
        lines = screen_lines(breathing, moment_at(breathing, K.INHALE, 2.0), (width, height))
        assert len(pacer_row(lines, "Inhale 3")) >= width - 2


def test_inhale_and_exhale_differ_in_colour(breathing: Plan) -> None:
    """In colour the inhale and the exhale are drawn in different colours."""

    def colours(kind: SegmentKind, elapsed: float) -> set[str]:
        console = Console(file=io.StringIO(), width=100, height=30, color_system="standard")
        display = LiveDisplay(console, breathing, interactive=True)
        with console.capture() as capture:
            console.print(display.render(moment_at(breathing, kind, elapsed)))
        return {code for code in ("36", "35") if f"\x1b[1;{code}m" in capture.get()}

    assert colours(K.INHALE, 2.0) == {"36"}
    assert colours(K.EXHALE, 3.0) == {"35"}


@pytest.mark.parametrize("size", WINDOWS)
def test_a_pause_says_paused_large(breathing: Plan, size: tuple[int, int]) -> None:
    """Paused mid-exhale, the screen says PAUSED in big type and the header no longer says
    EXHALE, in every window size."""
    lines = screen_lines(breathing, moment_at(breathing, K.EXHALE, 2.0, paused=True), size)
    big = read_big(lines)
    assert "PAUSED" in big and "EXHALE" not in big
    assert lines[1].startswith("PAUSED · breath 1 of 6")
    assert "EXHALE" not in "\n".join(lines[:2])
    assert "PAUSED · press space to go on" in lines


def ascii_screen(plan: Plan, moment: Moment) -> list[str]:
    """What a 100x30 terminal with an ASCII encoding receives, through psoas's fallback."""
    codecs.register_error("psoas-ascii", ascii_fallback)
    received = io.BytesIO()
    terminal = io.TextIOWrapper(received, encoding="ascii", errors="psoas-ascii")
    console = Console(file=terminal, width=100, height=30, color_system=None)
    console.print(LiveDisplay(console, plan, interactive=True).render(moment))
    terminal.flush()
    return received.getvalue().decode("ascii").splitlines()


def test_ascii_terminals_get_the_clock_in_hashes(couch: Plan, breathing: Plan) -> None:
    """A terminal whose encoding has no block characters receives the time and the word drawn
    in # only, at the even scales that fill whole rows, and a pacer with an arrow for a head."""
    lines = ascii_screen(couch, moment_at(couch, K.HOLD, 12.0))
    big = read_big(lines)
    assert "0:18" in big and "HOLD" in big
    assert big["0:18"] % 2 == 0
    assert {char for line in lines if "#" in line for char in line} == {"#", " "}
    inhale = ascii_screen(breathing, moment_at(breathing, K.INHALE, 2.0))
    exhale = ascii_screen(breathing, moment_at(breathing, K.EXHALE, 3.0))
    assert "#>....." in pacer_row(inhale, "Inhale 3")
    assert "#<-----" in pacer_row(exhale, "Exhale 2")


def test_every_glyph_reads_back_as_itself() -> None:
    """Each character of the font, drawn at scales 1 to 4, is read back as that character."""
    for chars in ("0123456789", "12:34", "3/10", "ABCDEFGHIJKLM", "NOPQRSTUVWXYZ", "QUIT?"):
        for scale in range(1, 5):
            assert read_big(list(draw(chars, scale, blocks=True))) == {chars: scale}
    assert len({BITMAPS[digit] for digit in "0123456789"}) == 10


def screen_for(height: int, *, word_first: bool = False) -> Screen:
    return Screen(
        width=100,
        height=height,
        clock="0:18",
        word="HOLD",
        fixed_rows=4,
        part_rows={Part.SPACING: 2, Part.NOTES: 4, Part.PROGRESS: 1, Part.NEXT: 1, Part.FOOTER: 1},
        blocks=True,
        word_first=word_first,
    )


def test_parts_give_way_in_order_as_the_window_shrinks() -> None:
    """Shrinking a window one row at a time first shrinks the clock, then drops spacing, notes,
    the big word, progress, next and keys in that order, and last writes the time as text."""
    layouts = [lay_out(screen_for(height)) for height in range(60, 4, -1)]
    dropped_counts = [len(layout.dropped) for layout in layouts]
    assert dropped_counts == sorted(dropped_counts)
    for layout in layouts:
        assert layout.dropped == frozenset(DROP_ORDER[: len(layout.dropped)])
    assert layouts[0] == Layout(clock_scale=5, word_scale=2, dropped=frozenset())
    assert layouts[-1] == Layout(clock_scale=None, word_scale=None, dropped=frozenset(DROP_ORDER))
    scales = [layout.clock_scale for layout in layouts if layout.clock_scale is not None]
    assert min(scales) == 1


def test_paused_keeps_the_big_word_longest() -> None:
    """While paused the big word PAUSED stays where a running screen would drop it."""
    running = lay_out(screen_for(14))
    paused = lay_out(screen_for(14, word_first=True))
    assert running.word_scale is None and Part.WORD in running.dropped
    assert paused.word_scale == 1 and Part.WORD not in paused.dropped


def test_a_pacer_step_rewrites_only_the_lines_below_the_clock(breathing: Plan) -> None:
    """At 200x60 the first frame of an inhale writes every line; a quarter second later only
    the pacer moved, so only the lines from the pacer down are written again."""
    out = io.StringIO()
    console = Console(file=out, width=200, height=60, force_terminal=True, color_system=None)
    display = LiveDisplay(console, breathing, interactive=True)
    with display:
        display(SegmentStarted(moment_at(breathing, K.INHALE, 0.0)))
        first = out.getvalue()
        display(Tick(moment_at(breathing, K.INHALE, 0.25)))
        second = out.getvalue()[len(first) :]
    assert display.frames_drawn == 2
    assert first.count("\n") >= 50
    assert 0 < second.count("\n") <= 10
    assert "▶" in second and "Inhale 5" in second


def test_a_notice_goes_above_a_whole_frame_and_a_resize_redraws_it(breathing: Plan) -> None:
    """A notice printed mid-run is followed by the whole frame again; after a resize the
    screen is cleared and the frame drawn whole from the top, at the new size."""
    out = io.StringIO()
    console = Console(file=out, width=100, height=30, force_terminal=True, color_system=None)
    display = LiveDisplay(console, breathing, interactive=True)
    with display:
        display(SegmentStarted(moment_at(breathing, K.INHALE, 0.0)))
        drawn = len(out.getvalue())
        display.lines(["Switched to the other option."])
        notice = out.getvalue()[drawn:]
        console.size = (200, 60)
        display(Tick(moment_at(breathing, K.INHALE, 0.25)))
        resized = out.getvalue()[drawn + len(notice) :]
    assert notice.index("Switched to the other option.") < notice.index("INHALE · breath 1 of 6")
    assert notice.count("\n") >= 20
    assert resized.startswith("\x1b[H\x1b[2J")
    lines = resized.removeprefix("\x1b[H\x1b[2J").split("\n")
    assert lines[0].endswith("360° diaphragm breathing")
    assert read_big(lines)["1:00"] > read_big(notice.split("\n"))["1:00"]
