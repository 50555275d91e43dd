"""The report's file name from the Reports page: one "mutuality-" prefix, plain words."""

from __future__ import annotations

import pytest

from services.reporting import report_name
from services.selection import Scope


@pytest.mark.parametrize(
    ("instrument", "group", "program", "expected"),
    [
        ("mutuality-checkin", None, None, "mutuality-checkin-all"),
        ("relational-connection", "PR-A", None, "mutuality-relational-connection-pr-a"),
        ("phq9", None, "Prison re-entry", "mutuality-phq9-prison-re-entry"),
        ("mutuality-checkin", "Tuesday / circle", None, "mutuality-checkin-tuesday-circle"),
    ],
)
def test_report_name_has_one_prefix_and_safe_words(instrument, group, program, expected):
    scope = Scope("sqlite://", "v", instrument, program=program, group=group)
    assert report_name(scope) == expected
