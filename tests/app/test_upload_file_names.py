"""An uploaded file named after a member leaves that code nowhere but on the member's rows."""

from __future__ import annotations

import io

import pandas as pd
import sqlalchemy as sa

from services import uploads
from store.bulk_load import count_rows
from store.db import connect, dispose


def test_a_file_named_after_a_member_does_not_label_other_members_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'upload.sqlite'}"
    rows = [
        {"member": code, "timepoint": "pre"} | {f"who5_{i}": 3 for i in range(1, 6)}
        for code in ("R01", "R02", "R03")
    ]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    check = uploads.check_upload(buffer.getvalue().encode(), "R01-answers.csv", url, None, "who5")
    assert check.ok, check.error
    result = uploads.store_upload(check, url, "upload by facilitator1")
    assert result.committed and count_rows(connect(url))["administrations"] == 3
    with connect(url).connect() as connection:
        labels = set(
            connection.execute(sa.text("SELECT entered_by FROM administrations")).scalars()
        )
    # Not "upload by facilitator1 R01-answers.csv" on R02's and R03's rows.
    assert labels == {"upload by facilitator1"}
    dispose(url)
