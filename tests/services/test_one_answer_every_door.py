"""One file, one answer: the Change page, ``cli.py change --json`` and both reports agree.

Issue 11's "Done when": one PHQ-9 file (pre/post, a published cutoff of 10) and one
Mutuality check-in file (six numbered sessions, no norms) go through

(a) the Change page's view: the file stored in a real SQLite database by the upload use case
    (``services.uploads.check_upload`` / ``store_upload``), then ``services.analyses.change``;
(b) the CLI: ``cli.main(["change", ..., "--json"])``;
(c) the Excel report, opened with openpyxl (the Change sheet's table of counts by method);
(d) the PDF report, read back with ``pdftotext -layout`` (its table of every method),

and the counts of recovered, improved, unchanged, deteriorated and harmed must be identical
for every reliable change method and every cutoff choice. Where a choice cannot be used (the
check-in publishes no cutoff; neither instrument has a functional population for b and c),
every door must say so the same way: the page and the reports show the change without
recovered and harmed, with the same reason, and the CLI refuses with that reason. Where the
data do not allow a method (HLM on two timepoints), no door shows counts for it.

The workbook of the instrument's default cutoff (published for PHQ-9, none for the check-in)
comes from the real ``cli.py report``; the others from ``reports.content.report_content`` with
the cutoff chosen, as the page would choose it. The PDFs are written with every count shown
(``min_cell_size=1``): small-cell suppression is a privacy rule tested in tests/reports.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

import cli
from analysis.labels import machine_name
from analysis.reliable_change import CATEGORIES, METHODS
from ingest import read_responses
from reports.content import METHOD_NAMES, report_content
from reports.excel import write_excel_report
from reports.pdf import write_pdf_report
from services import analyses, selection, uploads
from store.db import dispose
from tests.services.change_files import checkin_file, phq9_file

#: Per file: its pre and post, the cutoffs to try (the default one first) and a number.
CASES = {
    "phq9": {"pre": "pre", "post": "post", "number": 12.0, "default": "published"},
    "mutuality-checkin": {"pre": "session-1", "post": "session-6", "number": 3.5, "default": None},
}
CUTOFFS = ["published", "a", "b", "c", "number", None]
PDFTOTEXT = shutil.which("pdftotext")


FILES = {"phq9": phq9_file, "mutuality-checkin": checkin_file}


def full(counts: dict | None) -> dict | None:
    """Counts with every category (None for one not in play), or None for no counts."""
    return None if not counts else {c: counts.get(c) for c in CATEGORIES}


def choice(instrument: str, cutoff):
    """The cutoff as the page passes it: a number for "number"."""
    return CASES[instrument]["number"] if cutoff == "number" else cutoff


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Both files on disk and stored in one real SQLite database through the upload use case."""
    folder = tmp_path_factory.mktemp("one_answer")
    url = f"sqlite:///{folder / 'doors.sqlite'}"
    paths = {}
    for instrument, make in FILES.items():
        data = make().to_csv(index=False).encode()
        paths[instrument] = folder / f"{instrument}.csv"
        paths[instrument].write_bytes(data)
        check = uploads.check_upload(data, paths[instrument].name, url, None, instrument)
        assert check.ok, (check.error, str(check.report))
        assert uploads.store_upload(check, url, "tests").committed
    yield url, paths, folder
    dispose(url)


_reports: dict = {}


def reports_of(stored, instrument: str, cutoff) -> tuple[dict, str, object, list[str]]:
    """The Excel counts by method, the PDF's text, the report's content, the Excel notes."""
    key = (instrument, cutoff)
    if key in _reports:
        return _reports[key]
    _, paths, folder = stored
    out = folder / f"{instrument}-{cutoff}"
    table = read_responses(paths[instrument], instrument=instrument)
    if cutoff == CASES[instrument]["default"]:
        # The instrument's default cutoff: the workbook of the real `cli.py report`.
        code = cli.main(
            ["report", str(paths[instrument]), "--instrument", instrument, "--out", f"{out}.xlsx"]
        )
        assert code == 0
        content = report_content(table.wide(), table.instrument)
    else:
        content = report_content(table.wide(), table.instrument, cutoff=choice(instrument, cutoff))
        write_excel_report(content, f"{out}.xlsx")
    # Every count printed (1 shows all): small-cell suppression is tested in tests/reports.
    write_pdf_report(content, f"{out}.pdf", min_cell_size=1)
    text = subprocess.run(
        [PDFTOTEXT, "-layout", f"{out}.pdf", "-"], capture_output=True, text=True, check=True
    ).stdout
    _reports[key] = (excel_counts(f"{out}.xlsx"), text, content, excel_notes(f"{out}.xlsx"))
    return _reports[key]


def excel_notes(path: str) -> list[str]:
    """The first-column texts of the Change sheet (its notes among them)."""
    sheet = load_workbook(path, read_only=True)["Change"]
    return [str(row[0]) for row in sheet.iter_rows(values_only=True) if row and row[0]]


