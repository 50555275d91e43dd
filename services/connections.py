"""Round robins in a session: who rates whom, their ratings, and what the facilitator sees.

A facilitator switches a session's round robin on (Run a session). After the check-in each
member present is asked, once, for the name the others will see (never their member code;
they may decline to be rated), then how connected they felt today with each other member
present who may be rated, on the check-in's 1-5 scale, each skippable. Nobody sees anyone
else's ratings. The facilitator sees the session's connection map and how mutual the
connections are (analysis.srm), for their own groups only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from access.roles import RUN_SESSIONS, PermissionDeniedError
from analysis.srm import MIN_MEMBERS, RoundRobinError, srm_group, usable_members
from services.selection import engine_for
from store.sessions import SessionInfo

#: The rating scale: the check-in's (1 Not at all ... 5 Very much).
SCALE = (1, 2, 3, 4, 5)
#: A rating at or above this is a felt connection on the map.
CONNECTED = 4


def set_asked(url: str | None, user, session_id: int, asked: bool) -> None:
    """Switch the session's round robin on or off (staff who run sessions)."""
    from store.connections import set_round_robin

    if user is not None and not user.can(RUN_SESSIONS):
        raise PermissionDeniedError("only a facilitator or administrator runs a session")
    set_round_robin(engine_for(url), session_id, asked)


@dataclass(frozen=True)
class RatingsDue:
    """What a member is asked after the check-in: their name (if not chosen), then people."""

    needs_name: bool
    #: (member code, display name) of the others present who may be rated; a screen shows
    #: the display names only.
    people: list[tuple[str, str]] = field(default_factory=list)


def ratings_due(url: str | None, session: SessionInfo, code: str) -> RatingsDue | None:
    """What member `code` is asked after the check-in at `session` (None: no round robin)."""
    from store.connections import display_name, people_to_rate, rated_by

    if not session.round_robin:
        return None
    engine = engine_for(url)
    if code in rated_by(engine, session.id):
        return None
    return RatingsDue(
        needs_name=display_name(engine, code) is None,
        people=people_to_rate(engine, session.id, code),
    )


def save_name(url: str | None, code: str, name: str, may_be_rated: bool) -> None:
    """Store the display name member `code` chose (ValueError when it cannot be used)."""
    from store.connections import set_display_name
    from store.db import StoreError

    try:
        set_display_name(engine_for(url), code, name, may_be_rated)
    except StoreError as error:
        raise ValueError(str(error)) from None


def save_member_ratings(
    url: str | None, session: SessionInfo, code: str, ratings: Mapping[str, float | None]
) -> int:
    """Store member `code`'s ratings (target code -> 1-5; None skipped) at `session`.

    ValueError for a value off the scale or someone the member may not rate (absent, or
    declined to be rated).
    """
    from store.connections import people_to_rate, save_ratings

    engine = engine_for(url)
    allowed = {c for c, _ in people_to_rate(engine, session.id, code)}
    given = {t: v for t, v in ratings.items() if v is not None}
    for target, value in given.items():
        if target not in allowed:
            raise ValueError(f"{target} is not someone this member can rate today")
        if value not in SCALE:
            raise ValueError(f"{value!r} is not on the 1-5 scale")
    return save_ratings(engine, session.id, code, given)


@dataclass
class ConnectionsView:
    """A session's round robin as its facilitator sees it."""

    raters: int
    ratings: pd.DataFrame
    #: Pairs with ``mutual`` (both felt connected), ``one_way`` (one did) for the map.
    ties: pd.DataFrame
    #: Each session's relationship covariance as a correlation (dyadic reciprocity).
    reciprocity: pd.DataFrame
    #: Members who feel connected to few and whom few feel connected to.
    isolated: list[str]
    reading: str
    notes: list[str] = field(default_factory=list)


