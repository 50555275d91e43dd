"""A small real database for the session-running page and member-form tests.

One program with one group of four members (codes only) and session 1, in a SQLite file
under pytest's tmp_path, migrated by store/ exactly as the app's own database is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from access import accounts, browser
from store.db import connect, dispose
from store.roster import create_group, create_member
from store.sessions import create_session
from ui import state as keys

PROGRAM = "Recovery program"
GROUP = "Tuesday circle"
MEMBERS = ("M01", "M02", "M03", "M04")
SESSION_DATE = dt.date(2025, 3, 4)
#: A facilitator linked to the group (synthetic test account).
FACILITATOR = "facilitator1"
FACILITATOR_PASSWORD = "tuesday circle kettle"


@dataclass(frozen=True)
class SeededDatabase:
    url: str
    session_id: int


def seed_database(folder: Path) -> SeededDatabase:
    """Create and fill the database file in `folder`; returns its URL and session 1's id."""
    url = f"sqlite:///{folder / 'mutuality-test.sqlite'}"
    engine = connect(url)
    create_group(engine, PROGRAM, GROUP)
    for code in MEMBERS:
        create_member(engine, code, group=GROUP, program=PROGRAM)
    session_id = create_session(engine, GROUP, 1, SESSION_DATE, program=PROGRAM)
    group_id = create_group(engine, PROGRAM, GROUP)  # finds the group made above
    accounts.add_user(
        engine,
        FACILITATOR,
        FACILITATOR_PASSWORD,
        "facilitator",
        by="tests",
        group_ids=[group_id],
    )
    return SeededDatabase(url=url, session_id=session_id)


def sign_in(state, url: str) -> None:
    """Sign the test facilitator in at an AppTest's session state."""
    user = accounts.sign_in(connect(url), FACILITATOR, FACILITATOR_PASSWORD)
    browser.remember_sign_in(state, keys.STAFF_SESSION, user)


def forget(url: str) -> None:
    """Close the cached engine so the next test starts clean."""
    dispose(url)
