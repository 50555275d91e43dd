"""What an evaluator sees is fit to publish: no cell of fewer than 5 members, no member rows.

A real SQLite database: group "Large" has 8 members, group "Small" 3, each answering the
WHO-5 at session 1 (pre) and session 2 (post), with attendance. The same queries run as an
administrator (who holds the data and sees everything) and as an evaluator.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from access.accounts import StaffUser
from services import analyses, overview, published, reporting, selection
from store.administrations import Administration, save_administrations
from store.db import connect, dispose
from store.roster import create_group, create_member, create_program
from store.sessions import create_session, record_attendance

LABEL = "fewer than 5: not shown"
PROGRAM = "Re-entry"
GROUPS = {"Large": [f"L{i:02d}" for i in range(8)], "Small": ["S01", "S02", "S03"]}
ADMIN = StaffUser("pub-admin", "administrator", None)
EVALUATOR = StaffUser("pub-eva", "evaluator", None)


def who5(member: str, group: str, session: int, level: int, position: int) -> Administration:
    """Five answers around `level` (0-5), varied by item and member so alpha is computable."""
    day = dt.date(2025, 3, 4) + dt.timedelta(weeks=10 * (session - 1))
    return Administration(
        member=member,
        instrument="who5",
        instrument_version="1",
        timepoint="pre" if session == 1 else "post",
        answers={f"who5_{i}": max(0, min(5, level + (i * position) % 3 - 1)) for i in range(1, 6)},
        group=group,
        program=PROGRAM,
        session=session,
        date=day,
        mode="self-completed",
        entered_by="tests",
    )


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("published")
    url = f"sqlite:///{folder / 'published.sqlite'}"
    engine = connect(url)
    create_program(engine, PROGRAM)
    batch = []
    for group, codes in GROUPS.items():
        create_group(engine, PROGRAM, group)
        for code in codes:
            create_member(engine, code, group=group, program=PROGRAM)
        for number in (1, 2):
            create_session(engine, group, number, dt.date(2025, 3, 4), program=PROGRAM)
            record_attendance(engine, group, number, {c: True for c in codes}, PROGRAM)
        for position, code in enumerate(codes):
            # Large: most improve a lot; Small: one improves, two stay the same.
            level = 1 + position % 3
            rise = 3 if group == "Large" and position < 6 else (3 if position == 0 else 0)
            batch.append(who5(code, group, 1, level, position))
            batch.append(who5(code, group, 2, min(5, level + rise), position))
    save_administrations(engine, batch)
    yield url
    dispose(url)


def scope(url: str, user, group: str | None = None) -> selection.Scope:
    return selection.Scope(url, selection.data_version(url), "who5", group=group, user=user)


def test_only_a_user_without_member_codes_gets_results_fit_to_publish(url):
    assert scope(url, EVALUATOR).publishes()
    assert not scope(url, ADMIN).publishes()
    assert not scope(url, None).publishes()  # the command line and the layers' own tests


def test_group_means_of_a_small_group_are_hidden_with_their_complement(url):
    staff = analyses.groups(scope(url, ADMIN), "total", "pre").structure.groups
    assert staff.set_index("group")["n"].to_dict() == {"Large": 8, "Small": 3}
    view = analyses.groups(scope(url, EVALUATOR), "total", "pre")
    means = view.structure.groups.set_index("group")
    # Small (3) alone would be 11 - 8: Large is hidden with it (its count is not small).
    assert means["n"].tolist() == ["not shown", LABEL]
    assert means["mean"].isna().all() and means["ci_low"].isna().all()
    assert view.structure.n_members == 11  # the total stays
    assert published.drawn(view.structure.groups).empty  # nothing for the chart to draw


def test_reliable_change_counts_by_group_and_member_rows(url):
    staff = analyses.change(scope(url, ADMIN), "total", "pre", "post")
    assert "member" in staff.members and len(staff.members) == 11
    view = analyses.change(scope(url, EVALUATOR), "total", "pre", "post")
    assert view.change.n_pairs == 11
    # One point per member: with 4 unchanged in all, those 4 points could be counted off the
    # Jacobson plot, so it gets no points (the page says why).
    assert view.members.empty and "member" not in view.members
    staff_counts = staff.counts.set_index(["group", "category"])["count"].to_dict()
    assert staff_counts == {
        ("Large", "improved"): 6,
        ("Large", "unchanged"): 2,
        ("Small", "improved"): 1,
        ("Small", "unchanged"): 2,
    }
    counts = view.counts.set_index(["group", "category"])["count"].to_dict()
    # Small: every count is under 5. Large: 2 unchanged is hidden and, so that it cannot be
    # worked out as 8 - 6, the 6 improved with it.
    assert counts == {
        ("Large", "improved"): "not shown",
        ("Large", "unchanged"): LABEL,
        ("Small", "improved"): LABEL,
        ("Small", "unchanged"): LABEL,
    }
    assert published.drawn(view.counts, "count").empty
    summary = published.change_summary(analyses.change_summary(view), view)
    values = summary.set_index("statistic")["value"]
    assert values["members with both timepoints"] == "11"
    # 7 improved, 4 unchanged, 0 deteriorated in all: the 4 is hidden, and the smallest other
    # count with it, so only "4 between them" can be worked out.
    assert values["members improved"] == "7"
    assert values["members unchanged"] == LABEL and values["members deteriorated"] == "not shown"
    assert staff.counts_reading and staff.reading.endswith(staff.counts_reading)
    assert "reliably improved" not in view.reading


def test_sessions_of_a_small_group_show_no_mean_and_no_member_lines(url):
    staff = analyses.over_time(scope(url, ADMIN), "total")
    assert len(staff.trajectories) == 22
    view = analyses.over_time(scope(url, EVALUATOR), "total")
    means = view.means.set_index(["group", "session"])
    assert means.loc[("Small", 1), "n"] == LABEL and means["mean"].loc["Small"].isna().all()
    assert means.loc[("Large", 1), "n"] == 8 and means["mean"].loc["Large"].notna().all()
    assert view.overall["n"].tolist() == [11, 11]  # all groups together: shown
    assert view.trajectories.empty
    # Staff and evaluators get one wording; the Small group alone gives no mean in words.
    assert view.reading == staff.reading and "11 members" in view.reading
    small = analyses.over_time(scope(url, EVALUATOR, group="Small"), "total")
    assert small.reading == "Sessions: fewer than 5: not shown (fewer than 5 members)."
    assert "3 members" in analyses.over_time(scope(url, ADMIN, group="Small"), "total").reading


def test_reliability_of_too_few_answers_is_hidden(url):
    whole = analyses.reliability(scope(url, EVALUATOR), "total", "pre")
    assert whole.scales["n"].tolist() == [11] and whole.scales["alpha"].notna().all()
    small = analyses.reliability(scope(url, EVALUATOR, group="Small"), "total", "pre")
    assert small.scales["n"].tolist() == [LABEL]
    assert small.scales["alpha"].isna().all()
    assert small.items["n"].eq(LABEL).all()
    assert LABEL in small.reading
    staff = analyses.reliability(scope(url, ADMIN, group="Small"), "total", "pre")
    assert staff.scales["n"].tolist() == [3]


def test_attendance_rates_of_a_small_group_are_hidden(url):
    marks = analyses.attendance(url, None, None, EVALUATOR)
    rates = analyses.attendance_rates(marks, EVALUATOR).set_index(["group", "session"])
    assert rates.loc[("Small", 1), "shown"] == LABEL
    assert rates.loc[("Large", 1), "shown"] == "100%"
    staff = analyses.attendance_rates(analyses.attendance(url, None, None, ADMIN), ADMIN)
    assert "100%" in set(staff.set_index("group").loc["Small", "shown"])


def test_the_evaluators_workbook_has_no_member_rows_and_hides_small_cells(url):
    files = reporting.report_files(scope(url, EVALUATOR))
    workbook = load_workbook(io.BytesIO(files.excel))
    assert "Scored data" not in workbook.sheetnames
    assert "Member categories" not in workbook.sheetnames
    text = {str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row}
    assert not text & {c for codes in GROUPS.values() for c in codes}
    assert LABEL in text
    staff = load_workbook(io.BytesIO(reporting.report_files(scope(url, ADMIN)).excel))
    assert "Scored data" in staff.sheetnames


def test_an_evaluators_home_shows_no_member_alert_and_no_small_count(url):
    today = dt.date(2025, 6, 1)
    staff = overview.home(url, selection.data_version(url), today, ADMIN)
    assert staff.groups.set_index("name")["members"].to_dict() == {"Large": 8, "Small": 3}
    view = overview.home(url, selection.data_version(url), today, EVALUATOR)
    # The reading prints all 11 members: Large's 8 beside it would give Small's 3 away.
    assert "11 members" in view.reading
    assert view.groups.set_index("name")["members"].to_dict() == {
        "Large": "not shown",
        "Small": LABEL,
    }
    answers = view.recent.groupby("group")["administrations"].agg(set).to_dict()
    assert answers == {"Large": {8}, "Small": {LABEL}}
    # Alerts: a member's is a member-level row (the facilitator's to repair); a group's stays.
    alerts = pd.DataFrame(
        [
            {"level": "member", "group": "Large", "member": "P-0123456789ab", "session": 2},
            _group_alert("Large", 8),
        ]
    )
    shown = published.home(dataclasses.replace(staff, alerts=alerts)).alerts
    assert shown["level"].tolist() == ["group"]
    # With no group alert the evaluator is not told that nobody dropped: members may have.
    quiet = published.home(dataclasses.replace(staff, alerts=alerts.iloc[:1]))
    assert quiet.alerts.empty and quiet.no_alerts.startswith("No group dropped reliably")
    assert "single members" in quiet.no_alerts
    assert staff.no_alerts.startswith("No member or group")


def _group_alert(group: str, present: int) -> dict:
    """A group alert as analysis.alerts gives it: the members present, and in words."""
    return {
        "level": "group",
        "group": group,
        "member": "(whole group)",
        "session": 4,
        "members": present,
        "what happened": (
            f"Group {group}'s mean at session 4 (2.10, {present} members) is 1.5 points lower "
            f"than the average of its 3 earlier sessions (3.60); for a mean of {present} "
            "members a change of more than 1.1 is unlikely to be chance."
        ),
    }


def test_an_evaluator_gets_no_group_alert_about_the_mean_of_fewer_than_5(url):
    staff = overview.home(url, selection.data_version(url), dt.date(2025, 6, 1), ADMIN)
    alerts = pd.DataFrame([_group_alert("Large", 6), _group_alert("Small", 3)])
    shown = published.home(dataclasses.replace(staff, alerts=alerts)).alerts
    assert shown["group"].tolist() == ["Large"]


def test_the_jacobson_points_an_evaluator_gets_hold_no_group(url):
    """The plot's "Chart data (CSV)" would otherwise count Small's members per category."""
    view = analyses.change(scope(url, EVALUATOR), "total", "pre", "post")
    assert list(view.members.columns) == published.POINT_COLUMNS
    data = view.members.to_csv(index=False)
    assert "Small" not in data and "Large" not in data
    # Sorted by category and scores, not by group: the order tells no group either.
    ordered = view.members.sort_values(published.POINT_COLUMNS).reset_index(drop=True)
    assert view.members.equals(ordered)


def test_hidden_reliability_rows_do_not_quote_their_count(url):
    small = analyses.reliability(scope(url, EVALUATOR, group="Small"), "total", "pre")
    text = small.scales.to_csv(index=False)
    assert "3 respondent" not in text and " 3 " not in text
    staff = analyses.reliability(scope(url, ADMIN, group="Small"), "total", "pre")
    assert "only 3 respondent(s)" in staff.scales.to_csv(index=False)


def test_the_groups_notes_do_not_give_a_hidden_groups_size(url):
    staff = analyses.groups(scope(url, ADMIN), "total", "pre").structure.notes
    assert any("(3 to 8 members)" in note for note in staff)
    notes = analyses.groups(scope(url, EVALUATOR), "total", "pre").structure.notes
    assert any(note.startswith("Group sizes differ:") for note in notes)
    assert not any("3 to 8" in note for note in notes)


def test_a_session_trend_of_fewer_than_5_members_is_not_reported(url, tmp_path):
    from tests.privacy.test_part2_reports import pdf_text

    files = reporting.report_files(scope(url, EVALUATOR, group="Small"))
    trend = [line for line in files.key_results if "session" in line]
    assert trend == ["Change over sessions in WHO-5 raw score: fewer than 5: not shown (members)."]
    # The PDF is printed for institutions: it hides the slope whoever asks for it.
    pdf = tmp_path / "small.pdf"
    pdf.write_bytes(reporting.report_files(scope(url, ADMIN, group="Small")).pdf)
    text = pdf_text(pdf)
    assert "change per session: fewer than 5: not shown" in text
    assert "points per session" not in text and "3 members" not in text
    # Nor the pre/post rule's count of members at each timepoint.
    assert "labelled pre (fewer than 5 members)" in text
    staff = reporting.report_files(scope(url, ADMIN, group="Small")).key_results
    assert any("points per session" in line and "3 members" in line for line in staff)


def test_the_evaluators_workbook_quotes_no_small_number_of_members(url):
    files = reporting.report_files(scope(url, EVALUATOR, group="Small"))
    workbook = load_workbook(io.BytesIO(files.excel))
    text = [str(v) for sheet in workbook for row in sheet.iter_rows(values_only=True) for v in row]
    assert not [t for t in text if "3 members" in t]
    assert "labelled pre (fewer than 5 members)" in " ".join(text)
    summary = {row[0]: row[1] for row in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Members"] == LABEL


def test_sentences_quote_no_count_of_fewer_than_5_members(url):
    # The default pre/post rule names how many members each timepoint has.
    staff = selection.pre_post(scope(url, ADMIN, group="Small"), "total")
    assert "3 members" in staff.rule
    rule = selection.pre_post(scope(url, EVALUATOR, group="Small"), "total").rule
    assert "3 members" not in rule and "fewer than 5 members" in rule
    # The Groups table of a selection of fewer than 5 members: no count, no df.
    small = analyses.groups(scope(url, EVALUATOR, group="Small"), "total", "pre").structure
    table = analyses.groups_table(small, publishes=True).set_index("statistic")["value"]
    assert table["members"] == LABEL and table["F (df), p"] == "–"
    assert analyses.groups_table(small).set_index("statistic")["value"]["members"] == "3"
    # Attendance: a session of 3 members' marks gets no overall rate in words.
    marks = analyses.attendance(url, None, "Small", EVALUATOR)
    said = analyses.attendance_reading(marks, publishes=True)
    assert "%" not in said and "fewer than 5" in said


def test_reliable_change_counts_list_every_group_and_category(url):
    """A missing row would say "none", so a row that is there would say "at least one"."""
    staff = analyses.change(scope(url, ADMIN), "total", "pre", "post")
    counts = pd.DataFrame(
        {
            "group": ["Large", "Large", "Small"],
            "category": ["improved", "unchanged", "unchanged"],
            "count": [6, 2, 3],
        }
    )
    view = published.change(dataclasses.replace(staff, counts=counts))
    shown = view.counts.set_index(["group", "category"])["count"].to_dict()
    assert set(shown) == {
        ("Large", "improved"),
        ("Large", "unchanged"),
        ("Small", "improved"),
        ("Small", "unchanged"),
    }
    # Small: 3 unchanged is hidden, and its added 0 improved with it (else 3 = total - 0).
    assert shown[("Small", "unchanged")] == LABEL and shown[("Small", "improved")] == "not shown"


def test_an_attendance_rate_that_tells_how_few_were_missing_is_hidden():
    rates = pd.DataFrame(
        {
            "group": ["A", "A", "A", "B"],
            "session": [1, 2, 3, 1],
            "n": [9, 9, 20, 3],
            "present": [7 / 9, 4 / 9, 14 / 20, 1.0],
        }
    )
    shown = published.attendance_rates(rates)
    # 7 of 9: 2 missing; 4 of 9: 4 present; 14 of 20: both counts 5 or more; B: a roster of 3.
    assert shown["n"].tolist() == ["not shown", "not shown", 20, LABEL]
    assert shown["present"].tolist() == [None, None, 0.7, None]
