"""Running a session: groups and sessions, attendance, and the answers members give in it.

The "Run a session" page, the kiosk and the phone form call these; they never touch the
store themselves. Members answer the per-session check-in on the kiosk or a phone (one
administration each, "self-completed" or "read aloud"), or on paper, typed in afterwards by
a staff member (mode "staff-entered", `entered_by` naming who typed them in).

Paper forms are checked with the same rule as spreadsheets (`measures.refused_answers`):
when any value is refused nothing is stored and every refused cell is listed. A grid row
left entirely blank is a member who handed in no form.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from measures import CHECKIN, Instrument, load_instrument, refused_answers
from services.selection import engine_for
from store.administrations import Administration
from store.db import StoreError
from store.sessions import SessionInfo

__all__ = [
    "CHECKIN",
    "PAPER_MODE",
    "PaperEntryError",
    "SessionInfo",
    "SessionRoster",
    "StoreError",
]

#: How paper forms are recorded.
PAPER_MODE = "staff-entered"

#: What `save_member_answers` says happened.
STORED = "stored"
SESSION_CLOSED = "session_closed"
ALREADY_ANSWERED = "already_answered"
SAVE_FAILED = "save_failed"


# From answers to administrations ----------------------------------------------------------


def timepoint_of(session_number: int) -> str:
    """The timepoint label of a per-session check-in (as in the demo data: ``session-3``)."""
    return f"session-{session_number}"


def roster_code(typed: str | None, roster: list[str]) -> str | None:
    """The roster's code a member typed, ignoring case and surrounding spaces.

    Codes are stored as the facilitator gave them (``PR-A-02``); a member on a phone types
    ``pr-a-02 `` just as often. An exact match wins; otherwise the one code that matches
    without regard to case. None when no code, or more than one, matches.

    Examples
    --------
    >>> roster_code(" pr-a-02 ", ["PR-A-01", "PR-A-02"])
    'PR-A-02'
    >>> roster_code("zz", ["PR-A-01"]) is None
    True
    """
    text = (typed or "").strip()
    if not text:
        return None
    if text in roster:
        return text
    matches = [code for code in roster if code.strip().casefold() == text.casefold()]
    return matches[0] if len(matches) == 1 else None


def build_administration(
    *,
    member: str,
    instrument: Instrument,
    session: SessionInfo,
    answers: dict[str, float | None],
    mode: str,
    entered_by: str | None = None,
    language: str | None = None,
) -> Administration:
    """The administration a member gives in a session (on the kiosk, a phone or paper).

    Items the member skipped are stored as skipped (None), in questionnaire order;
    `language` is the one the member answered in ("en", "es"), when known.
    """
    return Administration(
        member=member,
        instrument=instrument.id,
        instrument_version=instrument.version,
        timepoint=timepoint_of(session.number),
        answers={item: answers.get(item) for item in instrument.item_ids},
        group=session.group,
        program=session.program,
        session=session.number,
        date=session.date,
        mode=mode,
        entered_by=entered_by,
        language=language,
    )


# Groups and sessions ------------------------------------------------------------------------


def group_sessions(url: str | None, group_id: int) -> list[SessionInfo]:
    """The sessions of a group, by number."""
    from store.sessions import group_sessions as stored

    return stored(engine_for(url), group_id)


def session_by_id(url: str | None, session_id: int | None) -> SessionInfo | None:
    """The session with this database id (None when there is none)."""
    from store.sessions import get_session

    if session_id is None:
        return None
    return get_session(engine_for(url), session_id)


def create_next_session(
    url: str | None, group: str, program: str | None, date: dt.date | None
) -> SessionInfo:
    """Add the group's next session (its highest number + 1), not yet open.

    Raises StoreError (its message can be shown) when the group does not exist.
    """
    from store.sessions import create_next_session as create

    return create(engine_for(url), group, program, date)


def open_for_phones(
    url: str | None, session_id: int, new_code: Callable[[], str], *, renew: bool = False
) -> SessionInfo:
    """Open the session for members' phones under a fresh code drawn by `new_code`.

    A session already open with a code keeps it (a QR code on screen stays valid) unless
    `renew`, for a code that has expired.
    """
    from store.sessions import open_with_new_code

    return open_with_new_code(engine_for(url), session_id, new_code, renew=renew)


def end_session(url: str | None, session_id: int) -> None:
    """End a session: members can no longer answer in it and its phone code stops working."""
    from store.sessions import close_session

    close_session(engine_for(url), session_id)


def code_expired(url: str | None, join_code: str | None) -> bool:
    """For the facilitator's screen: True when an open session's phone code no longer works."""
    from access.join_codes import session_code_expired

    return session_code_expired(engine_for(url), join_code)


def join(url: str | None, code: str | None, browser: str, *, joined: bool = False):
    """The open session a phone's code belongs to, or why it is refused (access.join_codes).

    `browser` is an `access.join_codes.browser_key`; `joined` says this browser session was
    already let in with the same code, so guessing limits are not applied again.
    """
    from access.join_codes import check_join_code

    return check_join_code(engine_for(url), code, browser, joined=joined)


# Attendance and who has answered -----------------------------------------------------------


@dataclass(frozen=True)
class SessionRoster:
    """A session's group roster, its attendance register and who has answered."""

    #: Every member code of the group, sorted.
    members: list[str]
    #: Member code -> present, for members whose attendance is recorded.
    attendance: dict[str, bool]
    #: Codes of members who answered the instrument in this session.
    answered: set[str] = field(default_factory=set)

    @property
    def present(self) -> list[str]:
        """Members ticked present, or the whole roster when no register was taken (sorted)."""
        if self.attendance:
            return sorted(code for code, here in self.attendance.items() if here)
        return list(self.members)

    @property
    def waiting(self) -> list[str]:
        """Members present who have not answered yet (sorted)."""
        return [code for code in self.present if code not in self.answered]


