"""Members' about-me answers in the database (SQLite and PostgreSQL): kept with their history,
grouping each administration by the description given by its day, removed on request."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
import sqlalchemy as sa

from services.descriptions import (
    ANSWER_LANGUAGE,
    MODE,
    NOT_GIVEN,
    OWN_WORDS_ONLY,
    PREFER_NOT,
    stored_groupings,
)
from store.administrations import Administration, save_administrations
from store.audit import load_audit
from store.db import StoreError
from store.descriptions import (
    answered_questions,
    asked_questions,
    remove_self_descriptions,
    save_self_description,
    set_asked_questions,
)
from store.roster import create_group, create_member, create_program
from store.schema import self_descriptions
from store.withdrawal import withdraw_member

PROGRAM, GROUP = "Re-entry", "RE-1"
PRE, POST = dt.date(2026, 3, 2), dt.date(2026, 6, 1)


def who5(member: str, timepoint: str, day: dt.date, language: str | None) -> Administration:
    return Administration(
        member=member,
        instrument="who5",
        instrument_version="1",
        timepoint=timepoint,
        answers={f"who5_{i}": 3 for i in range(1, 6)},
        group=GROUP,
        program=PROGRAM,
        date=day,
        mode="self-completed" if language else "staff-entered",
        language=language,
    )


@pytest.fixture
def program(engine):
    create_program(engine, PROGRAM)
    create_group(engine, PROGRAM, GROUP)
    for code in ("A1", "A2", "A3", "A4"):
        create_member(engine, code, group=GROUP, program=PROGRAM)
    save_administrations(
        engine,
        [
            who5(code, timepoint, day, language)
            for code, language in [("A1", "es"), ("A2", "en"), ("A3", None), ("A4", "en")]
            for timepoint, day in [("pre", PRE), ("post", POST)]
        ],
    )
    return engine


def test_a_program_asks_the_questions_an_administrator_chose(program):
    assert asked_questions(program, PROGRAM) == []
    set_asked_questions(program, PROGRAM, ["gender", "age_band"], "admin1")
    assert asked_questions(program, PROGRAM) == ["gender", "age_band"]
    with pytest.raises(StoreError, match="no program 'Nowhere'"):
        set_asked_questions(program, "Nowhere", ["gender"], "admin1")
    event = load_audit(program).iloc[0]
    assert event["action"] == "change about-me questions"
    assert event["detail"]["questions"] == "gender, age_band"


def test_the_description_at_each_administration_is_the_one_that_counts(program):
    # A1 describes themselves at intake, then differently between pre and post.
    save_self_description(program, "A1", {"gender": ("woman", None)}, given_on=PRE)
    save_self_description(
        program, "A1", {"gender": ("non_binary", None)}, given_on=PRE.replace(month=4)
    )
    # A2 prefers not to say; A3 writes own words only; A4 describes themselves after pre only.
    save_self_description(program, "A2", {"gender": ("prefer-not-to-say", None)}, given_on=PRE)
    save_self_description(program, "A3", {"gender": (None, "two-spirit")}, given_on=PRE)
    save_self_description(program, "A4", {"gender": ("man", None)}, given_on=PRE.replace(month=5))
    found = stored_groupings(program, "who5", "gender").set_index(["member", "timepoint"])
    assert found["grouping"].to_dict() == {
        ("A1", "pre"): "woman",
        ("A1", "post"): "non-binary",
        ("A2", "pre"): PREFER_NOT,
        ("A2", "post"): PREFER_NOT,
        ("A3", "pre"): OWN_WORDS_ONLY,
        ("A3", "post"): OWN_WORDS_ONLY,
        ("A4", "pre"): NOT_GIVEN,
        ("A4", "post"): "man",
    }
    # The own words stay in the database: no grouping shows them.
    assert "two-spirit" not in found["grouping"].tolist()
    assert answered_questions(program, "A1") == {"gender"}


def test_language_of_answering_and_mode_are_groupings_too(program):
    by_language = stored_groupings(program, "who5", ANSWER_LANGUAGE)
    assert dict(zip(by_language["member"], by_language["grouping"], strict=True)) == {
        "A1": "Spanish",
        "A2": "English",
        "A3": NOT_GIVEN,
        "A4": "English",
    }
    by_mode = stored_groupings(program, "who5", MODE)
    assert set(by_mode.loc[by_mode["member"] == "A3", "grouping"]) == {"staff-entered"}


def test_removing_or_withdrawing_deletes_every_answer_and_audits_only_counts(program):
    save_self_description(
        program, "A1", {"gender": ("woman", "my words"), "age_band": ("26-35", None)}
    )
    save_self_description(program, "A2", {"gender": ("man", None)})
    assert remove_self_descriptions(program, "A1", "A1") == 2
    event = load_audit(program).iloc[0]
    assert event["action"] == "remove about-me answers"
    assert event["detail"] == {"group": GROUP, "rows": 2}
    assert "my words" not in str(load_audit(program)["detail"].tolist())
    withdraw_member(program, "A2", "admin1")
    with program.connect() as c:
        assert c.execute(sa.select(sa.func.count()).select_from(self_descriptions)).scalar() == 0
    grouped = stored_groupings(program, "who5", "gender")
    assert set(grouped["grouping"]) == {NOT_GIVEN}
    assert isinstance(grouped, pd.DataFrame)


def test_a_transfer_carries_about_me_answers_and_answer_languages_once(program, new_database):
    from store.db import connect
    from store.transfer import dump_database, load_dump

    save_self_description(program, "A1", {"gender": ("woman", "my words")}, given_on=PRE)
    save_self_description(program, "A2", {"gender": ("man", None)}, given_on=PRE)
    target = connect(new_database())
    dump = dump_database(program)
    first = load_dump(target, dump, who="admin1")
    assert first.added["self_descriptions"] == 2
    assert load_dump(target, dump, who="admin1").added_nothing
    moved = stored_groupings(target, "who5", "gender").set_index(["member", "timepoint"])
    assert moved.loc[("A1", "post"), "grouping"] == "woman"
    languages = stored_groupings(target, "who5", ANSWER_LANGUAGE)
    assert set(languages.loc[languages["member"] == "A1", "grouping"]) == {"Spanish"}
