"""Every analysis page in the real app (router included) against a real SQLite demo database.

One run per page asserts it renders without an exception and says what a facilitator or
evaluator needs (its plain-words reading, the right number of groups). The main
interactions follow: an upload with errors shows its report and stores nothing, a good
upload stores its questionnaires, and a user's instrument definition with an error shows
the field and the problem.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from access import accounts, browser
from sample_data.demo import load_demo
from services.labels import machine_name
from store.bulk_load import count_rows
from store.db import connect, dispose
from store.roster import create_member, list_groups
from tests.app import session_seed
from tests.app.session_seed import GROUP, PROGRAM, forget, seed_database
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
DEMO_GROUPS = 8  # sample_data: 3 programs, 8 groups (generator.DEFAULT_MEMBERS / 12.5)
#: Synthetic staff accounts of the demo database.
ADMIN, ADMIN_PASSWORD = "admin1", "kettle lantern orchard"
FACILITATOR, FACILITATOR_PASSWORD = "facilitator-pr-a", "tuesday circle kettle"


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    """The demo program in a SQLite file of its own, as `make run` creates it."""
    folder = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        load_demo(url)
        engine = connect(url)
        accounts.add_user(engine, ADMIN, ADMIN_PASSWORD, "administrator", by="tests")
        pr_a = list_groups(engine).set_index("name").loc["PR-A", "id"]
        accounts.add_user(
            engine,
            FACILITATOR,
            FACILITATOR_PASSWORD,
            "facilitator",
            by="tests",
            group_ids=[int(pr_a)],
        )
        yield url
    dispose(url)


def new_app(username: str = ADMIN, password: str = ADMIN_PASSWORD) -> AppTest:
    """The app with `username` signed in (the administrator sees every page and group)."""
    at = AppTest.from_file(APP, default_timeout=240)
    user = accounts.sign_in(connect(os.environ["DATABASE_URL"]), username, password)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    return at


def open_page(page: str, state: dict | None = None, **who) -> AppTest:
    at = new_app(**who)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def readings(at: AppTest) -> list[str]:
    return [info.value for info in at.info]


def test_home_lists_groups_sessions_and_open_disconnections(demo_url):
    at = new_app().run()  # Home is the default page
    assert not at.exception
    assert at.title[0].value == "Mutuality"
    assert any(r.startswith("3 program(s), 8 group(s), 100 members;") for r in readings(at))
    groups_table = at.dataframe[-1].value
    assert len(groups_table) == DEMO_GROUPS
    assert [s.value for s in at.subheader][:1] == ["Open disconnections"]
    advice = [m.value for m in at.markdown if m.value.startswith("**Next step:**")]
    followed = int(readings(at)[0].split("; ")[1].split(" ")[0])
    assert followed >= 1 and len(advice) == followed
    # Each record says what to do once: the account of what happened gives no advice of its own.
    said = [m.value for m in at.markdown if m.value not in advice]
    assert not [m for m in said if "next session" in m or "with the group" in m]


@pytest.mark.parametrize(
    ("page", "instrument", "reading_starts"),
    [
        ("reliability", None, "Check-in total at session-1: Cronbach's alpha 0."),
        (
            "reliability",
            "relational-connection",
            "Relational connection total at pre: Cronbach's alpha 0.",
        ),
        ("change", None, "Relational connection total rose by 0."),
        ("over_time", None, "Check-in total went from "),
        ("groups", "relational-connection", "Relational connection total at pre: "),
    ],
)
def test_analysis_page_shows_its_reading(demo_url, page, instrument, reading_starts):
    at = open_page(page, {keys.FILTER_INSTRUMENT: instrument})
    assert any(r.startswith(reading_starts) for r in readings(at)), readings(at)


def test_change_page_counts_reliable_change_and_draws_its_charts(demo_url):
    at = open_page("change")
    reading = next(r for r in readings(at) if "reliably improved" in r)
    # "... (85 members with both; ...). 26 of 85 members reliably improved ..."
    n_pairs = int(reading.split("(")[1].split(" members")[0])
    assert f"of {n_pairs} members reliably improved" in reading
    assert len(at.get("plotly_chart")) == 3  # Jacobson plot, category bars, forest plot
    names = [b.proto.label for b in at.get("download_button")]
    assert names.count("Chart data (CSV)") == 3


def test_groups_page_has_one_mean_per_group(demo_url):
    at = open_page("groups", {keys.FILTER_INSTRUMENT: "relational-connection"})
    # The group means table (the repair table follows it at the end of the page).
    means = next(d.value for d in at.dataframe if "Mean" in d.value.columns)
    assert len(means) == DEMO_GROUPS
    # The page says words ("95% CI low"); read back through the one dictionary of them.
    assert set(means.columns) >= {"Group", "Members (n)", "Mean", "95% CI low", "95% CI high"}
    assert {machine_name(c) for c in means.columns} >= {"group", "n", "mean", "ci_low", "ci_high"}


def test_over_time_for_one_group_fits_the_trend_and_shows_attendance(demo_url):
    at = new_app()
    at.session_state[keys.FILTER_INSTRUMENT] = "mutuality-checkin"
    at.session_state[keys.FILTER_GROUP] = "PR-A"
    at.run()
    at.switch_page("app_pages/over_time.py").run()
    assert not at.exception
    said = readings(at)
    assert any("points per session (95% CI" in r for r in said), said
    assert any(r.startswith("Members came to ") for r in said), said
    # mean per session, five good things, items, attendance
    assert len(at.get("plotly_chart")) == 4


def test_reports_page_prepares_excel_and_pdf(demo_url):
    at = new_app()
    at.session_state[keys.FILTER_GROUP] = "PR-A"
    at.run()
    at.switch_page("app_pages/reports.py").run()
    at.button(key="prepare_report").click().run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the Excel workbook", "Download the PDF report"]
    assert any("is ready" in r for r in readings(at))


def test_settings_lists_the_roster_and_instruments(demo_url):
    at = open_page("settings")
    tables = [d.value for d in at.dataframe]
    assert len(tables[0]) == 3  # programs
    assert len(tables[1]) == DEMO_GROUPS
    assert len(tables[2]) == 100  # member codes


def test_a_users_instrument_with_an_error_shows_field_and_problem(demo_url):
    at = open_page("settings")
    broken = b"id: my-scale\nname: Mine\nversion: '1'\ncitation: x\nlicense: x\nuse: pre-post\n"
    broken += b"response_scale: {min: 0, max: 3}\nhigher_is: worse\n"
    broken += b"items:\n  - {id: mine_1}\nscales:\n  - {id: total, name: T, items: [mine_2]}\n"
    at.file_uploader(key=keys.W_INSTRUMENT_YAML).set_value(
        ("mine.yaml", broken, "application/yaml")
    )
    at.run()
    assert not at.exception
    message = at.error[0].value
    assert "The definition was not added" in message
    assert "mine.yaml: field" in message
    assert "scales[0] (total): unknown item(s) mine_2" in message
    user_folder = Path(demo_url.removeprefix("sqlite:///")).parent / "instruments"
    assert not (user_folder / "my-scale.yaml").exists()


# Upload -------------------------------------------------------------------------------------


SEEDED_FACILITATOR = {
    "username": session_seed.FACILITATOR,
    "password": session_seed.FACILITATOR_PASSWORD,
}


@pytest.fixture
def small_url(tmp_path, monkeypatch):
    seeded = seed_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", seeded.url)
    monkeypatch.setenv("MUTUALITY_DATA_DIR", str(tmp_path))
    yield seeded.url
    forget(seeded.url)


def phq9_csv(rows: list[dict]) -> bytes:
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def answers(member: str, timepoint: str, value: object = 1) -> dict:
    return {"ID": member, "when": timepoint} | {f"phq9_{i}": value for i in range(1, 10)}


def upload(at: AppTest, data: bytes) -> AppTest:
    at.file_uploader(key=keys.W_UPLOAD_FILE).set_value(("answers.csv", data, "text/csv"))
    at.run()
    # The file names the member and timepoint columns in its own words: map them.
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_0").select("member")
    at.selectbox(key=f"{keys.W_UPLOAD_MAP}_1").select("timepoint")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def administrations(url: str) -> int:
    return count_rows(connect(url))["administrations"]


def test_a_bad_upload_shows_its_report_and_stores_nothing(small_url):
    before = administrations(small_url)
    data = phq9_csv([answers("M01", "pre"), answers("M02", "pre", 7), answers("M03", "pre")])
    at = upload(open_page("upload", **SEEDED_FACILITATOR), data)
    assert "error(s): nothing can be stored" in at.error[0].value
    report = at.table[-1].value  # the validation report, in words
    wrong = report[report["Error or warning"] == "Error"]
    assert set(wrong["Row"]) == {"3"}  # M02's row (header = row 1)
    assert set(pd.to_numeric(wrong["Value"])) == {7}
    assert all("0" in m and "3" in m for m in wrong["Problem"])  # says the allowed range
    assert at.button(key="store_upload").disabled
    assert administrations(small_url) == before


def test_a_good_upload_stores_its_administrations(small_url):
    before = administrations(small_url)
    data = phq9_csv([answers("M01", "pre"), answers("M02", "pre", 2), answers("M03", "post")])
    at = upload(open_page("upload", **SEEDED_FACILITATOR), data)
    assert "3 questionnaire(s) of Patient Health Questionnaire-9" in at.success[0].value
    at.button(key="store_upload").click().run()
    assert not at.exception
    assert administrations(small_url) == before + 3
    assert "3 questionnaire(s) stored" in at.success[0].value


PAGES = [
    "home",
    "upload",
    "reliability",
    "change",
    "over_time",
    "groups",
    "reports",
    "export",
    "settings",
]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_and_reruns_on_the_demo_program(demo_url, page):
    # How fast a page loads, first and warm, is measured in bench/ (page loads), not here:
    # a timed test fails whenever the machine is busy.
    at = open_page(page)  # first load: computes and caches
    assert not at.exception
    at.run()  # any interaction reruns the page, from the caches
    assert not at.exception


def test_results_are_recomputed_when_data_changes(small_url):
    """The cache key holds the data version, so a stored upload shows at once."""
    at = open_page("home", **SEEDED_FACILITATOR)
    assert any("4 members;" in r for r in readings(at)), readings(at)
    create_member(connect(small_url), "M05", group=GROUP, program=PROGRAM)
    at.run()
    assert any("5 members;" in r for r in readings(at)), readings(at)


def test_a_facilitator_sees_only_their_own_group(demo_url):
    at = open_page(
        "groups",
        {keys.FILTER_INSTRUMENT: "relational-connection"},
        username=FACILITATOR,
        password=FACILITATOR_PASSWORD,
    )
    assert at.selectbox(key=keys.group_widget(None)).options == ["All groups", "PR-A"]
    means = at.dataframe[-1].value
    assert means["Group"].tolist() == ["PR-A"]
    home = open_page("home", username=FACILITATOR, password=FACILITATOR_PASSWORD)
    assert home.dataframe[-1].value["Group"].tolist() == ["PR-A"]
