"""YAML text to position-tracking nodes, safely and within fixed limits.

The composer is driven by parser events rather than ``yaml.compose`` so that deep nesting,
huge files and alias bombs are refused with a clear message before any recursion or
expansion happens, and so that every value keeps its line and column for error messages.
Only plain scalars, lists and mappings are accepted; any explicit tag that would build a
Python object is an error and is never executed. Merge keys (``<<: *base``) are resolved
here, as each mapping closes, so later readers see plain mappings. Control characters are
refused, written raw or as YAML escapes ("\\e", "\\x9b"), since every text in these files
ends up on a terminal, which would obey them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

import yaml

from psoas_cli.errors import Problem, RoutineFileError
from psoas_cli.text import CONTROL_CHARS, UNSAFE_CHARS, escaped, may_hold_unsafe, pattern, visible

MAX_BYTES = 1_000_000
MAX_DEPTH = 40
MAX_NODES = 50_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_SCALAR_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_COLLECTION_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOOL = "tag:yaml.org,2002:bool"
"""A key YAML reads as true or false (yes: under run in config.yaml) keeps its text."""
_IMPLICIT_STARTS = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)
_RESOLVER: Any = yaml.resolver.Resolver()
"""YAML's own resolver, shared: the safe loaders, Python's and libyaml's, resolve with it."""
_COLLECTION_STARTS = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_COLLECTION_ENDS = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


class _MergeKey:
    """The value of a ``<<`` key until its mapping closes and the merge replaces it."""

    def __str__(self) -> str:
        return "<<"


MERGE_KEY = _MergeKey()


class Node(NamedTuple):
    """A parsed value with where it starts in the file (1-based line and column).

    A NamedTuple rather than a frozen dataclass: files are read by the thousand, and a
    tuple is several times cheaper to build.
    """

    line: int
    column: int
    value: object = None
    items: list[Node] | None = None
    pairs: list[tuple[Node, Node]] | None = None
    written: str | None = None
    """For a plain scalar YAML read as a number, true/false or null: the text as written.

    YAML 1.1 reads 030 as 24, 1:30 as 90 and yes as true; readers look at the text to
    refuse what was misread and to name the value as the person wrote it.
    """


class _Builder:
    """The state of one event-driven compose: open containers, anchors and counts."""

    __slots__ = ("anchors", "documents", "escapes", "filename", "merged", "nodes", "root", "stack")

    def __init__(self, filename: str, *, escapes: bool) -> None:
        self.filename = filename
        # Whether the text has a backslash: only an escape in double quotes can put into a
        # value a character that the check of the raw text did not see.
        self.escapes = escapes
        self.stack: list[tuple[Node, list[Node]]] = []
        self.anchors: dict[str, Node] = {}
        self.root: Node | None = None
        self.nodes = 0
        self.merged = 0
        self.documents = 0

    def fail(self, mark: Any, message: str) -> RoutineFileError:
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        return RoutineFileError([Problem(self.filename, line, column, "", message)])

    def path(self, scalar: str) -> str:
        """The field path (like steps[0].note) of ``scalar``, about to be added, for messages.

        Worked out from the open containers only when a message needs it, so reading a good
        file costs nothing more. A key names itself.
        """
        path = ""
        for depth, (node, pending_key) in enumerate(self.stack):
            last = depth == len(self.stack) - 1
            if node.items is not None:
                path += f"[{len(node.items) - (0 if last else 1)}]"
                continue
            assert node.pairs is not None
            if not last:
                key = node.pairs[-1][0].value
            else:
                key = pending_key[0].value if pending_key else scalar
            name = visible(str(key))
            path += f".{name}" if path else name
        return path

    def add(self, node: Node, anchor: str | None, mark: Any) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.fail(mark, f"more than {MAX_NODES:,} values; a routine file is far smaller")
        if anchor is not None:
            self.anchors[anchor] = node
        if not self.stack:
            self.root = node
            return
        parent, pending_key = self.stack[-1]
        if parent.items is not None:
            parent.items.append(node)
        elif pending_key:
            assert parent.pairs is not None
            parent.pairs.append((pending_key.pop(), node))
        else:
            pending_key.append(node)

    def at_key(self) -> bool:
        """Whether the next value is a mapping's key: only there is ``<<`` a merge key."""
        if not self.stack:
            return False
        parent, pending_key = self.stack[-1]
        return parent.pairs is not None and not pending_key

    def close(self) -> None:
        """End the innermost open list or mapping, resolving any merge keys in a mapping."""
        node, _ = self.stack[-1]
        if node.pairs is not None and any(key.value is MERGE_KEY for key, _ in node.pairs):
            self.merge(node)
        self.stack.pop()

    def merge(self, node: Node) -> None:
        """Put the merged mappings' fields in place of each ``<<`` key, as YAML's merge does.

        Keys written in the mapping win, then earlier merged mappings over later ones, so
        the result never holds a key twice that the file did not. Copied fields count
        against a budget: a chain of merges could otherwise copy quadratically many.
        """
        assert node.pairs is not None
        seen = {_key(key) for key, _ in node.pairs if key.value is not MERGE_KEY}
        merged: list[tuple[Node, Node]] = []
        for key, value in node.pairs:
            if key.value is not MERGE_KEY:
                merged.append((key, value))
                continue
            for source in self.merge_sources(value):
                for pair in source.pairs or ():
                    identity = _key(pair[0])
                    if pair[0].value is MERGE_KEY or (identity is not None and identity in seen):
                        continue
                    seen.add(identity)
                    merged.append(pair)
                    self.merged += 1
                    if self.merged > MAX_NODES:
                        raise self.fail_at(
                            value,
                            f"merge keys copy more than {MAX_NODES:,} values; "
                            "a routine file is far smaller",
                        )
        node.pairs[:] = merged

    def merge_sources(self, value: Node) -> list[Node]:
        """The mappings a ``<<`` key names: one mapping, or a list of them."""
        sources = value.items if value.items is not None else [value]
        if all(source.pairs is not None for source in sources):
            return sources
        raise self.fail_at(
            value,
            "a merge key (<<) takes a mapping or a list of mappings, like <<: *base; "
            f"got {_kind(value)}",
            self.path(str(MERGE_KEY)),
        )

    def fail_at(self, node: Node, message: str, path: str = "") -> RoutineFileError:
        return RoutineFileError([Problem(self.filename, node.line, node.column, path, message)])

    def open(self, node: Node, anchor: str | None, mark: Any) -> None:
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(mark, f"values are nested more than {MAX_DEPTH} levels deep")
        self.add(node, anchor, mark)
        self.stack.append((node, []))


