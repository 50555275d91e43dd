"""From answers given in a session to the administration store/ keeps (no Streamlit here)."""

from __future__ import annotations

from measures import Instrument
from store.administrations import Administration
from store.sessions import SessionInfo

#: The per-session questionnaire members answer in the app.
CHECKIN = "mutuality-checkin"


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
) -> Administration:
    """The administration a member gives in a session (on the kiosk, a phone or paper).

    Items the member skipped are stored as skipped (None), in questionnaire order.
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
    )
