"""The whole pipeline on seeds/ against checked-in expected output.

On a difference the actual output is written next to the expected file (git-ignored)
so the change can be read with a diff tool, and the message says how to accept it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from reuse.cli import app
from tests.conftest import ROOT

GOLDEN = Path(__file__).parent / "golden"


def check_golden(actual: bytes, name: str) -> None:
    expected_path = GOLDEN / name
    actual_path = expected_path.with_suffix(".actual" + expected_path.suffix)
    expected = expected_path.read_bytes() if expected_path.exists() else b""
    if actual != expected:
        actual_path.write_bytes(actual)
        pytest.fail(
            f"output differs from {expected_path}; actual written to {actual_path}. "
            f"If the change is intended: mv {actual_path} {expected_path}"
        )
    actual_path.unlink(missing_ok=True)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_seeds_match_golden(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(app, ["compare", "seeds", "--format", fmt])
    assert result.exit_code == 0, result.stderr
    check_golden(result.stdout_bytes, f"seeds.{fmt}")


def test_seeds_html_report_matches_golden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(ROOT)
    report = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["compare", "seeds", "-f", "jsonl", "--html", str(report)])
    assert result.exit_code == 0, result.stderr
    check_golden(report.read_bytes(), "seeds.html")
