"""The built wheel carries the routines and runs from any folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel once, offline, from a clean copy so no stale build output leaks in."""
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "psoas"
    leftovers = shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache"
    )
    shutil.copytree(ROOT, source, ignore=leftovers)
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    built = subprocess.run(
        [*pip_wheel, "--no-build-isolation", "--wheel-dir", str(out), str(source)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    return next(out.glob("psoas_cli-*.whl"))


def test_wheel_contains_library_and_schema(wheel: Path) -> None:
    """Every routine, exercise and programme file, the index and its marshal copy, and the
    schema, are inside the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "routines").rglob("*.yaml")}
    assert {f"psoas_cli/{name}" for name in shipped} <= names
    assert len(shipped) == 34
    assert "psoas_cli/library/routine.schema.json" in names and "psoas_cli/py.typed" in names
    assert {"psoas_cli/routines/index.json", "psoas_cli/routines/index.marshal"} <= names


def test_installed_wheel_runs_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    """Installed from the wheel and run elsewhere, psoas finds its built-in routines."""
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.path.insert(0, sys.argv[1]); "
            "from psoas_cli.cli import main; sys.argv = ['psoas', 'show', 'daily-10min', '--json']; main()",
            str(target),
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"PSOAS_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "PYTHONSAFEPATH": "1"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"path": "routines/daily-10min.yaml"' in result.stdout
    assert (
        str(target)
        in subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]); import psoas_cli.routines as r; print(r.__file__)",
                str(target),
            ],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONSAFEPATH": "1", "PATH": "/usr/bin:/bin"},
        ).stdout
    )
