"""Shared fixtures, and the rule that CI fails when any test was skipped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from benchmarks.pan13 import TARBALL, corpus_root
from reuse.model import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def missing(what: str) -> None:
    """A test's resource is absent: in CI that is a failure; locally the test is skipped
    (and named in the summary) so the rest of the suite still runs."""
    if not os.environ.get("CI"):
        pytest.skip(what)
    pytest.fail(f"CI must provide {what}")


@pytest.fixture(scope="session")
def pan13() -> Path:
    root = corpus_root()
    if root is None:
        missing(f"the PAN 2013 corpus at {TARBALL} (or set REUSE_PAN13)")
    assert root is not None
    return root


CHROMIUM = Path(os.environ.get("REUSE_CHROMIUM", "/usr/bin/chromium"))
# Headless, offline, quiet: no first-run, background networking, updates or sync.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    try:
        from playwright import sync_api
    except ImportError:
        missing("Playwright (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        missing(f"Chromium at {CHROMIUM} (apt-get install chromium, or set REUSE_CHROMIUM)")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def seed_documents() -> list[Document]:
    return [
        Document(p.name, p.read_bytes().decode("utf-8"), path=str(p))
        for p in sorted(SEEDS.glob("*.txt"))
    ]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # In CI every dependency is installed, so a skip means a test did not run.
    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped:
        reporter.write_line(f"CI: {skipped} test(s) skipped; in CI every test must run.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
