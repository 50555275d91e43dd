"""The built-in instrument library: every file loads, ids are consistent, the Mutuality
instruments are written in plain English with Spanish text, norms are well-formed."""

from __future__ import annotations

from pathlib import Path

import pytest
import textstat

from measures import builtin_instruments, detect_instrument, load_instrument, load_instrument_file
from measures.library import INSTRUMENTS_DIR

FILES = sorted(INSTRUMENTS_DIR.glob("*.yaml"))
MUTUALITY = ["mutuality-checkin", "mutuality-followup", "relational-connection"]
EXPECTED = {
    "bam",
    "core10",
    "gad7",
    "gcq-s",
    "k10",
    "mutuality-checkin",
    "mutuality-followup",
    "phq9",
    "relational-connection",
    "ucla3",
    "who5",
}


def test_library_holds_the_expected_instruments():
    assert {path.stem for path in FILES} == EXPECTED
    assert [i.id for i in builtin_instruments()] == sorted(EXPECTED)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_each_file_loads_and_its_id_matches_the_file_name(path: Path):
    instrument = load_instrument_file(path)
    assert instrument.id == path.stem
    assert instrument.citation.strip() and instrument.license.strip()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_item_ids_follow_the_instrument_id(path: Path):
    instrument = load_instrument_file(path)
    prefix = instrument.id.replace("-", "") + "_"
    for item in instrument.items:
        assert item.id.startswith(prefix), item.id
        assert item.id.removeprefix(prefix).isdigit(), item.id


def test_item_ids_are_unique_across_the_library():
    seen: dict[str, str] = {}
    for instrument in builtin_instruments():
        for item_id in instrument.item_ids:
            assert item_id not in seen, f"{item_id} in both {seen.get(item_id)} and {instrument.id}"
            seen[item_id] = instrument.id


def test_an_instrument_is_found_from_its_item_columns():
    assert detect_instrument(["member", "timepoint", "GCQS_1", "gcqs_2"]).id == "gcq-s"
    assert detect_instrument(["member", "mutualitycheckin_10"]).id == "mutuality-checkin"


@pytest.mark.parametrize("instrument_id", MUTUALITY)
def test_mutuality_items_are_plain_english_with_spanish_text(instrument_id: str):
    instrument = load_instrument(instrument_id)
    assert not instrument.normed
    assert instrument.note == "written for Mutuality; not normed"
    for item in instrument.items:
        assert item.text and item.text.get("en") and item.text.get("es"), item.id
        grade = textstat.flesch_kincaid_grade(item.text["en"])
        assert grade <= 6, f"{item.id}: FK grade {grade} > 6: {item.text['en']!r}"
        assert item.theme, item.id
    labels = instrument.response_scale.labels
    assert set(labels) == {"en", "es"}
    assert len(labels["en"]) == len(labels["es"]) == 5


def test_checkin_items_are_in_the_documented_order():
    checkin = load_instrument("mutuality-checkin")
    assert checkin.item_ids == [f"mutualitycheckin_{n}" for n in range(1, 11)]
    assert checkin.use == "per-session"
    assert [i.id for i in checkin.items if i.reverse] == [
        "mutualitycheckin_9",
        "mutualitycheckin_10",
    ]
    themes = [i.theme for i in checkin.items]
    assert themes[:3] == ["mutual empathy", "mutual empathy", "authenticity"]
    scales = {s.id: s.items for s in checkin.scales}
    assert scales["connection"] == [
        "mutualitycheckin_1",
        "mutualitycheckin_2",
        "mutualitycheckin_10",
    ]
    assert scales["authenticity"] == ["mutualitycheckin_3", "mutualitycheckin_9"]
    assert scales["good_things"] == [f"mutualitycheckin_{n}" for n in range(4, 9)]
    assert checkin.scale("total").max_missing == 2
    # total contains the three subscales: the condition for omega hierarchical
    assert {s.id for s in checkin.subscales_of("total")} == {
        "connection",
        "authenticity",
        "good_things",
    }


def test_relational_connection_structure():
    rc = load_instrument("relational-connection")
    assert rc.item_ids == [f"relationalconnection_{n}" for n in range(1, 25)]
    assert rc.use == "pre-post"
    assert [i.id for i in rc.items if i.reverse] == [
        f"relationalconnection_{n}" for n in range(19, 25)
    ]
    assert "less isolated" in rc.scale("isolation").name
    assert len(rc.subscales_of("total")) == 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_norms_name_existing_scales_and_give_a_source(path: Path):
    instrument = load_instrument_file(path)
    scale_ids = {s.id for s in instrument.scales}
    for scale_id, norm in instrument.norms.items():
        assert scale_id in scale_ids
        assert len(norm.source) > 20
    if not instrument.normed:
        assert not instrument.norms


def test_published_scoring_facts():
    # Reverse keys: CORE-10's two positively worded items; none on WHO-5 and K10.
    assert [i.id for i in load_instrument("core10").items if i.reverse] == ["core10_2", "core10_3"]
    assert not any(i.reverse for i in load_instrument("who5").items)
    assert not any(i.reverse for i in load_instrument("k10").items)
    # Published norms (Kroenke 2001; Spitzer 2006; Barkham 2013; Hughes 2004; Topp 2015).
    assert load_instrument("phq9").norms["total"].reliability == 0.89
    assert load_instrument("phq9").norms["total"].cutoff == 10
    assert load_instrument("gad7").norms["total"].reliability == 0.92
    assert load_instrument("gad7").norms["total"].cutoff == 10
    assert load_instrument("core10").norms["total"].cutoff == 11
    assert load_instrument("core10").norms["total"].reliability == 0.90
    assert load_instrument("ucla3").norms["total"].reliability == 0.72
    assert load_instrument("who5").norms["total"].cutoff == 13
    # Response scales.
    ranges = {i.id: (i.response_scale.min, i.response_scale.max) for i in builtin_instruments()}
    assert ranges["k10"] == (1, 5) and ranges["who5"] == (0, 5) and ranges["gcq-s"] == (0, 6)
    assert ranges["ucla3"] == (1, 3) and ranges["core10"] == (0, 4)
    gcqs = load_instrument("gcq-s")
    assert gcqs.scale("engaged").items == ["gcqs_1", "gcqs_2", "gcqs_4", "gcqs_8", "gcqs_11"]
    assert gcqs.scale("avoiding").items == ["gcqs_3", "gcqs_5", "gcqs_9"]
    assert gcqs.scale("conflict").items == ["gcqs_6", "gcqs_7", "gcqs_10", "gcqs_12"]
    # GCQ-S: per-scale limits add up to the published "more than 4 missing" form rule.
    assert sum(s.max_missing for s in gcqs.scales) == 4


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scoring_only_definitions_ship_no_item_wording(path: Path):
    instrument = load_instrument_file(path)
    if instrument.id not in MUTUALITY:
        assert all(item.text is None for item in instrument.items)
