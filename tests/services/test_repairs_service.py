"""The repair loop's use cases on the demo program: who reads what, and steps that stick."""

import pytest

from access.accounts import StaffUser
from access.roles import PermissionDeniedError
from sample_data.demo import load_demo
from services import repairs
from services.selection import data_version, visible_groups


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('repairs') / 'demo.sqlite'}"
    load_demo(url)
    return url


def admin():
    return StaffUser("admin1", "administrator", None)


def facilitator_of(url, group):
    table = visible_groups(url)
    ids = frozenset(int(i) for i in table.loc[table["name"] == group, "id"])
    return StaffUser(f"fac-{group}", "facilitator", ids)


def evaluator():
    return StaffUser("eval1", "evaluator", None)


def view(url, user):
    return repairs.follow_up(url, data_version(url), user=user)


def test_a_facilitator_sees_only_their_groups_records(url):
    everyone = view(url, admin()).records
    group = everyone["group"].iloc[0]
    own = view(url, facilitator_of(url, group)).records
    assert len(own) and set(own["group"]) == {group}
    assert len(own) == (everyone["group"] == group).sum()


def test_an_evaluator_gets_the_counts_and_no_record(url):
    theirs = view(url, evaluator())
    assert theirs.records.empty and not theirs.may_read
    assert theirs.summary == view(url, admin()).summary
    assert theirs.summary["total"] > 0


def test_recording_an_attempt_moves_an_open_record_and_keeps_the_note_as_written(url):
    records = view(url, admin()).records
    undecided = records[records["status"] == "open"]
    assert len(undecided), "the demo has an open disconnection"
    record = undecided.iloc[0]
    user = facilitator_of(url, record["group"])
    note = '=HYPERLINK("http://example.org","x") she said the joke hurt'
    saved = repairs.record_step(
        url,
        user,
        group=record["group"],
        program=None,
        member=record["member"],
        session=int(record["session"]),
        kind=record["kind"],
        step="attempted",
        actions=["Owned a misstep"],
        note=note,
        steps_seen=int(record["steps"]),
    )
    assert saved.others_meanwhile == 0 and "repair attempted" in saved.message
    after = view(url, user).records
    same = after[(after["member"] == record["member"]) & (after["session"] == record["session"])]
    assert same["status"].tolist() == ["attempted"]
    assert same["actions"].iloc[0] == ["Owned a misstep"]
    notes = repairs.notes_for(
        url, user, group=record["group"], program=None, member=record["member"]
    )
    assert notes["note"].tolist()[-1] == note


def test_a_save_after_someone_elses_says_both_are_kept(url):
    record = view(url, admin()).records.iloc[0]
    seen = int(record["steps"])
    user = facilitator_of(url, record["group"])
    common = dict(
        group=record["group"],
        program=None,
        member=record["member"],
        session=int(record["session"]),
        kind=record["kind"],
        step="acknowledged",
        steps_seen=seen,
    )
    repairs.record_step(url, user, **common, note="first")
    second = repairs.record_step(url, admin(), **common, note="second")
    assert second.others_meanwhile == 1
    assert "both kept" in second.message
    notes = repairs.notes_for(
        url, admin(), group=record["group"], program=None, member=record["member"]
    )
    assert {"first", "second"} <= set(notes["note"])


def test_notes_are_closed_to_evaluators_and_other_groups_facilitators(url):
    records = view(url, admin()).records
    record = records.iloc[0]
    other = next(g for g in visible_groups(url)["name"] if g != record["group"])
    for user in (evaluator(), facilitator_of(url, other)):
        with pytest.raises(PermissionDeniedError):
            repairs.notes_for(
                url, user, group=record["group"], program=None, member=record["member"]
            )
        with pytest.raises(PermissionDeniedError):
            repairs.record_step(
                url,
                user,
                group=record["group"],
                program=None,
                member=record["member"],
                session=int(record["session"]),
                kind=record["kind"],
                step="acknowledged",
            )


def test_reading_notes_is_audited_without_their_words(url):
    from services.selection import engine_for
    from store.audit import REPAIR_NOTES_READ, REPAIR_STEP, load_audit

    record = view(url, admin()).records.iloc[0]
    repairs.record_step(
        url,
        admin(),
        group=record["group"],
        program=None,
        member=record["member"],
        session=int(record["session"]),
        kind=record["kind"],
        step="acknowledged",
        note="very private words",
    )
    repairs.notes_for(url, admin(), group=record["group"], program=None, member=record["member"])
    events = load_audit(engine_for(url))
    kinds = set(events["action"])
    assert {REPAIR_STEP, REPAIR_NOTES_READ} <= kinds
    assert "very private words" not in events["detail"].astype(str).str.cat()
    assert record["member"] not in events["detail"].astype(str).str.cat()
