"""Output into a pipe loses the padding at line ends, and nothing else."""

from __future__ import annotations

from psoas_cli.display.console import trailing_blanks


def test_trailing_blanks_go_and_inner_and_leading_ones_stay() -> None:
    """A wrapped line's indent and the gaps between columns are kept; line ends are not."""
    text = "name    title   \n            wrapped title  \t\nlast"
    assert trailing_blanks(text) == "name    title\n            wrapped title\nlast"


def test_blanks_before_style_resets_go_too() -> None:
    """In colour, the padding sits before the reset codes; it goes, the codes stay."""
    text = "\x1b[1mname\x1b[0m   \x1b[0m\nnext  \x1b[0m\x1b[22m"
    assert trailing_blanks(text) == "\x1b[1mname\x1b[0m\x1b[0m\nnext\x1b[0m\x1b[22m"


def test_blanks_between_a_reset_and_more_text_stay() -> None:
    """Blanks followed by a reset and then more words are not at the line's end."""
    text = "a  \x1b[0m  b  "
    assert trailing_blanks(text) == "a  \x1b[0m  b"