def session_connections(url: str | None, user, session: SessionInfo) -> ConnectionsView:
    """The connection map, reciprocity over sessions and the isolation signal of a group."""
    from services.selection import own_group_ids
    from store.connections import session_ratings

    own = own_group_ids(user)
    if own is not None and session.group_id not in own:
        raise PermissionDeniedError("a facilitator sees only their own groups")
    ratings = session_ratings(engine_for(url), [session.group_id])
    today = ratings[ratings["session"] == session.number]
    notes: list[str] = []
    reciprocity = []
    for number, part in ratings.groupby("session", sort=True):
        value = _reciprocity(part)
        if value is not None:
            reciprocity.append({"session": int(number), "reciprocity": value})
    reciprocity = pd.DataFrame(reciprocity, columns=["session", "reciprocity"])
    raters = today["perceiver"].nunique()
    ties = _ties(today)
    isolated = _isolated(today)
    reading = _reading(raters, reciprocity, session.number)
    if raters and raters < MIN_MEMBERS:
        notes.append(
            f"How mutual the connections are needs at least {MIN_MEMBERS} members rating "
            f"each other; {raters} have rated so far."
        )
    return ConnectionsView(raters, today, ties, reciprocity, isolated, reading, notes)


def _reciprocity(part: pd.DataFrame) -> float | None:
    from analysis.srm import round_robin_matrix

    matrix, _ = usable_members(round_robin_matrix(part, "connection"))
    if len(matrix) < MIN_MEMBERS:
        return None
    try:
        component = srm_group(matrix, missing=True).component("relationship covariance")
    except RoundRobinError:
        return None
    return component.standardized


def _ties(today: pd.DataFrame) -> pd.DataFrame:
    felt = today[today["connection"] >= CONNECTED]
    pairs = set(zip(felt["perceiver"], felt["target"], strict=True))
    rows = []
    for a, b in sorted(pairs):
        if (b, a) in pairs:
            if a < b:
                rows.append({"from": a, "to": b, "kind": "mutual"})
        else:
            rows.append({"from": a, "to": b, "kind": "one-way"})
    return pd.DataFrame(rows, columns=["from", "to", "kind"])


def _isolated(today: pd.DataFrame) -> list[str]:
    """Members who feel connected to few and whom few feel connected to.

    Few: at most a fifth of the others rated (rounded down), both ways; a member who rated
    nobody is not judged.
    """
    if today.empty:
        return []
    members = sorted(set(today["perceiver"]) | set(today["target"]))
    few = (len(members) - 1) // 5
    felt = today[today["connection"] >= CONNECTED]
    out_ties = felt.groupby("perceiver").size()
    in_ties = felt.groupby("target").size()
    rated = set(today["perceiver"])
    return [
        m for m in members if m in rated and out_ties.get(m, 0) <= few and in_ties.get(m, 0) <= few
    ]


def _reading(raters: int, reciprocity: pd.DataFrame, number: int) -> str:
    if not raters:
        return "No member has rated their connection with the others at this session yet."
    if reciprocity.empty:
        return f"{raters} member(s) have rated their connection with the others."
    first, last = reciprocity.iloc[0], reciprocity.iloc[-1]
    if len(reciprocity) == 1 or first["session"] == last["session"]:
        return (
            f"Dyadic reciprocity at session {int(last['session'])}: {last['reciprocity']:.2f} "
            "(how much two members' feelings of connection with each other go together)."
        )
    direction = "more" if last["reciprocity"] > first["reciprocity"] else "less"
    return (
        f"Connections became {direction} mutual: dyadic reciprocity went from "
        f"{first['reciprocity']:.2f} at session {int(first['session'])} to "
        f"{last['reciprocity']:.2f} at session {int(last['session'])}."
    )


