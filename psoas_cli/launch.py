"""The ``psoas`` command's entry point: the command line, started with garbage collection
paused for start-up (see ``collection``)."""

from __future__ import annotations

from psoas_cli.collection import pause_collection, resume_collection


def main() -> None:
    """Entry point of the ``psoas`` command."""
    pause_collection()
    try:
        from psoas_cli.cli import main as command_line  # noqa: PLC0415 - after the pause

        command_line()
    finally:
        resume_collection()
