"""The README's transcripts and help texts are real output of the current code.

Each block between ``<!-- output: psoas ARGS -->`` and ``<!-- /output -->`` is the output of
that command at 100 columns. To refresh them after a change:

    PSOAS_UPDATE_README=1 python -m pytest tests/test_readme.py
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from psoas_cli.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(
    r"(<!-- output: (?P<command>.+?) -->\n```text\n)(?P<body>.*?)(```\n<!-- /output -->)", re.S
)


def output_of(command: str) -> str:
    """What a person sees for the command, trailing spaces trimmed as a terminal shows them."""
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(
        cli, args, prog_name="psoas", env={"COLUMNS": "100", "NO_COLOR": "1"}
    )
    assert result.exit_code == 0, result.output
    return "".join(line.rstrip() + "\n" for line in result.output.splitlines())


def test_readme_blocks_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command output quoted in the README matches what the command prints now."""
    text = README.read_text(encoding="utf-8")
    blocks = list(BLOCK.finditer(text))
    assert len(blocks) >= 4, "the README lost its transcripts"
    if os.environ.get("PSOAS_UPDATE_README"):
        updated = BLOCK.sub(lambda m: m.group(1) + output_of(m.group("command")) + m.group(4), text)
        README.write_text(updated, encoding="utf-8")
        return
    for block in blocks:
        assert block.group("body") == output_of(block.group("command")), block.group("command")


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run runs exactly the test command the README gives."""
    readme = README.read_text(encoding="utf-8")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    match = re.search(r"<!-- test-command -->\n```sh\n(?P<command>.+?)\n```", readme)
    assert match, "the README has no marked test command"
    assert match.group("command") in ci.splitlines()
