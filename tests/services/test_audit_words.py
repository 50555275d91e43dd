"""The Audit log page's times and details in words (issue 12, item 5).

The page showed ``2026-12-02T15:42:30.123456+00:00`` and ``{"entries": 3, ...}``; it shows local
wall-clock time to the second and ``key: value; key: value``. The csv download keeps ISO UTC
and JSON for other programs.
"""

from __future__ import annotations

import pandas as pd

from services.admin import audit_page_table, detail_words, local_times


def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [2, 1],
            "at": [
                pd.Timestamp("2026-12-02 15:42:30.123456", tz="UTC"),
                pd.Timestamp("2026-07-01 23:59:59.9", tz="UTC"),
            ],
            "who": ["admin1", None],
            "action": ["export", "load program"],
            "detail": [{"rows": 3, "file": "=x.csv", "groups": ["PR-A", "PR-B"]}, {"groups": []}],
        }
    )


def test_times_are_local_to_the_second_without_a_t():
    shown = local_times(events()["at"], "Europe/Berlin").tolist()
    assert shown == ["2026-12-02 16:42:30", "2026-07-02 01:59:59"]  # CET in winter, CEST in summer
    assert local_times(events()["at"], "Not/AZone").str.fullmatch(r"[\d-]{10} [\d:]{8}").all()


def test_details_read_as_key_value_pairs():
    assert detail_words({"rows": 3, "groups": ["PR-A", "PR-B"]}) == "groups: PR-A, PR-B; rows: 3"
    assert detail_words({"groups": [], "filter": {"program": "P"}}) == (
        "filter: (program: P); groups: none"
    )
    assert detail_words(None) == ""


def test_the_page_table_is_worded_and_formula_safe():
    table = audit_page_table(events(), "UTC")
    assert list(table.columns) == ["Entry", "When", "Who", "Action", "Details"]
    assert table["When"].tolist() == ["2026-12-02 15:42:30", "2026-07-01 23:59:59"]
    assert table["Details"][0] == "file: =x.csv; groups: PR-A, PR-B; rows: 3"
    assert table["Who"].tolist() == ["admin1", ""]
    hostile = audit_page_table(events().assign(who=["=cmd|' /C calc'!A0", None]), "UTC")
    assert hostile["Who"][0] == "'=cmd|' /C calc'!A0"
