"""Repair steps are appended, never overwritten, and leave with a withdrawn member."""

import pytest

from store.repairs import load_steps, program_settings, record_step, set_program_settings
from store.roster import create_group, create_member, create_program, list_groups
from store.withdrawal import withdraw_member


@pytest.fixture
def group_id(engine):
    create_program(engine, "Recovery", substance_use=True)
    create_group(engine, "Recovery", "R-1")
    for code in ("R01", "R02"):
        create_member(engine, code, group="R-1", program="Recovery")
    return int(list_groups(engine)["id"].iloc[0])


def save(engine, group_id, member="R01", who="fac1", note=None, step="attempted"):
    return record_step(
        engine,
        group_id=group_id,
        member=member,
        session=4,
        kind="acute",
        step=step,
        actions=["Checked in one-to-one"],
        note=note,
        who=who,
    )


def test_two_facilitators_saving_at_once_both_keep_their_step(engine, group_id):
    save(engine, group_id, who="fac1", note="Talked after group.")
    save(engine, group_id, who="fac2", note="She said the joke hurt.")
    steps = load_steps(engine, with_notes=True)
    assert steps["who"].tolist() == ["fac1", "fac2"]
    assert steps["note"].tolist() == ["Talked after group.", "She said the joke hurt."]
    assert steps["actions"].iloc[0] == ["Checked in one-to-one"]
    assert (steps["group"] == "R-1").all() and (steps["program"] == "Recovery").all()


def test_notes_are_read_only_when_asked_for(engine, group_id):
    save(engine, group_id, note='=HYPERLINK("http://x")')
    assert load_steps(engine)["note"].isna().all()
    assert load_steps(engine, with_notes=True)["note"].iloc[0] == '=HYPERLINK("http://x")'


def test_a_member_of_another_group_is_refused(engine, group_id):
    from store.db import StoreError

    with pytest.raises(StoreError, match="not in this group"):
        save(engine, group_id, member="nobody")
    assert load_steps(engine).empty


def test_a_whole_group_record_has_no_member(engine, group_id):
    save(engine, group_id, member=None)
    assert load_steps(engine)["member"].isna().all()


def test_withdrawing_a_member_deletes_their_steps(engine, group_id):
    save(engine, group_id, member="R01", note="private")
    save(engine, group_id, member="R02")
    withdraw_member(engine, "R01", who="admin")
    assert load_steps(engine, with_notes=True)["member"].tolist() == ["R02"]


def test_a_programs_repair_settings_replace_the_defaults_one_at_a_time(engine, group_id):
    assert program_settings(engine) == {}
    set_program_settings(engine, "Recovery", "admin", actions=["Called the member", "Named it"])
    set_program_settings(engine, "Recovery", "admin", window=3)
    set_program_settings(engine, "Recovery", "admin", actions=["Named it"])
    settings = program_settings(engine)["Recovery"]
    assert (settings.actions, settings.window) == (["Named it"], 3)


def test_steps_are_kept_to_the_groups_asked_for(engine, group_id):
    save(engine, group_id)
    assert len(load_steps(engine, [group_id])) == 1
    assert load_steps(engine, []).empty
