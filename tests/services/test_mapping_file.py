"""The Upload page's mapping download is the file `cli.py import --mapping FILE` reads.

Issue 12, item 2: the page's column choices, written by `ingest.mapping_yaml` (through
`services.column_mappings.mapping_file`), read back by the CLI's own reader
(`ingest.read_mapping`) give the same mapping, and the CLI imports the file with it.
"""

from __future__ import annotations

import io

import pandas as pd

import cli
from ingest import read_mapping, write_mapping
from services import column_mappings, uploads
from store.bulk_load import count_rows
from store.db import connect, dispose

#: Headers a person might write, some of which YAML would read as something else.
AWKWARD = {
    "id": "member",
    "wave": "timepoint",
    "1": "phq9_1",
    "yes": "phq9_2",
    "null": "phq9_3",
    "q: 4": "phq9_4",
    "#5": "phq9_5",
    "ítem 6": "phq9_6",
    "notes": "",  # kept its name: not in the file
}


def test_the_written_file_reads_back_as_the_same_mapping(tmp_path):
    path = tmp_path / "columns.yaml"
    path.write_bytes(column_mappings.mapping_file(AWKWARD))
    expected = {theirs: ours for theirs, ours in AWKWARD.items() if ours}
    assert read_mapping(path) == expected
    assert read_mapping(write_mapping(AWKWARD, tmp_path / "again.yaml")) == expected
    assert path.read_text(encoding="utf-8").startswith("# Column mapping for Mutuality")


def test_the_cli_imports_a_file_with_the_pages_mapping(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    rows = [
        {"ID": code, "Wave": "pre"} | {f"Q{i}": 1 for i in range(1, 10)} for code in ("A1", "A2")
    ]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    data = buffer.getvalue().encode()
    (tmp_path / "theirs.csv").write_bytes(data)
    # What the page's selectors hold for this file (headers as the page reads them).
    headers = list(uploads.upload_columns(data, "theirs.csv").columns)
    chosen = {"id": "member", "wave": "timepoint"} | {f"q{i}": f"phq9_{i}" for i in range(1, 10)}
    assert sorted(headers) == sorted(chosen)
    (tmp_path / "map.yaml").write_bytes(column_mappings.mapping_file(chosen))
    code = cli.main(
        [
            "import",
            str(tmp_path / "theirs.csv"),
            "--instrument",
            "phq9",
            "--mapping",
            str(tmp_path / "map.yaml"),
            "--database",
            url,
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert count_rows(connect(url))["administrations"] == 2
    dispose(url)
