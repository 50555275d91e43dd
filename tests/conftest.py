"""Shared test fixtures and the rule for optional infrastructure.

Tests that need PostgreSQL or Chromium skip with a reason on a developer's machine that lacks
them; in CI (CI=true) nothing may skip, so a missing server or browser fails the run instead.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFERENCE_DIR = Path(__file__).parent / "reference"
IN_CI = os.environ.get("CI", "").lower() == "true"
#: Flags for headless Chromium in a container (no sandbox, no GPU, no network chatter).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def unavailable(reason: str) -> None:
    """Skip the test with `reason` on a user's machine; fail it in CI, where nothing may skip."""
    if IN_CI:
        pytest.fail(f"required in CI but unavailable: {reason}")
    pytest.skip(reason)


@pytest.fixture
def reference_dir() -> Path:
    """Folder of published reference datasets copied from shared/datasets/reference."""
    return REFERENCE_DIR


@pytest.fixture(scope="module")
def chromium():
    """Headless Chromium for every browser test (end-to-end and page screenshots).

    The system package at ``MUTUALITY_CHROMIUM`` (default /usr/bin/chromium), driven by
    Playwright's Python client without a browser download. Missing: the test skips with the
    reason on a user's machine and fails in CI.
    """
    executable = os.environ.get("MUTUALITY_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        unavailable(f"Chromium not found at {executable} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failed test: a missing browser or server must fail the run."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may skip: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    """The same rule for a whole module skipped at import (pytest.importorskip)."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, where nothing may skip: {report.longrepr}"
