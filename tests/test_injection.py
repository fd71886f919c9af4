"""Nothing in a file, a file name or the history can send the terminal a control sequence."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
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


def evil_export(tmp_path: Path, **fields: object) -> Path:
    """An export file of one session whose text fields hold what an attacker chose."""
    session: dict[str, object] = {
        "uid": "evil-1",
        "routine": "daily-10min",
        "title": "Daily",
        "started": "2026-11-20T07:30:00+01:00",
        "ended": "2026-11-20T07:40:00+01:00",
        "active_seconds": 600,
        "paused_seconds": 0,
        "steps_done": 5,
        "steps_skipped": 0,
        "steps_total": 5,
        "outcome": "completed",
        "pain_before": 3,
        "pain_after": 2,
        "note": "",
        "self_checks": [],
    }
    session.update(fields)
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({"psoas_history": 1, "sessions": [session]}))
    return path


def test_csv_neutralises_formulas_and_json_keeps_the_text(tmp_path: Path) -> None:
    """A spreadsheet would run =, +, -, @, tab or CR at a cell's start: CSV quotes them, JSON not."""
    formulas = {
        "routine": '=HYPERLINK("http://x")',
        "title": "+1+1",
        "note": "@SUM(A1)",
    }
    assert run("history", "import", str(evil_export(tmp_path, **formulas))).exit_code == 0
    row = next(csv.DictReader(io.StringIO(run("history", "--csv").output)))
    assert (row["routine"], row["title"], row["note"]) == (
        '\'=HYPERLINK("http://x")',
        "'+1+1",
        "'@SUM(A1)",
    )
    stored = json.loads(run("history", "--json").output)[0]
    assert {k: stored[k] for k in formulas} == formulas


@pytest.mark.parametrize("start", ["-", "\t", "\r"])
def test_csv_neutralises_each_formula_start(tmp_path: Path, start: str) -> None:
    """Each character a spreadsheet treats as a formula start gets the quote prefix."""
    export = evil_export(tmp_path, note=f"{start}2+3 cmd|' /C calc'!A0")
    assert run("history", "import", str(export)).exit_code == 0
    row = next(csv.DictReader(io.StringIO(run("history", "--csv").output)))
    assert row["note"] == f"'{start}2+3 cmd|' /C calc'!A0"


EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b31m"
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m"


@pytest.mark.parametrize("columns", ["100", "50"], ids=["table", "narrow"])
def test_history_prints_imported_text_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    """An imported routine name and note show their control characters as text, wide or narrow."""
    monkeypatch.setenv("COLUMNS", columns)
    export = evil_export(tmp_path, routine=f"r{EVIL}", note=f"n{EVIL}")
    assert run("history", "import", str(export)).exit_code == 0
    result = run("history")
    assert_escaped(result, "r\\x1b]0;pwned")
    if columns == "100":
        assert "n\\x1b]0;pwned" in result.output


def test_delete_and_stats_print_imported_text_escaped(tmp_path: Path) -> None:
    """delete's confirmation and stats' self-check table show imported text escaped."""
    check = {"test": "t", "question": f"q{EVIL}", "side": "none", "answer": f"a{EVIL}", "rank": 0}
    export = evil_export(tmp_path, routine=f"r{EVIL}", self_checks=[check])
    assert run("history", "import", str(export)).exit_code == 0
    stats = run("stats")
    assert_escaped(stats, f"Self-check: q{SHOWN}")
    deleted = run("history", "delete", "1", "-y")
    assert_escaped(deleted, f"Deleted session 1: r{SHOWN}")


def test_error_messages_print_file_names_escaped(tmp_path: Path) -> None:
    """A file whose name holds an escape sequence is named escaped in every message."""
    path = tmp_path / f"x{EVIL}.yaml"
    path.write_text("title: [\n")
    assert_escaped(run("validate", str(path)), f"x{SHOWN}.yaml:")
    assert_escaped(run("show", str(path)), f"x{SHOWN}.yaml:")
    assert_escaped(run("history", "import", str(path)), f"x{SHOWN}.yaml")
    assert_escaped(run("history", "export", str(path)), f"x{SHOWN}.yaml already exists")


def test_rich_markup_in_a_routine_is_printed_as_written(tmp_path: Path) -> None:
    """Square brackets in a description are text, not rich markup that could make a link."""
    path = tmp_path / "markup.yaml"
    path.write_text(
        'title: "[bold]T[/bold]"\n'
        'description: "see [link=https://evil.example]here[/link]"\n'
        "steps:\n  - note: hi\n"
    )
    result = run("show", str(path))
    assert result.exit_code == 0
    assert "see [link=https://evil.example]here[/link]" in result.output


def test_markdown_handout_escapes_html_pipes_and_newlines(tmp_path: Path) -> None:
    """show --markdown keeps file text as text: HTML escaped, no cell split or ended early."""
    path = tmp_path / "md.yaml"
    path.write_text(
        'title: "<script>alert(1)</script> & co"\n'
        "steps:\n"
        '  - hold: 30s\n    exercise: {name: "Wall | lean <i>"}\n'
        '    dose_note: "one|two\\nthree"\n'
    )
    result = run("show", str(path), "--markdown")
    assert result.exit_code == 0
    assert "# &lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in result.output
    assert "<script>" not in result.output and "<i>" not in result.output
    row = next(line for line in result.output.splitlines() if line.startswith("| 1 |"))
    assert "Wall \\| lean &lt;i&gt;" in row
    assert "one\\|two<br>three" in row
    assert row.count("|") - row.count("\\|") == 5


