"""The console the printed (not live) views share, so they all treat terminals alike."""

from __future__ import annotations

from rich.console import Console


def make_console() -> Console:
    """A console that follows the terminal, NO_COLOR and TERM=dumb, and never highlights.

    Markup is off: square brackets in a routine or a note are text, and ``[link=...]`` in a
    shared file must not become a terminal hyperlink.
    """
    return Console(highlight=False, markup=False)
