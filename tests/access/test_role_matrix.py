"""Every page x every role on the demo program: what is reachable, and whose codes show.

Real staff accounts in the demo database: an administrator, a facilitator linked to group
PR-A only, an evaluator, and nobody signed in. For each role the navigation offers exactly
the pages access.roles allows; every offered page renders; the evaluator's rendered pages
hold no real member code anywhere (text, tables, chart specs with their hover text); the
facilitator's hold no code of another group. The Reports page is driven to its report, the
Export page to its file (de-identified by default, for the administrator too).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from access import accounts, browser
from access.roles import PAGE_PERMISSIONS, may_see_page
from analysis.labels import column_word
from sample_data.demo import load_demo
from services import published, reporting, selection
from store.db import connect, dispose
from store.roster import list_groups, list_members
from ui import state as keys

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PAGES = list(PAGE_PERMISSIONS)
PASSWORD = "matrix test passphrase"
ACCOUNTS = {"administrator": "matrix-admin", "facilitator": "matrix-fac", "evaluator": "matrix-eva"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("role_matrix")
    url = f"sqlite:///{folder / 'demo.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("MUTUALITY_DATA_DIR", str(folder))
        load_demo(url)
        engine = connect(url)
        pr_a = int(list_groups(engine).set_index("name").loc["PR-A", "id"])
        for role, name in ACCOUNTS.items():
            groups = [pr_a] if role == "facilitator" else None
            accounts.add_user(engine, name, PASSWORD, role, by="tests", group_ids=groups)
        members = list_members(engine)
        yield url, members
    dispose(url)


def app(url: str, role: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    if role is not None:
        user = accounts.sign_in(connect(url), ACCOUNTS[role], PASSWORD)
        browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    return at.run()


def _reachable(at: AppTest, page: str) -> bool:
    try:
        at.switch_page(f"app_pages/{page}.py")
    except ValueError:
        return False
    return True


def page_text(at: AppTest) -> str:
    """Everything the page rendered: element values, labels, tables, chart specs."""
    parts: list[str] = []

    def walk(node) -> None:
        for child in getattr(node, "children", {}).values():
            walk(child)
        value = getattr(node, "value", None)
        if isinstance(value, pd.DataFrame):
            parts.append(value.to_csv(index=False))
        elif value is not None:
            parts.append(str(value))
        for attribute in ("label", "body", "options", "caption"):
            found = getattr(node, attribute, None)
            if found is not None:
                parts.append(str(found))
        proto = getattr(node, "proto", None)
        if proto is not None and not hasattr(proto, "arrow_data"):
            parts.append(str(proto))  # plotly charts: the figure JSON, hover text included

    walk(at._tree)
    return "\n".join(parts)


def codes_in(text: str, codes) -> set[str]:
    return {c for c in codes if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", text)}


def test_the_scan_sees_member_codes_on_an_administrators_pages(demo):
    """The check below could fail: an administrator's Settings page shows every code."""
    url, members = demo
    at = app(url, "administrator")
    at.switch_page("app_pages/settings.py").run()
    assert len(codes_in(page_text(at), members["code"])) == len(members)


@pytest.mark.parametrize("role", [None, "administrator", "facilitator", "evaluator"])
def test_every_page_under_every_role(demo, role):
    url, members = demo
    at = app(url, role)
    assert not at.exception, [e.value for e in at.exception]
    reachable = {page for page in PAGES if _reachable(at, page)}
    assert reachable == {page for page in PAGES if may_see_page(role, page)}
    if role is None:
        assert reachable == set()
        return
    if role == "facilitator":
        assert "settings" not in reachable and "audit_log" not in reachable
        forbidden = set(members.loc[members["group"] != "PR-A", "code"])
    elif role == "evaluator":
        forbidden = set(members["code"])  # never a member code, only pseudonyms
    else:
        forbidden = set()
    for page in sorted(reachable):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        if page == "reports":
            next(b for b in at.button if b.label == "Prepare the report").click().run()
            assert not at.exception, [e.value for e in at.exception]
            assert any("is ready" in i.value for i in at.info), page
        if page == "export":
            at.button(key="prepare_export").click().run()
            assert not at.exception, [e.value for e in at.exception]
            prepared = at.session_state[keys.EXPORT_PREPARED]
            assert prepared.file_name.endswith(".xlsx") and "-deidentified-" in prepared.file_name
            # The file itself, every cell: pseudonyms only, whoever downloads it.
            exported = pd.read_excel(
                io.BytesIO(prepared.data), sheet_name="Responses", engine="openpyxl"
            )
            assert not codes_in(exported.to_csv(index=False), members["code"])
            assert exported["member"].str.fullmatch(r"P-[0-9a-f]{12}").all()
        text = page_text(at)
        assert not codes_in(text, forbidden), (page, sorted(codes_in(text, forbidden))[:5])
        if role == "evaluator" and page == "change":
            # No member rows for an evaluator (not even pseudonymised): the page says where
            # they are instead (services.published), and the Jacobson plot's points carry no label.
            assert published.MEMBER_ROWS_HIDDEN in text
            assert not re.findall(r"P-[0-9a-f]{12}", text)
        if role == "facilitator" and page == "change":
            assert codes_in(text, members.loc[members["group"] == "PR-A", "code"])


@pytest.mark.parametrize("role", ["facilitator", "evaluator"])
def test_report_files_hold_only_what_the_role_may_see(demo, role):
    """The Excel workbook from the Reports page: own groups only; no codes for evaluators."""
    url, members = demo
    user = accounts.sign_in(connect(url), ACCOUNTS[role], PASSWORD)
    scope = selection.Scope(url, selection.data_version(url), "relational-connection", user=user)
    workbook = load_workbook(io.BytesIO(reporting.report_files(scope).excel))
    text = "\n".join(
        str(c.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row
    )
    if role == "facilitator":
        scored = pd.DataFrame(workbook["Scored data"].values)
        scored = scored.iloc[1:].set_axis(list(scored.iloc[0]), axis=1)
        assert set(scored[column_word("group")]) == {"PR-A"}  # the workbook's worded header
        others = set(members.loc[members["group"] != "PR-A", "code"])
        assert not codes_in(text, others)
    else:
        # Fit to publish: no member-level sheet, every group's aggregate, no code anywhere.
        assert "Scored data" not in workbook.sheetnames
        groups = set(members["group"])
        assert len(groups) > 1 and all(g in text for g in groups)
        assert not codes_in(text, members["code"])
        assert not re.findall(r"P-[0-9a-f]{12}", text)