INVISIBLE = ["\u202e", "\u202a", "\u2066", "\u2067", "\u2068", "\u2069", "\u200b", "\u200d"]
INVISIBLE += ["\u200e", "\u200f", "\ufeff", "\u2060", "\u061c"]
"""Bidirectional controls and zero-width characters: they show nothing yet change the text."""


@pytest.mark.parametrize("char", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_a_file_with_an_invisible_character_is_refused_at_its_place(
    tmp_path: Path, char: str
) -> None:
    """An invisible character, written raw or as a YAML escape, is refused at file:line:column
    with its field, and named escaped."""
    raw = tmp_path / "raw.yaml"
    raw.write_text(f"title: ok\nsteps:\n  - note: left{char}right\n", encoding="utf-8")
    quoted = tmp_path / "quoted.yaml"
    quoted.write_text(f'title: "ok\\u{ord(char):04x}"\nsteps:\n  - note: hi\n')
    result = run("validate", str(raw), str(quoted))
    assert result.exit_code == 1
    assert char not in result.output
    shown = f"\\u{ord(char):04x}"
    assert_escaped(
        result,
        f"{raw}:3:15: invisible character {shown} is not allowed",
        f"{quoted}:1:8: title: invisible character {shown} is not allowed",
    )


def test_exercise_and_config_files_refuse_invisible_characters(
    user_routine: Callable[[str, str], Path], psoas_home: Path
) -> None:
    """Exercise files and config.yaml are held to the same rule as routines."""
    (psoas_home / "routines" / "exercises").mkdir(parents=True)
    user_routine("exercises/trick.yaml", "id: trick\nname: Safe\u202eexe.txt\n")
    listed = run("list", "--exercises")
    assert "exercises/trick.yaml:2:11: invisible character \\u202e" in listed.output
    (psoas_home / "config.yaml").write_text("stats:\n  goal\u200b: 3\n", encoding="utf-8")
    result = run("stats")
    assert result.exit_code == 1
    assert "config.yaml:2:7: invisible character \\u200b" in result.output


def test_a_byte_order_mark_at_the_start_of_a_file_is_only_its_signature(tmp_path: Path) -> None:
    """A BOM as a Windows editor writes it, first in the file, is not refused; one inside is."""
    path = tmp_path / "windows.yaml"
    path.write_bytes("\ufefftitle: ok\nsteps:\n  - note: hi\n".encode())
    assert run("validate", str(path)).exit_code == 0


def test_imported_history_text_prints_invisible_characters_escaped(tmp_path: Path) -> None:
    """A session imported with bidirectional and zero-width characters shows them escaped in
    the table, stats and delete's message, and the JSON export keeps them whole."""
    sneaky = "r\u202eab\u2066\u200b\ufeff"
    shown = "r\\u202eab\\u2066\\u200b\\ufeff"
    check = {"test": "t", "question": f"q{sneaky}", "side": "none", "answer": "a", "rank": 0}
    export = evil_export(tmp_path, routine=sneaky, note=sneaky, self_checks=[check])
    assert run("history", "import", str(export)).exit_code == 0
    assert json.loads(run("history", "--json").output)[0]["note"] == sneaky
    for result in (run("history"), run("stats"), run("history", "delete", "1", "-y")):
        assert not [c for c in INVISIBLE if c in result.output], result.output
        assert shown in result.output.replace("\n", "").replace(" ", "")


LINKING = (
    'title: "Click [here](https://evil.example) ![i](https://evil.example/i.png)"\n'
    'description: "Visit https://evil.example, www.evil.example or a@evil.example; '
    '<https://evil.example> mailto:a@evil.example a ` b https://evil.example ` c"\n'
    'source: "[x]: https://evil.example"\n'
    "steps:\n"
    "  - hold: 30s\n"
    '    exercise: {name: "Lean [here](http://evil.example) | www.evil.example"}\n'
    '    dose_note: "see [x] | http://evil.example"\n'
)


def test_markdown_handout_makes_no_link_from_file_text(tmp_path: Path) -> None:
    """Link, image and reference syntax in a shared file render as text, and every word a
    renderer would link by itself (a URL, www., an address) is in a code span."""
    from markdown_it import MarkdownIt  # noqa: PLC0415 - rich's own Markdown parser

    path = tmp_path / "links.yaml"
    path.write_text(LINKING)
    result = run("show", str(path), "--markdown")
    assert result.exit_code == 0
    html = MarkdownIt("commonmark").enable("table").render(result.output)
    assert "<a " not in html and "<img" not in html
    outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    assert not re.search(r"://|www\.|@", outside_code), outside_code
    shown = re.sub(r"<[^>]+>", "", html)
    assert "Click [here](https://evil.example) ![i](https://evil.example/i.png)" in shown
    assert "[x]: https://evil.example" in shown and "see [x] | http://evil.example" in shown
    assert "a ` b https://evil.example ` c" in shown