def read_yaml(data: bytes, filename: str) -> Node | None:
    """Parse one YAML document into nodes; None for an empty document.

    Raises RoutineFileError for anything that is not a small, plain YAML text file.
    """
    if len(data) > MAX_BYTES:
        message = f"file is larger than the {MAX_BYTES:,}-byte limit"
        raise RoutineFileError([Problem(filename, 1, 1, "", message)])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = "not a UTF-8 text file (is it a YAML routine?)"
        raise RoutineFileError([Problem(filename, line, column, "", message)]) from None
    _refuse_raw_control(text, filename)
    try:
        return _compose(text, filename, _Loader)
    except _TabInBlockText:
        return _compose(text, filename, yaml.SafeLoader)


class _TabInBlockText(Exception):
    """libyaml refused a tab that starts a line of block text (| or >), after its indentation.

    The YAML spec allows it and PyYAML's own parser reads it as text, so the file is read
    again with that parser rather than told it is indented with a tab; that costs time only
    for the few files with such a tab.
    """


def _compose(text: str, filename: str, loader_class: Any) -> Node | None:
    """Drive one parser over ``text``, building nodes; errors become RoutineFileError."""
    builder = _Builder(filename, escapes="\\" in text)
    loader = loader_class(text)
    try:
        while loader.check_event():
            _apply(builder, loader, loader.get_event())
    except yaml.MarkedYAMLError as exc:
        if loader_class is not yaml.SafeLoader and _is_tab_in_block_text(exc):
            raise _TabInBlockText from None
        raise builder.fail(exc.problem_mark, _syntax_message(exc, text)) from None
    except yaml.YAMLError as exc:
        raise builder.fail(None, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    return builder.root


def _is_tab_in_block_text(exc: yaml.MarkedYAMLError) -> bool:
    return exc.context == "while scanning a block scalar" and "tab" in (exc.problem or "")


def _refuse_raw_control(text: str, filename: str) -> None:
    """Refuse a control or invisible character written into the file, at its line and column.

    Checked before YAML reads the text, whose own error would name a position in bytes.
    A carriage return is a line end (Windows files) and never reaches a value, so it stays.
    """
    if not may_hold_unsafe(text):
        return
    for match in pattern(UNSAFE_CHARS).finditer(text):
        if match.group() == "\r":
            continue
        start = match.start()
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        raise RoutineFileError([Problem(filename, line, column, "", _unsafe(match.group()))])


def _unsafe(char: str) -> str:
    """Why ``char`` is refused: a terminal acts on a control character; an invisible one
    reorders or hides the text around it, so what is shown is not what is written."""
    if pattern(CONTROL_CHARS).fullmatch(char):
        return (
            f"control character {escaped(char)} is not allowed: a terminal would act on it "
            "(change its title, clear the screen, hide text); remove it"
        )
    return (
        f"invisible character {escaped(char)} is not allowed: it would reorder or hide the "
        "text around it, so the screen would not show what the file says; remove it"
    )


def _apply(builder: _Builder, loader: Any, event: Any) -> None:
    mark = event.start_mark
    if isinstance(event, yaml.ScalarEvent):
        escaped_in = builder.escapes and may_hold_unsafe(event.value)
        bad = pattern(UNSAFE_CHARS).search(event.value) if escaped_in else None
        if bad is not None:
            problem = Problem(
                builder.filename,
                mark.line + 1,
                mark.column + 1,
                builder.path(event.value),
                _unsafe(bad.group()),
            )
            raise RoutineFileError([problem])
        tag = _tag(loader, yaml.ScalarNode, event, event.value)
        if tag not in _SCALAR_TAGS and tag != _MERGE_TAG:
            raise builder.fail(mark, _unsupported(str(event.tag)))
        if tag == _MERGE_TAG:
            node = Node(mark.line + 1, mark.column + 1, MERGE_KEY if builder.at_key() else "<<")
        elif tag == _BOOL and builder.at_key():
            node = Node(mark.line + 1, mark.column + 1, event.value)
        else:
            node = _scalar(loader, tag, event, mark)
        builder.add(node, event.anchor, mark)
    elif isinstance(event, yaml.DocumentStartEvent):
        builder.documents += 1
        if builder.documents > 1:
            raise builder.fail(mark, "a routine file holds one YAML document; remove the '---'")
    elif isinstance(event, _COLLECTION_STARTS):
        is_map = isinstance(event, yaml.MappingStartEvent)
        if _tag(loader, yaml.MappingNode if is_map else yaml.SequenceNode, event, None) not in (
            _COLLECTION_TAGS
        ):
            raise builder.fail(mark, _unsupported(str(event.tag)))
        node = (
            Node(mark.line + 1, mark.column + 1, pairs=[])
            if is_map
            else Node(mark.line + 1, mark.column + 1, items=[])
        )
        builder.open(node, event.anchor, mark)
    elif isinstance(event, _COLLECTION_ENDS):
        builder.close()
    elif isinstance(event, yaml.AliasEvent):
        target = builder.anchors.get(str(event.anchor))
        if target is None:
            raise builder.fail(mark, f"alias *{event.anchor} names no anchor defined before it")
        builder.add(target, None, mark)


def _key(node: Node) -> tuple[type, object] | None:
    """What makes two keys the same key (1 and true differ); None for a list or mapping key."""
    if node.items is not None or node.pairs is not None:
        return None
    return (type(node.value), node.value)


def _kind(node: Node) -> str:
    """A value's kind, as a message names it."""
    if node.pairs is not None:
        return "a mapping"
    if node.items is not None:
        return "a list of other values"
    if node.value is None:
        return "nothing"
    return "text" if isinstance(node.value, str) else f"the single value {node.value}"


def _unsupported(tag: str) -> str:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return f"unsupported YAML tag {shown}; only plain text, numbers, lists and mappings are read"


def _tag(loader: Any, kind: type[yaml.Node], event: Any, value: str | None) -> str:
    """The tag a value would get: its explicit one, or the one YAML resolves it to."""
    if event.tag not in (None, "!"):
        return str(event.tag)
    if kind is yaml.ScalarNode:
        plain = event.implicit[0]
        if not plain or (value or "")[:1] not in _IMPLICIT_STARTS:
            return _STR
        return _implicit_tag(value or "", event.implicit)
    return str(loader.resolve(kind, value, event.implicit))


@lru_cache(maxsize=4096)
def _implicit_tag(value: str, implicit: tuple[bool, bool]) -> str:
    """The tag YAML gives a plain scalar, kept for the next file: routine files repeat the
    same few numbers and durations, and resolving tries a list of regular expressions."""
    return str(_RESOLVER.resolve(yaml.ScalarNode, value, implicit))


def _scalar(loader: Any, tag: str, event: Any, mark: Any) -> Node:
    """Build a scalar node; timestamps stay text, since no routine field is a date."""
    line, column = mark.line + 1, mark.column + 1
    if tag in (_STR, "tag:yaml.org,2002:timestamp"):
        return Node(line, column, event.value)
    value = loader.construct_object(yaml.ScalarNode(tag, event.value), deep=True)
    return Node(line, column, value, written=event.value)


def _syntax_message(exc: yaml.MarkedYAMLError, text: str) -> str:
    problem = exc.problem or "not valid YAML"
    mark = exc.problem_mark
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        return "a tab character is used for indentation; YAML needs spaces"
    context = f" {exc.context}" if exc.context else ""
    return f"not valid YAML:{context} {problem}".replace("  ", " ")
