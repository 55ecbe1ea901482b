"""House rules checked by tools: lint, formatting, strict typing, the terminal boundary."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        ("ruff", "check", "reuse", "tests", "benchmarks"),
        ("ruff", "format", "--check", "reuse", "tests", "benchmarks"),
        ("mypy",),
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_passes(command: tuple[str, ...]) -> None:
    result = _run(*command)
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_cli_and_terminal_import_typer_or_rich() -> None:
    allowed = {ROOT / "reuse" / "cli.py", ROOT / "reuse" / "render" / "terminal.py"}
    for path in (ROOT / "reuse").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        talks = any(
            line.lstrip().startswith(("import typer", "from typer", "import rich", "from rich"))
            for line in source.splitlines()
        )
        assert not talks or path in allowed, path
