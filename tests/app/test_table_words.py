"""The tables people read say words, not machine names (issue 12, items 5 and 6).

Against the demo program: no column of a table on Reliability, Change, Mutuality over time,
Groups or the Audit log is headed by a machine name (``alpha_ci_low``, ``lambda6``, ``rci``,
``ci_low``) or any snake_case name; item tables give the item's wording; the Audit log shows
local times to the second and details as "key: value". Then item 6: Reliability opens on the
first timepoint in program order (Intake, not Discharge), and an evaluator's Home names only
pages an evaluator has.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import cli
from access import accounts, browser, roles
from services.labels import COLUMN_WORDS, machine_name
from store.db import connect, dispose
from tests.app.test_pages_smoke import APP, demo_url, open_page  # noqa: F401 (demo_url: a fixture)
from ui import staff_gate
from ui import state as keys

#: Machine names that have words of their own ("t", "p" and "df" are the statistics' symbols).
MACHINE_NAMES = {name for name, words in COLUMN_WORDS.items() if name != words}
SNAKE_CASE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def headers(at: AppTest) -> list[str]:
    """Every column header of every table on the page (index names included when shown)."""
    found = []
    for element in [*at.dataframe, *at.table]:
        frame = element.value
        found += [str(c) for c in frame.columns]
        found += [str(n) for n in frame.index.names if n is not None]
    return found


def raw_names(names: list[str]) -> list[str]:
    return [n for n in names if n in MACHINE_NAMES or SNAKE_CASE.match(n)]


@pytest.mark.parametrize(
    ("page", "instrument"),
    [
        ("reliability", None),
        ("reliability", "relational-connection"),
        ("change", None),
        ("over_time", None),
        ("groups", "relational-connection"),
        ("audit_log", None),
    ],
)
@pytest.mark.usefixtures("demo_url")
def test_no_machine_name_heads_a_table(page, instrument):
    state = {keys.FILTER_INSTRUMENT: instrument} if instrument else {}
    at = open_page(page, state)
    shown = headers(at)
    assert shown, f"{page} shows no table"
    assert not raw_names(shown), f"{page}: {raw_names(shown)}"


@pytest.mark.usefixtures("demo_url")
def test_reliability_says_alpha_in_words_and_gives_the_items_wording():
    at = open_page("reliability", {keys.FILTER_INSTRUMENT: "mutuality-checkin"})
    scales, items = at.dataframe[0].value, at.dataframe[1].value
    assert {"Cronbach's α", "α 95% CI low", "α 95% CI high", "Guttman's λ6"} <= set(scales.columns)
    assert {"Standardized α", "McDonald's ω (total)", "Members (n)"} <= set(scales.columns)
    assert {"Item", "Item wording", "Item-rest r", "α if item deleted"} <= set(items.columns)
    wording = dict(zip(items["Item"], items["Item wording"], strict=False))
    assert wording["mutualitycheckin_1"] == "Today I felt that people in the group understood me."
    # Read back through the dictionary, the headers are the analysis' own columns.
    assert [machine_name(c) for c in scales.columns][:5] == [
        "scale",
        "timepoint",
        "n",
        "k",
        "alpha",
    ]


@pytest.mark.usefixtures("demo_url")
def test_change_members_and_summary_use_words():
    at = open_page("change")
    members = at.dataframe[-1].value
    assert {"Member", "Before", "After", "Change", "Reliable change index", "Category"} <= set(
        members.columns
    )
    summary = at.table[0].value
    statistics = list(summary.index)
    assert "Cohen's d_av / Hedges' g_av / Cohen's d_rm" in statistics
    assert "d_av / g_av / d_rm" not in statistics


@pytest.mark.usefixtures("demo_url")
def test_the_audit_log_shows_local_seconds_and_details_in_words():
    open_page("reliability")  # a page view is audited, with a detail
    at = open_page("audit_log")
    log = at.dataframe[0].value
    assert list(log.columns) == ["Entry", "When", "Who", "Action", "Details"]
    assert log["When"].str.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all(), log["When"]
    details = [d for d in log["Details"] if d]
    assert details and not [d for d in details if d.lstrip().startswith(("{", "["))]
    assert any(re.match(r"^\w[\w ]*: ", d) for d in details), details[:3]


# Item 6: the timepoint Reliability opens on ----------------------------------------------------

ITEMS = [f"phq9_{i}" for i in range(1, 10)]


@pytest.fixture
def intake_discharge(tmp_path, monkeypatch):
    """PHQ-9 answers at Intake and Discharge, Discharge's rows first and no dates."""
    path = tmp_path / "phq9-intake-discharge.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["member", "timepoint", "group", "program", *ITEMS])
        for timepoint, base in (("Discharge", 0), ("Intake", 2)):
            for m in range(8):
                answers = [(base + (m + i) % 2) % 4 for i in range(9)]
                writer.writerow([f"M{m:02d}", timepoint, "A", "Clinic", *answers])
    url = f"sqlite:///{tmp_path / 'intake.sqlite'}"
    assert cli.main(["import", str(path), "--instrument", "phq9", "--database", url]) == 0
    accounts.add_user(connect(url), "admin1", "kettle lantern orchard", "administrator", by="t")
    accounts.add_user(connect(url), "eva", "lantern kettle orchard", "evaluator", by="t")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    yield url
    dispose(url)


def signed_in(username: str, password: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), username, password)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    return at


def test_reliability_opens_on_intake_not_discharge(intake_discharge):
    at = signed_in("admin1", "kettle lantern orchard")
    at.session_state[keys.FILTER_INSTRUMENT] = "phq9"
    at.run()
    at.switch_page("app_pages/reliability.py").run()
    assert not at.exception, [e.value for e in at.exception]
    timepoint = at.selectbox(key=keys.W_TIMEPOINT)
    assert timepoint.options[:2] == ["Intake", "Discharge"]
    assert timepoint.value == "Intake"
    assert any(" at Intake: Cronbach's alpha" in info.value for info in at.info)


# Item 6: an evaluator's Home names only pages an evaluator has --------------------------------


def bold_pages(text: str) -> set[str]:
    titles = {title: page for page, title in staff_gate.PAGE_TITLES.items()}
    return {titles[b] for b in re.findall(r"\*\*(.+?)\*\*", text) if b in titles}


@pytest.mark.parametrize("role", roles.ROLES)
def test_home_hints_name_only_the_roles_pages(role):
    for hint in (staff_gate.no_programs_hint(role), staff_gate.no_upcoming_hint(role)):
        named = bold_pages(hint)
        assert named <= set(roles.pages_for(role)), (role, hint)
    if roles.can(role, roles.RUN_SESSIONS):
        assert "run_session" in bold_pages(staff_gate.no_programs_hint(role))


def test_an_evaluators_empty_home_sends_them_to_pages_they_have(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    accounts.add_user(connect(url), "eva", "lantern kettle orchard", "evaluator", by="t")
    at = signed_in("eva", "lantern kettle orchard").run()
    assert not at.exception, [e.value for e in at.exception]
    said = " ".join(info.value for info in at.info)
    assert "No programs" in said
    assert "Run a session" not in said and "Upload" not in said
    assert bold_pages(said) and bold_pages(said) <= set(roles.pages_for(roles.EVALUATOR))
    dispose(url)


def test_the_navigation_titles_are_the_hints_titles():
    text = Path(APP).read_text(encoding="utf-8")
    for page in roles.PAGE_PERMISSIONS:
        assert f'"app_pages/{page}.py"' in text and f'TITLES["{page}"]' in text, page