def groups_table(url: str | None, user, program: str | None, group: str | None) -> pd.DataFrame:
    """Each group's round robins combined: how members see and are seen, how mutual it is.

    One row per group with ratings (its sessions combined by size − 1, analysis.srm), in
    words: members who rated, round robins, the perceiver, target and relationship shares of
    the variance, and dyadic reciprocity (the relationship covariance as a correlation) with
    its p. No member appears. For a user who may not see member codes, a group whose round
    robins rest on fewer than 5 members shows no figure.
    """
    from analysis.srm import round_robin_matrix, srm_groups
    from privacy.suppression import MIN_CELL_SIZE
    from services import published
    from services.selection import own_group_ids, visible_groups
    from store.connections import session_ratings

    table = visible_groups(url, user)
    if program:
        table = table[table["program"] == program]
    if group:
        table = table[table["name"] == group]
    own = own_group_ids(user)
    ids = [int(i) for i in table["id"] if own is None or int(i) in own]
    ratings = session_ratings(engine_for(url), ids) if ids else pd.DataFrame()
    rows = []
    hides = published.applies_to(user)
    for name, part in ratings.groupby("group", sort=True) if len(ratings) else []:
        matrices = {}
        for number, one in part.groupby("session"):
            matrix, _ = usable_members(round_robin_matrix(one, "connection"))
            if len(matrix) >= MIN_MEMBERS:
                matrices[str(number)] = matrix
        members = part["perceiver"].nunique()
        if hides and members < MIN_CELL_SIZE:
            rows.append({"Group": name, "Members who rated": "fewer than 5: not shown"})
            continue
        if not matrices:
            rows.append({"Group": name, "Members who rated": str(members)})
            continue
        result = srm_groups(matrices, missing=True)
        share = {c.component: c for c in result.components}
        mutual = share["relationship covariance"]
        rows.append(
            {
                "Group": name,
                "Members who rated": str(members),
                "Round robins": len(matrices),
                "Perceiver variance (share)": share["perceiver variance"].standardized,
                "Target variance (share)": share["target variance"].standardized,
                "Relationship variance (share)": share["relationship variance"].standardized,
                "Dyadic reciprocity": mutual.standardized,
                "Reciprocity p": mutual.p,
            }
        )
    return pd.DataFrame(rows)


def isolated_now(url: str | None, user) -> pd.DataFrame:
    """Members who seemed isolated at their group's latest round robin (the user's groups).

    Columns: ``group``, ``session``, ``member``: the isolation signal beside the
    disconnection alerts, for staff who may read repair records (members by code).
    """
    from services.repairs import may_read_records
    from services.selection import own_group_ids, visible_groups
    from store.connections import session_ratings

    columns = ["group", "session", "member"]
    if not may_read_records(user):
        return pd.DataFrame(columns=columns)
    own = own_group_ids(user)
    ids = [int(i) for i in visible_groups(url, user)["id"] if own is None or int(i) in own]
    ratings = session_ratings(engine_for(url), ids) if ids else pd.DataFrame()
    rows = []
    for group, part in ratings.groupby("group", sort=True) if len(ratings) else []:
        latest = int(part["session"].max())
        for member in _isolated(part[part["session"] == latest]):
            rows.append({"group": group, "session": latest, "member": member})
    return pd.DataFrame(rows, columns=columns)


def paper_grid(url: str | None, session: SessionInfo) -> pd.DataFrame:
    """An empty ratings grid of the members present: one row per perceiver, a column each.

    For typing in a paper round robin (staff see member codes); a rater's own cell is not
    offered.
    """
    from store.sessions import attendance_of

    present = sorted(c for c, here in attendance_of(engine_for(url), session.id).items() if here)
    grid = pd.DataFrame({"rater": present})
    for code in present:
        grid[code] = None
    return grid


def save_paper_ratings(url: str | None, session: SessionInfo, grid: pd.DataFrame) -> int:
    """Store a typed-in paper round robin (`paper_grid`'s shape), all or nothing.

    A cell is a whole number 1-5 or empty (skipped); a rater's own cell is ignored. Every
    bad cell is named (rater, member, value) and nothing is stored. Returns ratings stored.
    """
    from store.connections import save_ratings, set_round_robin

    problems, plan = [], {}
    for row in grid.to_dict("records"):
        rater = str(row["rater"])
        for target, value in row.items():
            if target == "rater" or target == rater or value is None or value != value:
                continue
            text = str(value).strip()
            if not text:
                continue
            try:
                number = float(text)
            except ValueError:
                number = None
            if number not in SCALE:
                problems.append(f"{rater} of {target}: '{text}' is not a rating from 1 to 5")
                continue
            plan.setdefault(rater, {})[str(target)] = number
    if problems:
        raise ValueError("Nothing was saved. " + "; ".join(problems))
    engine = engine_for(url)
    stored = sum(save_ratings(engine, session.id, rater, given) for rater, given in plan.items())
    if stored:
        set_round_robin(engine, session.id, True)
    return stored
