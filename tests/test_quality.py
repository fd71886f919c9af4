"""The code style and strict typing gates, so the one test command checks everything CI does."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def tool(name: str) -> list[str]:
    """Run a tool from this environment, whether or not its folder is on PATH."""
    if shutil.which(name, path=str(Path(sys.executable).parent)):
        return [str(Path(sys.executable).parent / name)]
    pytest.fail(f"{name} is not installed; install the test extra: pip install -e '.[test]'")


def test_ruff_lint_and_format() -> None:
    """ruff finds no lint problems and no unformatted files."""
    lint = subprocess.run(
        [*tool("ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    fmt = subprocess.run(
        [*tool("ruff"), "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_strict() -> None:
    """mypy --strict passes on the package, the tests and the benchmarks."""
    result = subprocess.run(
        [sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
