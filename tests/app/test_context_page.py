"""The Context page in the real app against the demo database, as an evaluator sees it.

The demo members have synthetic self-descriptions and answer the check-in in English or
Spanish, with one planted language difference (sample_data.context). An evaluator sees no
grouping of fewer than 5 members (and the complementary one hidden with it), the DIF table
for the check-in by language with the planted item flagged, and never a member's own words;
the grouping they looked at is in the audit log.
"""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from access import accounts, browser
from sample_data.context import PLANTED_ITEM
from sample_data.demo import load_demo
from services import about_me
from services.selection import Scope, data_version
from store.audit import load_audit
from store.db import connect, dispose
from tests.app.test_pages_smoke import APP
from ui import state as keys

EVALUATOR, PASSWORD = "eva-context", "quiet harbour lantern"  # synthetic test accounts
ADMIN = "admin-context"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("context")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        load_demo(url)
        accounts.add_user(connect(url), EVALUATOR, PASSWORD, "evaluator", by="tests")
        accounts.add_user(connect(url), ADMIN, PASSWORD, "administrator", by="tests")
        # One member wrote their own words: they must never reach the page.
        about_me.save_answers(url, "PR-A-01", {"gender": ("man", "zqx own words")})
        yield url
    dispose(url)


def context_page(by: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), EVALUATOR, PASSWORD)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    at.session_state[keys.FILTER_INSTRUMENT] = "mutuality-checkin"
    at.run()
    at.switch_page("app_pages/context.py").run()
    at.selectbox(key=keys.W_CONTEXT_BY).set_value(by).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def everything_shown(at: AppTest) -> str:
    parts = [str(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.subheader]]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def test_an_evaluator_sees_no_grouping_of_fewer_than_5_members(demo):
    at = context_page("race_ethnicity")
    table = at.dataframe[0].value.set_index("Grouping")
    # Demo counts (sample_data.context): American Indian or Alaska Native 3, Asian 4,
    # prefer not to say 4 members: each hidden, with no count, mean or interval.
    for small in ["American Indian or Alaska Native", "Asian", "prefer not to say"]:
        assert table.loc[small, "Members"] == "hidden (fewer than 5 members)"
        assert table.drop(columns="Members").loc[small].isna().all()
    shown = table[~table["Members"].str.startswith("hidden")]
    assert set(shown.index) == {"Black or African American", "Hispanic or Latina/o/x", "White"}
    assert all(int(n) >= 5 for n in shown["Members"])
    # The member-level rates hide the same groupings, and say nothing of them.
    rates = next(d.value for d in at.dataframe if "Attendance" in d.value.columns)
    rates = rates.set_index("Grouping")
    for small in ["American Indian or Alaska Native", "Asian", "prefer not to say"]:
        assert rates.loc[small, "Members"] == "hidden (fewer than 5 members)"
        assert rates.drop(columns="Members").loc[small].isna().all()
    assert rates.loc["White", "Attendance"].endswith(" marks")
    text = everything_shown(at)
    assert "zqx own words" not in text
    assert "Alaska Native scored" not in text and "Asian scored" not in text
    events = load_audit(connect(demo), action="view outcomes by grouping")
    assert {"by": "race_ethnicity", "instrument": "mutuality-checkin"}.items() <= (
        events.iloc[0]["detail"].items()
    )
    assert events.iloc[0]["who"] == EVALUATOR


def test_the_dif_table_by_language_flags_the_planted_item(demo):
    at = context_page("answer_language")
    groupings = at.dataframe[0].value.set_index("Grouping")
    assert set(groupings.index) == {"English", "Spanish"}
    readings = [i.value for i in at.info]
    assert any(
        r.startswith(f"{PLANTED_ITEM} is answered higher in Spanish than in English")
        for r in readings
    ), readings
    dif = next(d.value for d in at.dataframe if "Uniform χ²" in d.value.columns)
    flagged = dif[dif["Flagged"] == "yes"]
    assert flagged["Item"].tolist() == [PLANTED_ITEM]
    assert flagged["Item wording"].tolist() == ["I could be myself here."]
    assert any("p <= 0.01" in c.value for c in at.caption)


def test_the_page_and_the_service_give_the_same_numbers(demo):
    from services.context import context_view

    at = context_page("gender")
    table = at.dataframe[0].value.set_index("Grouping")
    view = context_view(Scope(demo, data_version(demo), "mutuality-checkin"), "gender", "total")
    shown = table[~table["Members"].str.startswith("hidden")]
    assert len(shown) >= 2
    means = {entry["value"]: entry["mean"] for entry in view.context["groupings"]}
    for grouping, mean in shown["Mean"].items():
        assert mean == pytest.approx(means[grouping])