def session_roster(
    url: str | None, session: SessionInfo, instrument: str = CHECKIN
) -> SessionRoster:
    """The roster, attendance and answers of `instrument` in `session`."""
    from store.sessions import answered_members, attendance_of, group_roster

    engine = engine_for(url)
    return SessionRoster(
        members=group_roster(engine, session.group_id) if session.group_id else [],
        attendance=attendance_of(engine, session.id),
        answered=answered_members(engine, session.id, instrument),
    )


def take_attendance(url: str | None, session: SessionInfo, present: dict[str, bool]) -> int:
    """Record who is here (member code -> present); returns the marks written.

    Recording again overwrites the earlier marks (a facilitator correcting the register).
    """
    from store.sessions import record_attendance

    return record_attendance(
        engine_for(url), session.group, session.number, present, program=session.program
    )


def add_member_present(url: str | None, session: SessionInfo, code: str) -> str:
    """Add a member code to the session's group on the spot and mark them present.

    Returns the code as stored. Raises StoreError (its message can be shown) for an empty
    code or one that belongs to another group.
    """
    from store.roster import create_member
    from store.sessions import record_attendance

    engine = engine_for(url)
    create_member(engine, code, group=session.group, program=session.program)
    stored = code.strip()
    record_attendance(
        engine, session.group, session.number, {stored: True}, program=session.program
    )
    return stored


# Answers from the kiosk and phones -------------------------------------------------------


def save_member_answers(
    url: str | None,
    session_id: int,
    member: str,
    answers: dict[str, float | None],
    *,
    read_aloud: bool,
    kiosk: bool,
    instrument: str | Instrument = CHECKIN,
    language: str | None = None,
) -> str:
    """Store a member's answers from the member form; says what happened.

    `language` is the one the member answered in ("en", "es"): a grouping of the Context
    page and of `dif` (is the Spanish check-in measuring what the English one does?).

    `STORED` (also when the same answers were already stored), `SESSION_CLOSED` (the
    session is gone, or a phone's session was ended while the member answered: nothing is
    stored), `ALREADY_ANSWERED` (this member answered in the session before) or
    `SAVE_FAILED`. The administration is "read aloud" when the member used the read-aloud
    button, else "self-completed".
    """
    from store.administrations import save_administration
    from store.sessions import answered_members, get_session

    definition = load_instrument(instrument)
    engine = engine_for(url)
    current = get_session(engine, session_id)
    if current is None or (not kiosk and not current.is_open):
        return SESSION_CLOSED
    if member in answered_members(engine, session_id, definition.id):
        return ALREADY_ANSWERED
    administration = build_administration(
        member=member,
        instrument=definition,
        session=current,
        answers=answers,
        mode="read aloud" if read_aloud else "self-completed",
        language=language,
    )
    try:
        result = save_administration(engine, administration)
    except ValueError:
        return SAVE_FAILED
    return STORED if result.status in ("stored", "unchanged") else SAVE_FAILED


