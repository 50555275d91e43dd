"""The Disconnections page: a facilitator follows their disconnections and records a repair."""

from __future__ import annotations

from tests.app.test_pages_smoke import FACILITATOR, FACILITATOR_PASSWORD, demo_url, open_page  # noqa: F401
from ui import state as keys


def table_of(at):
    return at.dataframe[0].value


def test_a_facilitator_sees_only_their_groups_disconnections(demo_url):  # noqa: F811
    at = open_page("repairs", username=FACILITATOR, password=FACILITATOR_PASSWORD)
    at.toggle(key=keys.W_REPAIR_OPEN_ONLY).set_value(False).run()
    table = table_of(at)
    assert len(table) and set(table["Group"]) == {"PR-A"}
    assert {"Status", "Began at session", "What was tried"} <= set(table.columns)
    members = at.selectbox(key=keys.W_REPAIR_MEMBER).options
    assert members and all("(group PR-A)" in m for m in members)


def test_recording_a_repair_attempt_changes_the_status_and_keeps_the_note(demo_url):  # noqa: F811
    at = open_page("repairs")
    table = table_of(at)  # only the records still being followed
    assert len(table), "the demo has an open disconnection"
    first = table.iloc[0]
    label = f"{first['Member']} (group {first['Group']})"
    at.selectbox(key=keys.W_REPAIR_MEMBER).select(label).run()
    at.radio[0].set_value("attempted")
    at.multiselect[0].set_value(["Owned a misstep"])
    note = '=HYPERLINK("http://example.org") said the joke hurt'
    at.text_area[0].input(note)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved: repair attempted" in s.value for s in at.success)
    assert note in [t.value for t in at.text]
    after = table_of(at)

    row = after[(after["Member"] == first["Member"]) & (after["Group"] == first["Group"])]
    assert row["Status"].tolist() == ["Repair attempted"]
    assert row["What was tried"].tolist() == ["Owned a misstep"]


def test_run_a_session_reminds_of_open_disconnections_of_members_present(demo_url):  # noqa: F811
    from services.selection import visible_groups

    groups = visible_groups(demo_url)
    sr_a = int(groups.loc[groups["name"] == "SR-A", "id"].iloc[0])
    at = open_page("run_session", state={keys.RUN_GROUP_ID: sr_a})
    reminders = [w.value for w in at.warning if "Before you start" in w.value]
    assert len(reminders) == 1
    assert "SR-A-05" in reminders[0] and "here today" in reminders[0]
    # Members of other groups are never named here.
    assert "PR-A" not in reminders[0]


def test_attendance_codes_read_in_order_row_by_row(demo_url):  # noqa: F811
    at = open_page("run_session")
    codes = [c.label for c in at.checkbox if c.key and c.key.startswith(keys.W_ATTENDANCE)]
    assert codes == sorted(codes)


def test_groups_shows_repair_rates_and_an_evaluator_sees_no_small_group(demo_url):  # noqa: F811
    at = open_page("groups")
    assert "Disconnections and repair" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "Left unrepaired" in d.value.columns)
    assert {"Reconnected", "Median check-ins to reconnect", "Left unrepaired"} <= set(table)
    assert len(table) >= 2
    from access import accounts
    from store.db import connect

    accounts.add_user(
        connect(demo_url), "eval-repairs", "lantern tuesday kettle", "evaluator", by="tests"
    )
    evaluator = open_page("groups", username="eval-repairs", password="lantern tuesday kettle")
    shown = next(d.value for d in evaluator.dataframe if "Disconnections" in d.value.columns)
    # Each demo group's disconnections rest on fewer than 5 members: no number is shown.
    assert (shown["Disconnections"] == "fewer than 5: not shown").all()


def test_an_administrator_sets_a_programs_repair_actions_and_window(demo_url):  # noqa: F811
    from services import repairs

    at = open_page("settings")
    at.selectbox(key=keys.W_REPAIR_PROGRAM).select("Prison re-entry").run()
    form = [n for n in at.number_input if n.label.startswith("Check-ins after an alert")][0]
    assert form.value == 2
    form.set_value(3)
    area = [t for t in at.text_area if t.label.startswith("Repair actions")][0]
    assert "Owned a misstep" in area.value
    area.input("Called the member\n\nNamed it in the group\nCalled the member")
    next(b for b in at.button if b.label == "Save repair settings").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert repairs.window_for(demo_url, "Prison re-entry") == 3
    assert repairs.actions_for(demo_url, "Prison re-entry") == [
        "Called the member",
        "Named it in the group",
    ]
    view = repairs.follow_up(demo_url, "after-settings", program="Prison re-entry")
    assert view.window == 3 and "next 3 check-in(s)" in view.rules[0]


def test_a_whole_groups_drop_is_followed_and_repaired_like_a_members(tmp_path, monkeypatch):
    """Every SR-B member answers 1 at a new session 13: the group's mean drops, a record
    of the whole group opens, and the facilitator can acknowledge it on the page."""
    import datetime as dt

    from access import accounts
    from sample_data.demo import load_demo
    from store.administrations import Administration, save_administrations
    from store.db import connect, dispose
    from store.roster import list_members
    from store.sessions import create_session
    from tests.app.test_pages_smoke import ADMIN, ADMIN_PASSWORD

    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    load_demo(url)
    engine = connect(url)
    accounts.add_user(engine, ADMIN, ADMIN_PASSWORD, "administrator", by="tests")
    roster = list_members(engine, group="SR-B")
    program = roster["program"].iloc[0]
    day = dt.date(2026, 12, 15)
    create_session(engine, "SR-B", 13, day, program=program)
    items = [f"mutualitycheckin_{i}" for i in range(1, 11)]
    low = {item: (5.0 if item in items[8:] else 1.0) for item in items}  # 9 and 10 reversed
    save_administrations(
        engine,
        [
            Administration(
                member=code,
                instrument="mutuality-checkin",
                instrument_version="1",
                timepoint="session-13",
                answers=low,
                group="SR-B",
                program=program,
                session=13,
                date=day,
                mode="self-completed",
                entered_by="tests",
            )
            for code in roster["code"]
        ],
        source="tests",
    )
    at = open_page("repairs")
    box = at.selectbox(key=keys.W_REPAIR_MEMBER)
    assert "Whole group SR-B" in box.options
    box.select("Whole group SR-B").run()
    assert not at.exception, [e.value for e in at.exception]
    at.radio[0].set_value("acknowledged")
    at.button[0].click().run()
    assert any("Saved: acknowledged for session 13" in s.value for s in at.success)
    table = at.dataframe[0].value
    whole = table[(table["Member"] == "(whole group)") & (table["Group"] == "SR-B")]
    assert whole["Status"].tolist() == ["Acknowledged"]
    dispose(url)
