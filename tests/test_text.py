"""Counted nouns, the one rule for "1 session" and "2 sessions"; lines filled at spaces."""

from __future__ import annotations

import random
import textwrap

import pytest

from psoas_cli.text import (
    UNSAFE_CHARS,
    counted,
    hanging,
    may_hold_unsafe,
    pattern,
    visible,
    wrapped,
)

WORDS = ("a", "bb", "ccc", "self-check", "--max-minutes", "x" * 30, "longerword", "\t", "  ")
"""Words of every kind a line meets: short, hyphenated, longer than a line, and spacing."""


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, "0 sessions"), (1, "1 session"), (2, "2 sessions"), (1000, "1000 sessions")],
)
def test_counted_uses_the_singular_for_one_only(n: int, expected: str) -> None:
    """One is singular; zero and every other number take the plural."""
    assert counted(n, "session") == expected


def random_texts(count: int) -> list[tuple[str, int, str, str]]:
    """Texts, widths and indents drawn from a fixed seed, so a failure repeats."""
    draw = random.Random(7)
    texts = []
    for _ in range(count):
        words = [draw.choice(WORDS) + draw.choice((" ", "  ", "\n")) for _ in range(30)]
        text = "".join(words[: draw.randint(0, 30)])
        first, later = draw.choice(("", "  ", "Usage: psoas ")), draw.choice(("", "    "))
        texts.append((text, draw.randint(len(first) + 1, 60), first, later))
    return texts


def test_wrapped_fills_lines_as_textwrap_does_without_breaking_at_hyphens() -> None:
    """Line for line what textwrap gives with break_on_hyphens off, indents and long words
    included: psoas's own filling is the same rule, without compiling textwrap's patterns."""
    for text, width, first, later in random_texts(3000):
        expected = textwrap.wrap(
            text,
            width,
            initial_indent=first,
            subsequent_indent=later,
            replace_whitespace=False,
            break_on_hyphens=False,
            break_long_words=False,
        )
        assert wrapped(text, width, first_indent=first, later_indent=later) == expected


def test_wrapped_cuts_a_word_longer_than_a_line_where_the_line_ends() -> None:
    """With cut_long_words, a word wider than the line fills it and goes on below."""
    assert wrapped("see " + "x" * 12, 10, cut_long_words=True) == ["see xxxxxx", "xxxxxx"]
    assert wrapped("see " + "x" * 12, 10) == ["see", "x" * 12]


def test_wrapped_keeps_hyphenated_words_and_option_names_whole() -> None:
    """An option such as --max-minutes never splits at its hyphen, even where it would fit."""
    assert wrapped("use --max-minutes here", 12) == ["use", "--max-minutes", "here"]


def test_hanging_indents_a_wrapped_bullet_under_its_text() -> None:
    """A bullet's later lines start under its first word, not under the bullet."""
    assert hanging("  • keep the ribs down and breathe out slowly", 20) == [
        "  • keep the ribs",
        "    down and breathe",
        "    out slowly",
    ]


def test_every_unsafe_character_is_caught_by_the_quick_check() -> None:
    """may_hold_unsafe never clears text the unsafe pattern would refuse: every unsafe
    character (all of them below U+10000) is unprintable, the quick check's premise."""
    unsafe = pattern(UNSAFE_CHARS)
    caught = [chr(code) for code in range(0x10000) if unsafe.fullmatch(chr(code))]
    assert len(caught) > 60
    assert all(may_hold_unsafe(f"title {char} end") for char in caught)
    assert not may_hold_unsafe("Couch stretch:\n\thold 45 s — breathe out slowly")


def test_visible_shows_unsafe_characters_escaped_and_leaves_the_rest() -> None:
    """ESC and a right-to-left override come out escaped; printable text comes back as is."""
    assert visible("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"
    assert visible("Left side — 30 s\n") == "Left side — 30 s\n"
