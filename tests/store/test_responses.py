"""Reading stored answers: `load_responses` in the long columns, `stored_answers` for checks."""

from __future__ import annotations

import datetime as dt

from store import Administration, load_responses, responses, save_administration
from tests.store.test_administrations import checkin


def test_load_responses_filters(engine):
    day = dt.date(2026, 3, 2)
    for i, (program, group) in enumerate([("P1", "G1"), ("P1", "G2"), ("P2", "G3")]):
        for timepoint, offset in (("pre", 0), ("post", 60)):
            save_administration(
                engine,
                checkin(
                    member=f"M{i}",
                    timepoint=timepoint,
                    group=group,
                    program=program,
                    date=day + dt.timedelta(days=offset + i),
                ),
            )
    save_administration(
        engine,
        Administration("M0", "relational-connection", "1", "pre", {"r1": 2}, group="G1"),
    )

    def members(**filters):
        return sorted(load_responses(engine, **filters)[["member"]].drop_duplicates()["member"])

    assert members(program="P1") == ["M0", "M1"]
    assert members(group=["G2", "G3"]) == ["M1", "M2"]
    assert len(load_responses(engine, instrument="relational-connection")) == 1
    assert set(load_responses(engine, timepoint="post")["timepoint"]) == {"post"}
    window = load_responses(engine, date_from="2026-03-03", date_to=dt.date(2026, 3, 4))
    assert sorted(set(zip(window["member"], window["timepoint"], strict=True))) == [
        ("M1", "pre"),
        ("M2", "pre"),
    ]
    assert window["date"].dt.date.tolist()[0] == dt.date(2026, 3, 3)


def test_stored_answers_for_conflict_checks(engine):
    save_administration(engine, checkin(member="A-01"))
    save_administration(engine, checkin(member="A-02", timepoint="post"))
    stored = responses.stored_answers(
        engine, instrument="mutuality-checkin", members_codes=["A-01"]
    )
    assert stored == {("A-01", "mutuality-checkin", "pre"): {"q1": 3.0, "q2": None, "q3": 5.0}}