def excel_counts(path: str) -> dict:
    """{method: counts or None} of the scale "total" from the Change sheet."""
    sheet = load_workbook(path, read_only=True)["Change"]
    rows = list(sheet.iter_rows(values_only=True))
    # The headers are worded ("Scale", "Method"): read back through analysis.labels.
    start = next(i for i, row in enumerate(rows) if row[:2] == ("Scale", "Method"))
    header = [machine_name(h) for h in rows[start]]
    found = {}
    for row in rows[start + 1 :]:
        if row[0] is None:
            break
        record = dict(zip(header, row, strict=False))
        if record["scale"] == "total":
            counts = {c: record[c] for c in CATEGORIES}
            found[record["method"]] = None if all(v is None for v in counts.values()) else counts
    return found


def pdf_counts(text: str, method: str) -> dict | None:
    """One method's row of the PDF's "Every reliable change method" table."""
    table = text[text.index("Every reliable change method on") :]
    line = next(
        line.strip() for line in table.splitlines() if line.strip().startswith(METHOD_NAMES[method])
    )
    cells = line[len(METHOD_NAMES[method]) :].split()
    if cells[:2] == ["not", "computed:"]:
        return None
    assert len(cells) == 5, line
    return {
        c: None if cell == "-" else int(cell) for c, cell in zip(CATEGORIES, cells, strict=True)
    }


def cli_change(capsys, path: Path, instrument: str, method: str, cutoff) -> tuple[int, dict, str]:
    case = CASES[instrument]
    argv = ["change", str(path), "--instrument", instrument, "--scale", "total"]
    argv += ["--pre", case["pre"], "--post", case["post"], "--method", method, "--json"]
    if cutoff is not None:
        argv += ["--cutoff", str(choice(instrument, cutoff))]
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, json.loads(out.out) if code == 0 else {}, out.err


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("cutoff", CUTOFFS, ids=lambda c: str(c).lower())
@pytest.mark.parametrize("instrument", list(CASES))
def test_every_door_gives_the_same_counts(stored, capsys, instrument, cutoff):
    url, paths, _ = stored
    case = CASES[instrument]
    scope = selection.Scope(url, selection.data_version(url), instrument)
    workbook, pdf_text, content, notes = reports_of(stored, instrument, cutoff)
    section = next(s for s in content.change if s.scale == "total")
    assert (content.pre, content.post) == (case["pre"], case["post"])
    computed = 0
    for method in METHODS:
        view = analyses.change(
            scope, "total", case["pre"], case["post"], method, choice(instrument, cutoff)
        )
        on_page = full(view.result.counts)
        in_report = full(section.methods[method].counts)
        code, payload, error = cli_change(capsys, paths[instrument], instrument, method, cutoff)
        assert on_page == in_report == workbook[method] == pdf_counts(pdf_text, method), method
        # The page and the reports say the same about the reliability and the cutoff.
        assert view.reliability_source == section.reliability_source
        assert view.result.cutoff == section.methods[method].cutoff, method
        if method == "jt":
            assert view.used == section.used
        assert view.cutoff_problem == section.cutoff_problem
        if view.cutoff_problem is None:
            assert code == 0, error
            assert full(payload["methods"][method]["counts"]) == on_page, method
            assert payload["cutoff_words"] == view.cutoff_words
            assert payload["reliability_words"] == view.reliability_source
        else:
            # The command line refuses a cutoff it cannot use, with the page's reason.
            assert code == 2 and view.cutoff_problem in error, error
            assert on_page is None or on_page["recovered"] is None, method
        if on_page is not None:
            computed += 1
            assert sum(on_page[c] or 0 for c in CATEGORIES) > 0
    # HLM needs three numbered sessions: the PHQ-9's pre and post alone do not allow it.
    assert computed == (6 if instrument == "phq9" else 7)
    # Both reports name the cutoff and reliability used, in the page's words.
    for sentence in section.used:
        assert f"{section.scale_name}: {sentence}" in notes
        assert sentence.split(": ", 1)[1][:40] in " ".join(pdf_text.split())


def test_the_published_cutoff_recovers_members_on_every_door(stored, capsys):
    """The bug of issue 11: the page said "none recovered" where the reports said 11."""
    url, paths, _ = stored
    scope = selection.Scope(url, selection.data_version(url), "phq9")
    view = analyses.change(scope, "total", "pre", "post", "jt", "published")
    assert view.result.cutoff.type == "published" and view.result.cutoff.value == 10
    assert view.cutoff_words == "published cutoff, 10"
    assert view.result.counts["recovered"] > 0
    code, payload, _ = cli_change(capsys, paths["phq9"], "phq9", "jt", "published")
    assert code == 0 and payload["cutoff"] == {"type": "published", "value": 10.0}
    workbook, pdf_text, _, notes = reports_of(stored, "phq9", "published")
    assert workbook["jt"]["recovered"] == view.result.counts["recovered"]
    assert "Clinical cutoff used: published cutoff, 10." in " ".join(pdf_text.split())
    assert "PHQ-9 total: Clinical cutoff used: published cutoff, 10." in notes
    # The reliability is the published one, named with its source, on every door.
    assert view.reliability_source.startswith("published (Kroenke, Spitzer & Williams (2001)")
    assert (
        payload["reliability"] == 0.89 and payload["reliability_words"] == view.reliability_source
    )