def test_the_reports_carry_outcomes_by_grouping_and_the_pdf_hides_small_ones(demo, tmp_path):
    import io

    from openpyxl import load_workbook

    from access.accounts import StaffUser
    from services.reporting import report_files
    from tests.privacy.test_part2_reports import pdf_text

    admin = StaffUser("admin-context", "administrator", None)
    scope = Scope(demo, data_version(demo), "mutuality-checkin", user=admin)
    files = report_files(scope, "race_ethnicity")
    sheet = load_workbook(io.BytesIO(files.excel))["Context"]
    cells = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert cells[0] == "Outcomes by how members describe their race or ethnicity"
    # The administrator's workbook shows every grouping (they hold the data) ...
    assert "American Indian or Alaska Native" in cells and "3" in cells
    assert "hidden (fewer than 5 members)" not in cells
    # ... the PDF, printed for institutions, hides the small ones whoever asks.
    pdf = tmp_path / "context.pdf"
    pdf.write_bytes(files.pdf)
    text = pdf_text(pdf)
    assert "Outcomes by how members describe their race or ethnicity" in text
    assert "American Indian or Alaska Native hidden (fewer than 5 members)" in text
    assert "Alaska Native scored" not in text
    assert "zqx own words" not in text and "zqx own words" not in " ".join(cells)
    by_language = report_files(scope, "answer_language")
    pdf.write_bytes(by_language.pdf)
    assert f"{PLANTED_ITEM} is answered higher in Spanish than in English" in pdf_text(pdf)


def test_an_evaluator_sees_each_groups_reciprocity_and_no_member(demo):
    at = AppTest.from_file(APP, default_timeout=240)
    user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), EVALUATOR, PASSWORD)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    at.session_state[keys.FILTER_INSTRUMENT] = "mutuality-checkin"
    at.run()
    at.switch_page("app_pages/groups.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Is mutuality mutual?" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "Dyadic reciprocity" in d.value.columns)
    assert set(table["Group"]) == {"PR-A", "CW-A"}  # sample_data.roundrobin's groups
    assert table["Dyadic reciprocity"].between(-1, 1).all()
    assert table["Round robins"].tolist() == [4, 4]
    assert "PR-A-0" not in table.to_csv() and "CW-A-0" not in table.to_csv()  # no member


def test_no_share_an_evaluator_sees_counts_1_to_4_members_or_alerts(demo):
    from access.accounts import StaffUser
    from services.context import context_view
    from services.context_tables import members_in_all, rates_table

    evaluator = StaffUser(EVALUATOR, "evaluator", None)
    scope = Scope(demo, data_version(demo), "mutuality-checkin", user=evaluator)
    view = context_view(scope, "race_ethnicity", "total")
    rates = view.rates[~view.rates["suppressed"]]
    for share, base in [("dropout", "started"), ("alerted", "members"), ("reconnected", "decided")]:
        shown = rates[rates[share].notna()]
        counted = (shown[share] * shown[base]).round()
        assert not counted.between(1, 4).any(), (share, shown[[share, base]])
        assert (shown[base] >= 5).all()
    # A hidden share says so without its count.
    table = rates_table(view.rates, 5)
    hidden = table[table["Dropped out before post"].str.startswith("hidden", na=False)]
    assert len(hidden) and not hidden["Dropped out before post"].str.contains("who started").any()
    assert members_in_all({"min_cell_size": 5, "members_total": 3}) == "Fewer than 5 members in all"


def test_home_shows_who_seems_isolated_to_staff_who_hold_the_codes_only(demo):
    from sample_data.roundrobin import ISOLATED

    def home(username: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=240)
        user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), username, PASSWORD)
        browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    group, session = ISOLATED
    lines = [m.value for m in home(ADMIN).markdown if "seems isolated" in m.value]
    assert lines == [
        f"**{group}-01** · group {group} · round robin of session {session} · **seems isolated**"
    ]
    assert not [m.value for m in home(EVALUATOR).markdown if "seems isolated" in m.value]


def test_comparing_two_larger_groupings_makes_items_testable(demo):
    at = context_page("race_ethnicity")
    choices = at.multiselect(key=f"{keys.W_CONTEXT_COMPARE}_race_ethnicity")
    # Only groupings the page shows can be compared (hidden ones are not offered).
    assert set(choices.options) == {"Black or African American", "Hispanic or Latina/o/x", "White"}
    choices.set_value(["Black or African American", "White"]).run()
    assert not at.exception, [e.value for e in at.exception]
    reliability = next(d.value for d in at.dataframe if "Cronbach's α" in d.value.columns)
    assert set(reliability["Grouping"]) == {"Black or African American", "White"}
    dif = next(d.value for d in at.dataframe if "Uniform χ²" in d.value.columns)
    assert dif["Uniform p"].notna().sum() >= 5  # most items can be tested now
