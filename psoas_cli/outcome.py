"""How a run ended: shared by the engine that decides it and the history that keeps it.

A module of its own so that ``psoas history`` and ``psoas stats`` need not load the engine.
"""

from __future__ import annotations

from enum import Enum


class Outcome(Enum):
    """How a run ended; history keeps the same words."""

    COMPLETED = "completed"
    QUIT = "quit"
    HURT = "stopped: it hurt"
    INTERRUPTED = "interrupted"
