"""What a facilitator sees of a round robin: ties, who seems isolated, reciprocity in words."""

from __future__ import annotations

import datetime as dt

import pytest

from access.accounts import StaffUser
from access.roles import PermissionDeniedError
from services import connections
from store.connections import save_ratings, set_display_name, set_round_robin
from store.db import connect, dispose
from store.roster import create_group, create_member, create_program
from store.sessions import create_session, get_session, record_attendance

GROUP = "RC-1"
CODES = ("A", "B", "C", "D")
#: perceiver -> {target: rating}: A and B feel connected both ways; C feels connected with A
#: (one way); nobody feels connected with D, and D with nobody.
RATINGS = {
    "A": {"B": 5, "C": 2, "D": 2},
    "B": {"A": 4, "C": 3, "D": 1},
    "C": {"A": 5, "B": 3, "D": 2},
    "D": {"A": 2, "B": 3, "C": 3},
}


@pytest.fixture
def session(tmp_path):
    url = f"sqlite:///{tmp_path / 'rr.sqlite'}"
    engine = connect(url)
    create_program(engine, "Recovery")
    create_group(engine, "Recovery", GROUP)
    for code in CODES:
        create_member(engine, code, group=GROUP, program="Recovery")
    session_id = create_session(engine, GROUP, 2, dt.date(2026, 2, 2), program="Recovery")
    record_attendance(engine, GROUP, 2, dict.fromkeys(CODES, True), program="Recovery")
    set_round_robin(engine, session_id, True)
    for code in CODES:
        set_display_name(engine, code, f"name {code.lower()}")
    for perceiver, given in RATINGS.items():
        save_ratings(engine, session_id, perceiver, given)
    yield url, get_session(engine, session_id)
    dispose(url)


def test_the_map_draws_mutual_and_one_way_ties_and_names_who_seems_isolated(session):
    url, current = session
    view = connections.session_connections(url, None, current)
    assert view.raters == 4
    ties = {(t["from"], t["to"], t["kind"]) for t in view.ties.to_dict("records")}
    assert ties == {("A", "B", "mutual"), ("C", "A", "one-way")}
    # Few: at most a fifth of the 3 others, so none: D feels connected with nobody and
    # nobody with D; C feels connected with A, so C is not isolated.
    assert view.isolated == ["D"]
    assert view.reading.startswith("Dyadic reciprocity at session 2:")


def test_a_facilitator_of_another_group_sees_nothing(session):
    url, current = session
    stranger = StaffUser("other", "facilitator", frozenset({999}))
    with pytest.raises(PermissionDeniedError):
        connections.session_connections(url, stranger, current)


def test_ratings_off_the_scale_or_of_someone_absent_are_refused(session):
    url, current = session
    with pytest.raises(ValueError, match="not on the 1-5 scale"):
        connections.save_member_ratings(url, current, "A", {"B": 7})
    with pytest.raises(ValueError, match="not someone this member can rate"):
        connections.save_member_ratings(url, current, "A", {"Z": 3})


def test_a_paper_round_robin_is_stored_all_or_nothing(session):
    from store.connections import session_ratings
    from store.db import connect

    url, current = session
    grid = connections.paper_grid(url, current)
    assert list(grid.columns) == ["rater", *CODES] and list(grid["rater"]) == list(CODES)
    grid.loc[0, "B"] = "4"
    grid.loc[1, "A"] = "9"
    with pytest.raises(ValueError, match="B of A: '9' is not a rating from 1 to 5"):
        connections.save_paper_ratings(url, current, grid)
    before = len(session_ratings(connect(url)))
    grid.loc[1, "A"] = "5"
    grid.loc[2, "C"] = "3"  # a rater's own cell is ignored
    assert connections.save_paper_ratings(url, current, grid) == 2
    after = session_ratings(connect(url)).set_index(["perceiver", "target"])["connection"]
    assert after.loc[("A", "B")] == 4 and after.loc[("B", "A")] == 5
    assert len(after) == before  # the two replace earlier ratings of the same pairs
