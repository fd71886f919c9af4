"""The package's folders are its layers, and imports point one way between them.

Shared leaves <- library <- history <- run <- display <- composition (config, session) <- cli.
A module may import from its own layer or any layer to its left, never to its right. Only
``cli.py`` imports click and only ``display/`` imports rich. Every import counts: at the top,
inside a function, or under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "psoas_cli"

LAYERS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "shared leaves",
        frozenset(
            {
                "psoas_cli",
                "psoas_cli.errors",
                "psoas_cli.outcome",
                "psoas_cli.paths",
                "psoas_cli.durations",
                "psoas_cli.limits",
                "psoas_cli.text",
                "psoas_cli.reading",
                "psoas_cli.sound_mode",
                "psoas_cli.value",
                "psoas_cli.collection",
            }
        ),
    ),
    ("library", frozenset({"psoas_cli.library"})),
    ("history", frozenset({"psoas_cli.history"})),
    ("run", frozenset({"psoas_cli.run"})),
    ("display", frozenset({"psoas_cli.display"})),
    ("composition", frozenset({"psoas_cli.config", "psoas_cli.session"})),
    ("command line", frozenset({"psoas_cli.cli", "psoas_cli.__main__", "psoas_cli.launch"})),
)
"""Layers from the bottom up; a name stands for that module or package and all below it."""

ONLY_IMPORTED_BY = {
    "click": "psoas_cli.cli",
    "rich": "psoas_cli.display",
    "_miniaudio": "psoas_cli.run.playback",
}
"""Third-party packages that one module or package alone may import."""


def module_name(path: Path) -> str:
    """The dotted name of a source file in the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def within(module: str, prefix: str) -> bool:
    """Whether a dotted module name is ``prefix`` or lies inside it."""
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int:
    """The index in LAYERS of a psoas module, matched by its longest name."""
    matches = [
        (len(prefix), index)
        for index, (_, members) in enumerate(LAYERS)
        for prefix in members
        if within(module, prefix)
    ]
    assert matches, f"{module} belongs to no layer: add it to LAYERS"
    return max(matches)[1]


RELATIVE = "a relative import"


DYNAMIC_IMPORTS = frozenset({"import_module", "__import__"})
"""Calls that import the module named by their first argument."""


def imports(source: str) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import in a module's source.

    ``from a import b`` yields ``a.b``, since ``b`` may be a module (``from psoas_cli import
    display``); a name that is not one still falls in ``a``'s layer.
    ``importlib.import_module("x")`` and ``__import__("x")`` count when their name is written
    out.
    """
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                yield node.lineno, RELATIVE
                continue
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Call) and _called_name(node.func) in DYNAMIC_IMPORTS:
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _called_name(func: ast.expr) -> str:
    """The name a call is made through: ``f`` for ``f(...)`` and ``a.f(...)``."""
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def violations(module: str, source: str) -> list[str]:
    """Each import in ``source`` that breaks the layering or the click and rich rules."""
    found: list[str] = []
    own_layer = layer_of(module)
    for line, target in imports(source):
        if target == RELATIVE:
            found.append(f"{module}:{line} uses {RELATIVE}: write it in full, so its layer shows")
            continue
        where = f"{module}:{line} imports {target}"
        for third_party, owner in ONLY_IMPORTED_BY.items():
            if within(target, third_party) and not within(module, owner):
                found.append(f"{where}: only {owner} may import {third_party}")
        if within(target, "psoas_cli") and layer_of(target) > own_layer:
            found.append(
                f"{where}: the {LAYERS[own_layer][0]} layer may not import "
                f"from the {LAYERS[layer_of(target)][0]} layer above it"
            )
    return found


def package_modules() -> list[Path]:
    """Every Python source file of the package."""
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_belongs_to_a_layer() -> None:
    """Each source file falls in exactly one named layer, so none escapes the check."""
    modules = package_modules()
    assert len(modules) > 30
    for path in modules:
        layer_of(module_name(path))


@pytest.mark.parametrize("path", package_modules(), ids=module_name)
def test_imports_point_one_way(path: Path) -> None:
    """No module imports from a layer above its own, nor click or rich outside their homes."""
    assert violations(module_name(path), path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("module", "source", "complaint"),
    [
        (
            "psoas_cli.history.store",
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from psoas_cli.run.engine import RunReport\n",
            "psoas_cli.history.store:3 imports psoas_cli.run.engine.RunReport: the history "
            "layer may not import from the run layer above it",
        ),
        (
            "psoas_cli.library.plan",
            "def f():\n    import rich.text\n",
            "psoas_cli.library.plan:2 imports rich.text: only psoas_cli.display may import rich",
        ),
        (
            "psoas_cli.session",
            "import click\n",
            "psoas_cli.session:1 imports click: only psoas_cli.cli may import click",
        ),
        (
            "psoas_cli.run.engine",
            "from ..display import live\n",
            "psoas_cli.run.engine:1 uses a relative import: write it in full, so its layer shows",
        ),
        (
            "psoas_cli.durations",
            "from psoas_cli.library import model\n",
            "psoas_cli.durations:1 imports psoas_cli.library.model: the shared leaves layer "
            "may not import from the library layer above it",
        ),
        (
            "psoas_cli.library.plan",
            "from psoas_cli import display\n",
            "psoas_cli.library.plan:1 imports psoas_cli.display: the library layer may not "
            "import from the display layer above it",
        ),
        (
            "psoas_cli.history.stats",
            "import importlib\nimportlib.import_module('psoas_cli.run.engine')\n",
            "psoas_cli.history.stats:2 imports psoas_cli.run.engine: the history layer may not "
            "import from the run layer above it",
        ),
        (
            "psoas_cli.run.keys",
            "__import__('rich')\n",
            "psoas_cli.run.keys:1 imports rich: only psoas_cli.display may import rich",
        ),
    ],
)
def test_a_forbidden_import_is_caught(module: str, source: str, complaint: str) -> None:
    """The check fails on an upward import, however it is written, and says what and where."""
    assert violations(module, source) == [complaint]


def test_imports_within_and_below_a_layer_are_allowed() -> None:
    """Importing from the own layer, a lower one, or the standard library is no violation."""
    source = (
        "import sqlite3\nfrom psoas_cli.history.stats import Stats\n"
        "from psoas_cli.library.model import Side\nfrom psoas_cli import __version__\n"
    )
    assert violations("psoas_cli.history.store", source) == []
