"""A real app server and a real headless Chromium for the end-to-end tests.

The server is `streamlit run serve.py` (app.py with its sign-in cookie route) on a free port,
against a SQLite file seeded with one group (tests/app/session_seed.py). The browser is the
shared ``chromium`` fixture of tests/conftest.py (Debian's package; where it is missing the
tests skip on a user's machine and fail in CI).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.app.session_seed import SeededDatabase, forget, seed_database

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class RunningApp:
    url: str
    port: int
    database: SeededDatabase


def wait_until_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within 60 s:\n{log.read_text()}")


@contextmanager
def serve_app(environment: dict, log: Path, address: str = "127.0.0.1") -> Iterator[str]:
    """`streamlit run serve.py` on a free port with `environment`; yields its local URL.

    `address` 0.0.0.0 serves the room's network, as `make run-room` does.
    """
    port = free_port()
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(ROOT / "serve.py"),
                f"--server.address={address}",
                f"--server.port={port}",
                "--server.headless=true",
                "--server.fileWatcherType=none",
                "--browser.gatherUsageStats=false",
            ],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def running_app(tmp_path) -> Iterator[RunningApp]:
    """The app serving the room's network like `make run-room`, on a seeded database."""
    database = seed_database(tmp_path)
    environment = {**os.environ, "DATABASE_URL": database.url}
    try:
        with serve_app(environment, tmp_path / "streamlit.log", "0.0.0.0") as url:
            yield RunningApp(url=url, port=int(url.rsplit(":", 1)[1]), database=database)
    finally:
        forget(database.url)


@pytest.fixture
def artifacts() -> Path:
    """tests/artifacts/ (ignored by git): screenshots to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
