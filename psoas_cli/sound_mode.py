"""How a run sounds, named by the command line, the config file and the run alike.

A module of its own so that the command line can list the choices without loading the
audio code.
"""

from __future__ import annotations

from enum import Enum


class SoundMode(Enum):
    """``--sound``: tones through the audio output, the terminal bell, tones with spoken
    words, or nothing."""

    TONES = "tones"
    BELL = "bell"
    VOICE = "voice"
    OFF = "off"
