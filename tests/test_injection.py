"""Nothing in a file, a file name or the history can send the terminal a control sequence."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from psoas_cli.cli import cli

RAW = ("\x1b", "\x07", "\x9b", "\x7f", "\x00", "\r")
"""Characters a terminal acts on; none may reach the output unescaped."""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assert_escaped(result: Result, *shown: str) -> None:
    """No raw control character in what a person sees, and each ``shown`` text present."""
    assert not [c for c in RAW if c in result.output], result.output
    for text in shown:
        assert text in result.output, result.output


EVIL_ROUTINE = 'title: "Evil \\e]0;pwned\\a"\nsteps:\n  - note: "clear \\e[2J"\n'


def test_show_refuses_a_routine_file_with_escape_sequences(tmp_path: Path) -> None:
    """show names the field and place of a YAML-escaped ESC and prints it escaped."""
    path = tmp_path / "evil.yaml"
    path.write_text(EVIL_ROUTINE)
    result = run("show", str(path))
    assert result.exit_code == 1
    assert_escaped(result, f"{path}:1:8: title: control character \\x1b")


def test_validate_refuses_raw_and_escaped_controls(tmp_path: Path) -> None:
    """validate reports both a raw ESC byte and an escaped one in a key, escaped."""
    raw = tmp_path / "raw.yaml"
    raw.write_bytes(b"title: a\x1b]52;c;cHduZWQ=\x07b\nsteps:\n  - note: hi\n")
    key = tmp_path / "key.yaml"
    key.write_text('title: ok\n"bad\\ekey": 1\nsteps:\n  - note: hi\n')
    result = run("validate", str(raw), str(key))
    assert result.exit_code == 1
    assert_escaped(
        result,
        f"{raw}:1:9: control character \\x1b",
        f"{key}:2:1: bad\\x1bkey: control character \\x1b",
    )


def test_list_skips_a_user_routine_with_controls(
    user_routine: Callable[[str, str], Path],
) -> None:
    """list leaves out a user routine holding an ESC and says why, escaped."""
    user_routine("evil.yaml", EVIL_ROUTINE)
    result = run("list")
    assert result.exit_code == 0
    assert_escaped(result, "evil.yaml:1:8: title: control character \\x1b")
    assert "Evil" not in result.output


def test_a_config_file_with_controls_is_refused(psoas_home: Path) -> None:
    """config.yaml is held to the same rule, with its place and field."""
    psoas_home.mkdir(parents=True, exist_ok=True)
    (psoas_home / "config.yaml").write_text('stats:\n  "goal\\u009b": 3\n')
    result = run("stats")
    assert result.exit_code == 1
    assert_escaped(result, "config.yaml:2:3: stats.goal\\x9b: control character \\x9b")
