"""The scale benchmark's own plumbing: a run that dies is reported, not a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import scale


def test_a_failed_run_says_why_and_the_table_shows_it() -> None:
    with pytest.raises(scale.ChildFailed, match=r"exit status 1 .*Error"):
        scale._run_child(["reuse"])  # no corpus named: the child fails
    row = {"articles": 1_000_000, "failed": "reuse run failed after 9 s: killed"}
    lines = scale.table([row]).splitlines()
    assert lines[1].split() == ["1,000,000", "reuse", "run", "failed", "after", "9", "s:", "killed"]


def test_a_run_says_on_stderr_which_stage_it_reached(tmp_path: Path) -> None:
    """What a killed run's report ends with: the last stage it reached."""
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        "".join(f'{{"id": "a{n}", "text": "word{n} shared words here"}}\n' for n in range(3)),
        encoding="utf-8",
    )
    child = [sys.executable, "-m", "benchmarks.scale", "--child", "reuse"]
    done = subprocess.run(
        [*child, str(articles), str(tmp_path / "out.jsonl"), "-", "1"],
        cwd=scale.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    reached = [line for line in done.stderr.splitlines() if line.startswith("reached ")]
    assert reached[:2] == ["reached reading", "reached fingerprinting"]
    assert '"articles": 3' in done.stdout