# Paper forms --------------------------------------------------------------------------------


class PaperEntryError(ValueError):
    """Paper forms that cannot be stored; `.problems` lists each reason (nothing stored)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            f"{len(problems)} problem(s); nothing was saved. Correct them and save again:\n"
            + "\n".join(f"  {p}" for p in problems)
        )


def blank_grid(member_codes: list[str], instrument: Instrument) -> pd.DataFrame:
    """An empty entry grid: a ``member`` column and one text column per item.

    Cells start as empty text, not None, so the grid shows blank cells rather than "None".
    """
    grid = pd.DataFrame({"member": pd.Series(member_codes, dtype=object)})
    for item_id in instrument.item_ids:
        grid[item_id] = pd.Series([""] * len(member_codes), dtype=object)
    return grid


def _cell(value: object) -> object:
    """A typed cell as entered, with empty text and whitespace read as blank (skipped)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, str):
        stripped = value.strip().replace(",", ".")  # 3,0 typed with a Spanish keyboard
        return stripped or None
    return value


def paper_administrations(
    grid: pd.DataFrame,
    instrument: Instrument,
    session: SessionInfo,
    entered_by: str | None = None,
) -> list[Administration]:
    """The administrations in a filled-in grid (blank rows skipped).

    Raises
    ------
    PaperEntryError
        Listing every refused value (text, out of range, between two answers) by member and
        question number; no administration is returned then.
    """
    cells = grid.copy()
    for item_id in instrument.item_ids:
        cells[item_id] = cells[item_id].map(_cell).astype(object)
    cells["timepoint"] = timepoint_of(session.number)
    position = {item_id: n for n, item_id in enumerate(instrument.item_ids, start=1)}
    problems = [
        f"member {r.member}, question {position[r.item]}: {r.value!r} {r.reason}"
        for r in refused_answers(cells, instrument)
    ]
    if problems:
        raise PaperEntryError(problems)
    administrations = []
    for _, row in cells.iterrows():
        answers = {
            item_id: (None if pd.isna(row[item_id]) else float(row[item_id]))
            for item_id in instrument.item_ids
        }
        if all(value is None for value in answers.values()):
            continue
        administrations.append(
            build_administration(
                member=str(row["member"]),
                instrument=instrument,
                session=session,
                answers=answers,
                mode=PAPER_MODE,
                entered_by=entered_by,
            )
        )
    return administrations


def save_paper_forms(
    url: str | None,
    grid: pd.DataFrame,
    session: SessionInfo,
    *,
    entered_by: str | None,
    instrument: str | Instrument = CHECKIN,
) -> int:
    """Store the forms typed into a paper grid, all or none; returns how many were stored.

    `entered_by` names the staff member who typed them in (kept on each administration and
    in the audit trail). Raises PaperEntryError listing every refused value, an empty grid,
    or forms that differ from answers already stored; nothing is stored then.
    """
    from store.administrations import save_administrations

    definition = load_instrument(instrument)
    batch = paper_administrations(grid, definition, session, entered_by=entered_by)
    if not batch:
        raise PaperEntryError(["The grid is empty: type at least one form."])
    result = save_administrations(engine_for(url), batch, source="paper forms")
    if not result.committed:
        raise PaperEntryError([str(conflict) for conflict in result.conflicts])
    return len(batch)


# The chart of a group's check-ins -----------------------------------------------------------
