"""About-me forms typed in from paper (Run a session), against a real SQLite database."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from services import about_me
from store.db import connect, dispose
from store.roster import create_group, create_member, create_program
from store.schema import self_descriptions

PROGRAM, GROUP = "Recovery", "RC-1"


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'paper.sqlite'}"
    engine = connect(url)
    create_program(engine, PROGRAM)
    create_group(engine, PROGRAM, GROUP)
    for code in ("P1", "P2", "P3"):
        create_member(engine, code, group=GROUP, program=PROGRAM)
    about_me.set_asked(url, None, PROGRAM, ["gender", "age_band"])
    yield url
    dispose(url)


def stored(url: str) -> pd.DataFrame:
    with connect(url).connect() as c:
        return pd.DataFrame(c.execute(sa.select(self_descriptions)).mappings().all())


def test_a_bad_cell_is_named_and_nothing_is_stored_until_it_is_corrected(url):
    grid = about_me.paper_grid(url, PROGRAM, ["P1", "P2", "P3"])
    assert list(grid.columns) == [
        "member",
        "gender",
        "gender: own words",
        "age_band",
        "age_band: own words",
    ]
    grid.loc[0, ["gender", "age_band"]] = ["mujer", "26-35"]  # Spanish words are understood
    grid.loc[1, ["gender", "gender: own words"]] = ["femal", "in my words"]
    with pytest.raises(about_me.PaperAboutMeError) as caught:
        about_me.save_paper(url, grid, PROGRAM, "facilitator1")
    assert caught.value.problems == [
        "row 2 (member P2), column gender: 'femal' is not one of 'woman', 'man', "
        "'non-binary', 'transgender', 'prefer not to say'; leave it empty if skipped"
    ]
    assert stored(url).empty
    grid.loc[1, "gender"] = "prefer not to say"
    assert about_me.save_paper(url, grid, PROGRAM, "facilitator1") == 2  # P3's row is empty
    rows = stored(url)
    assert set(rows["mode"]) == {"staff-entered"} and set(rows["entered_by"]) == {"facilitator1"}
    p1 = rows[rows["member_id"] == 1].set_index("question")["choice"].to_dict()
    assert p1 == {"gender": "woman", "age_band": "26-35"}
    # Members typed in are not offered again; P3, whose row was empty, still is.
    assert about_me.paper_grid(url, PROGRAM, ["P1", "P2", "P3"])["member"].tolist() == ["P3"]
