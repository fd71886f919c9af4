"""The YAML reader refuses hostile or broken files quickly, clearly and safely."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from psoas_cli.errors import RoutineFileError
from psoas_cli.library.yaml_reader import MAX_BYTES, read_yaml


def problem_text(data: bytes) -> str:
    with pytest.raises(RoutineFileError) as caught:
        read_yaml(data, "bad.yaml")
    return str(caught.value)


def test_positions_are_one_based() -> None:
    """Nodes carry the 1-based line and column people see in an editor."""
    root = read_yaml(b"title: x\nsteps:\n  - hold: 30s\n", "r.yaml")
    assert root is not None and root.pairs is not None
    steps = root.pairs[1][1]
    assert steps.items is not None
    assert (steps.items[0].line, steps.items[0].column) == (3, 5)


def test_empty_document_is_none() -> None:
    """An empty file reads as no document, for the loader to report."""
    assert read_yaml(b"", "empty.yaml") is None
    assert read_yaml(b"# only a comment\n", "empty.yaml") is None


def test_tab_indentation_is_named() -> None:
    """A tab used for indentation is named as such, at its line."""
    assert problem_text(b"title: x\nsteps:\n\t- hold: 3\n") == (
        "bad.yaml:3:1: a tab character is used for indentation; YAML needs spaces"
    )


def test_syntax_error_has_position() -> None:
    """A syntax error names the line and column where the parser stopped."""
    assert problem_text(b"title: [unclosed\n").startswith("bad.yaml:2:1: not valid YAML")


def test_python_tags_are_refused_not_run(tmp_path: Path) -> None:
    """A !!python tag is an error and its code never runs."""
    marker = tmp_path / "ran"
    data = f"title: !!python/object/apply:os.system ['touch {marker}']\n".encode()
    assert problem_text(data) == (
        "bad.yaml:1:8: unsupported YAML tag !!python/object/apply:os.system; "
        "only plain text, numbers, lists and mappings are read"
    )
    assert not marker.exists()


def test_custom_tags_are_refused() -> None:
    """Application tags are refused too; routine files hold plain values."""
    assert "unsupported YAML tag !secret" in problem_text(b"title: !secret x\n")


def test_second_document_is_refused() -> None:
    """A file holds one routine; a second YAML document is pointed at."""
    assert problem_text(b"title: a\n---\ntitle: b\n") == (
        "bad.yaml:2:1: a routine file holds one YAML document; remove the '---'"
    )


def test_alias_bomb_is_cheap() -> None:
    """A billion-laughs file is read without expanding it, in well under a second."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    start = time.perf_counter()
    root = read_yaml("\n".join(lines).encode(), "bomb.yaml")
    assert root is not None
    assert time.perf_counter() - start < 1.0


def test_huge_file_is_refused_before_parsing() -> None:
    """A 10 MB file is refused by size at once."""
    data = b"title: x\n" + b"# padding\n" * 1_000_000
    start = time.perf_counter()
    assert problem_text(data) == f"bad.yaml:1:1: file is larger than the {MAX_BYTES:,}-byte limit"
    assert time.perf_counter() - start < 0.5


def test_binary_junk_is_not_text() -> None:
    """Bytes that are not UTF-8 are reported as not a text file, at the first bad byte."""
    assert problem_text(b"title: ok\n\xff\xfe\x00junk") == (
        "bad.yaml:2:1: not a UTF-8 text file (is it a YAML routine?)"
    )


def test_control_characters_are_refused() -> None:
    """NUL and other control characters give a YAML error, not a crash."""
    assert "control character" in problem_text(b"title: a\x00b\n")


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (b"title: ok\nnote: a\x1b]0;pwned\x07b\n", "bad.yaml:2:8: "),
        (b"title: a\x7fb\n", "bad.yaml:1:9: "),
        ("title: ok\nsteps: [a\u009b2J]\n".encode(), "bad.yaml:2:10: "),
        ("title: a\u0085b\n".encode(), "bad.yaml:1:9: "),
    ],
    ids=["ESC and BEL", "DEL", "C1 CSI", "C1 NEL"],
)
def test_raw_control_characters_are_refused_at_their_place(data: bytes, where: str) -> None:
    """A control byte written into the file is refused at its own line and column, shown escaped."""
    text = problem_text(data)
    assert text.startswith(where + "control character \\x")
    assert not any(c in text for c in "\x1b\x07\x7f\x85\x9b")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'title: "Evil \\e]0;pwned\\a"\n',
            "bad.yaml:1:8: title: control character \\x1b",
        ),
        (
            b'title: ok\nsteps:\n  - note: "x\\x9b2J"\n',
            "bad.yaml:3:11: steps[0].note: control character \\x9b",
        ),
        (
            b'steps:\n  - hold: 1\n  - {rest: 2, tip: "\\r\\0"}\n',
            "bad.yaml:3:20: steps[1].tip: control character \\x0d",
        ),
        (
            b'title: ok\n"bad\\ekey": 1\n',
            "bad.yaml:2:1: bad\\x1bkey: control character \\x1b",
        ),
        (
            b'a:\n  b: [x, "\\x7f"]\n',
            "bad.yaml:2:10: a.b[1]: control character \\x7f",
        ),
    ],
    ids=["ESC in a value", "C1 in a list", "CR and NUL", "ESC in a key", "DEL nested"],
)
def test_escaped_control_characters_are_refused_with_their_field(
    data: bytes, expected: str
) -> None:
    """A YAML escape that makes a control character is refused with its place and field path."""
    text = problem_text(data)
    assert text.startswith(expected)
    assert not any(c in text for c in "\x00\x0d\x1b\x07\x7f\x9b")


def test_tabs_newlines_and_windows_line_ends_are_text() -> None:
    """Tab, newline and CRLF line ends are ordinary text, not refused."""
    root = read_yaml(b'title: "a\\tb\\nc"\r\nnote: |\r\n  x\r\n  y\r\n', "ok.yaml")
    assert root is not None and root.pairs is not None
    assert [value.value for _, value in root.pairs] == ["a\tb\nc", "x\ny\n"]


@pytest.mark.parametrize("opening", ["[", "{a: ", "- "])
def test_deep_nesting_is_refused(opening: str) -> None:
    """Thousands of nested levels are refused without recursion or delay."""
    data = (opening * 5000).encode()
    start = time.perf_counter()
    assert "nested more than 40 levels deep" in problem_text(data)
    assert time.perf_counter() - start < 0.5


def test_alias_to_unknown_anchor() -> None:
    """An alias without its anchor is a clear error."""
    assert problem_text(b"title: *nothing\n") == (
        "bad.yaml:1:8: alias *nothing names no anchor defined before it"
    )
