"""The Export page's bridge (services.exports) on SQLite and PostgreSQL: who may export what.

The page itself is driven in tests/app/test_export_page.py; here the rules under it: the
identified table is exactly what `cli.py export` writes, a de-identified one is the CLI's
de-identification under the export's key, and roles are refused before anything is read.
"""

from __future__ import annotations

import pandas as pd
import pytest

from access.accounts import StaffUser
from access.roles import PermissionDeniedError
from privacy.deidentify import date_shift_days, pseudonym
from privacy.exports import export_cells
from services import exports
from store import load_responses
from tests.access.seed import MEMBERS, seed

ADMINISTRATOR = StaffUser("chief", "administrator", None)
EVALUATOR = StaffUser("eva", "evaluator", None)
FACILITATOR = StaffUser("fac", "facilitator", frozenset({1}))
KEY = bytes(range(32))  # a fixed key, so the expected pseudonyms can be computed
CODES = sorted(code for codes in MEMBERS.values() for code in codes)


def export_frame(engine) -> pd.DataFrame:
    """What `cli.py export` writes: every stored item response in the long format."""
    return export_cells(load_responses(engine))


@pytest.fixture
def url(engine):
    seed(engine)
    return engine.url.render_as_string(hide_password=False)


def test_an_identified_export_is_the_command_lines_export(url, engine):
    table = exports.export_table(exports.ExportRequest(url, ADMINISTRATOR, identified=True))
    pd.testing.assert_frame_equal(table, export_frame(engine))


@pytest.mark.parametrize("user", [EVALUATOR, ADMINISTRATOR], ids=["evaluator", "administrator"])
def test_a_deidentified_export_uses_one_key_for_pseudonyms_and_date_shifts(url, engine, user):
    identified = export_frame(engine)
    table = exports.export_table(exports.ExportRequest(url, user), key=KEY)
    assert list(table.columns) == list(identified.columns)
    assert table["member"].tolist() == [pseudonym(code, KEY) for code in identified["member"]]
    shifted = [
        (pd.Timestamp(day) + pd.Timedelta(days=date_shift_days(code, KEY))).strftime("%Y-%m-%d")
        for code, day in zip(identified["member"], identified["date"], strict=True)
    ]
    assert table["date"].tolist() == shifted
    kept = ["timepoint", "item", "value", "instrument", "group", "program", "session", "mode"]
    pd.testing.assert_frame_equal(table[kept], identified[kept])


def test_every_export_draws_its_own_key(url):
    request = exports.ExportRequest(url, EVALUATOR, program="Community")
    first = set(exports.export_table(request)["member"])
    second = set(exports.export_table(request)["member"])
    assert len(first) == len(second) == len(MEMBERS[("Community", "C-1")])
    assert not first & second


def test_month_dates_and_filters(url):
    request = exports.ExportRequest(url, EVALUATOR, coarsen_dates=True, group="R-1")
    table = exports.export_table(request)
    assert set(table["group"]) == {"R-1"}
    assert set(table["date"]) == {"2025-03", "2025-05"}


@pytest.mark.parametrize(
    ("user", "identified"),
    [(EVALUATOR, True), (FACILITATOR, False), (FACILITATOR, True)],
    ids=["evaluator-identified", "facilitator", "facilitator-identified"],
)
def test_roles_without_the_permission_are_refused(url, user, identified):
    with pytest.raises(PermissionDeniedError, match=f"a {user.role} may not export"):
        exports.prepare_export(exports.ExportRequest(url, user, identified=identified))


def test_requests_that_cannot_be_met_say_why(url):
    with pytest.raises(exports.ExportRefusedError, match="keeps real dates"):
        exports.prepare_export(
            exports.ExportRequest(url, ADMINISTRATOR, identified=True, coarsen_dates=True)
        )
    with pytest.raises(exports.ExportRefusedError, match="choose a file type of xlsx or csv"):
        exports.prepare_export(exports.ExportRequest(url, EVALUATOR, file_type="json"))


def test_the_audit_detail_names_no_member(url):
    export = exports.prepare_export(exports.ExportRequest(url, ADMINISTRATOR, identified=True))
    detail = export.audit_detail()
    assert (detail["deidentified"], detail["dates"], detail["rows"]) == (False, "exact", 36)
    assert not [code for code in CODES if code in str(detail)]
