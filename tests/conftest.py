"""Shared fixtures, and the rule that CI fails when any test was skipped."""

from __future__ import annotations

import os
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reuse.model import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
PAN13_TAR = Path(
    os.environ.get("REUSE_PAN13", ROOT.parent / "shared" / "data" / "pan13-train.tar.xz")
)
PAN13_DIR = ROOT / ".cache" / "pan13"


def pan13_root() -> Path | None:
    """Unpack the PAN 2013 training corpus once into .cache/ and return its train/ folder."""
    done = PAN13_DIR / ".complete"
    if done.exists():
        return PAN13_DIR / "train"
    if not PAN13_TAR.exists():
        return None
    PAN13_DIR.mkdir(parents=True, exist_ok=True)
    with tarfile.open(PAN13_TAR, "r:xz") as tar:
        tar.extractall(PAN13_DIR, filter="data")
    done.touch()
    return PAN13_DIR / "train"


@pytest.fixture(scope="session")
def pan13() -> Path:
    root = pan13_root()
    if root is None:
        pytest.skip(f"PAN 2013 corpus not found at {PAN13_TAR} (set REUSE_PAN13)")
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
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set REUSE_CHROMIUM)")
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
