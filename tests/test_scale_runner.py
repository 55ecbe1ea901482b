"""The scale benchmark's own plumbing: a run that dies is reported, not a traceback."""

from __future__ import annotations

import pytest

from benchmarks import scale


def test_a_failed_run_says_why_and_the_table_shows_it() -> None:
    with pytest.raises(scale.ChildFailed, match=r"exit status 1 .*Error"):
        scale._run_child(["reuse"])  # no corpus named: the child fails
    row = {"articles": 1_000_000, "failed": "reuse run failed after 9 s: killed"}
    lines = scale.table([row]).splitlines()
    assert lines[1].split() == ["1,000,000", "reuse", "run", "failed", "after", "9", "s:", "killed"]
