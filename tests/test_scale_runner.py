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


def test_a_run_reports_the_memory_all_its_processes_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Measured from outside, four times a second: with one worker, one process, whose
    proportional set size is at most its resident size and at least the interpreter's
    (/dev/shm, which other programs may fill meanwhile, left out)."""
    monkeypatch.setattr(scale, "_shm_used", lambda: 0)
    articles = tmp_path / "articles.jsonl"
    articles.write_text(
        "".join(f'{{"id": "a{n}", "text": "word{n} shared words here"}}\n' for n in range(3)),
        encoding="utf-8",
    )
    ran = scale._run_child(["reuse", str(articles), str(tmp_path / "out.jsonl"), "-", "1"])
    if not Path("/proc/self/smaps_rollup").exists():
        assert ran["all_mb"] == 0
        return
    assert 10 < ran["all_mb"] <= ran["peak_rss_mb"] + 1
    row = {"articles": 3, "wall": 1.0, "docs_per_s": 3, "peak_rss_mb": 90, "worker_rss_mb": 0}
    row |= {"all_mb": 85, "candidates_per_article": 0.0, "recall": 1.0, "recall_50_99": 1.0}
    assert scale.table([{**row, "precision": 1.0}]).splitlines()[1].split()[3:6] == [
        "90",
        "0",
        "85",
    ]
