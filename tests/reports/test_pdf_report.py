"""The PDF report: it renders (pdftoppm), says what it shows, and hides small cells."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from report_data import SMALL_GROUP, session_answers, tiny_instrument

from analysis.groups import group_means
from ingest import read_responses
from measures import score
from privacy.suppression import Suppressor
from reports import pdf
from reports.content import report_content
from reports.pdf import write_pdf_report
from tests.conftest import unavailable

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "sample_data" / "demo_relational_connection_wide.xlsx"
ARTIFACTS = ROOT / "tests" / "artifacts"


def pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        unavailable("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())  # table cells wrap; compare on single spaces


def render(path: Path, folder: Path, resolution: int = 50, prefix: str = "page") -> list[Path]:
    if shutil.which("pdftoppm") is None:
        unavailable("pdftoppm (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", str(path), str(folder / prefix)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr, result.stderr
    return sorted(folder.glob(f"{prefix}-*.png"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Crafted per-session answers: 9 members in group '+1', 3 in group '@small'."""
    folder = tmp_path_factory.mktemp("tiny")
    instrument = tiny_instrument(folder)
    wide = session_answers()
    content = report_content(wide, instrument, source="tiny.csv", made=dt.date(2026, 9, 1))
    return wide, instrument, content


def test_the_demo_report_renders_with_every_section(tmp_path):
    if not DEMO.exists():
        pytest.skip("sample_data demo files not generated (python -m sample_data)")
    table = read_responses(DEMO, instrument="relational-connection")
    content = report_content(table.wide(), table.instrument, source=DEMO.name)
    path = write_pdf_report(content, tmp_path / "demo.pdf")
    pages = render(path, tmp_path)
    assert 3 <= len(pages) <= 8
    text = pdf_text(path)
    for heading in (
        "Outcome report: Relational connection",
        "Key results",
        "Reliability",
        "Change from pre to post",
        "Jacobson plot",
        "over sessions",
        "Groups",
    ):
        assert heading in text, heading
    assert "PR-A-01" not in text  # no member codes in the institution's report
    # Keep the rendered pages for a person to look at (tests/artifacts is not committed).
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(path, ARTIFACTS / "report_demo.pdf")
    render(path, ARTIFACTS, resolution=60, prefix="report_demo")


def test_small_groups_are_suppressed_and_the_report_says_so(tiny, tmp_path):
    wide, instrument, content = tiny
    path = write_pdf_report(content, tmp_path / "tiny.pdf")
    text = pdf_text(path)
    assert "Small-cell suppression applied" in text
    assert "fewer than 5: not shown" in text
    # The small group's name is listed, but not its mean or SD.
    scored = score(wide, instrument)
    means = group_means(scored[scored["timepoint"] == "session-1"], "total").set_index("group")
    small, big = means.loc[SMALL_GROUP], means.loc["+1"]
    assert f"{SMALL_GROUP} fewer than 5: not shown" in text
    assert f"{small['mean']:.2f} ({small['sd']:.2f})" not in text
    # With only two groups, the big one is hidden too (complementary suppression): the
    # session table's n and mean at session 1 minus the big group's would give the small
    # group's size and mean away.
    assert f"{big['mean']:.2f} ({big['sd']:.2f})" not in text
    assert render(path, tmp_path)


def test_the_threshold_is_a_parameter(tiny, tmp_path):
    wide, instrument, content = tiny
    path = write_pdf_report(content, tmp_path / "all.pdf", min_cell_size=1)
    text = pdf_text(path)
    assert ": not shown" not in text
    assert "nothing needed hiding" in text
    scored = score(wide, instrument)
    means = group_means(scored[scored["timepoint"] == "session-1"], "total").set_index("group")
    small = means.loc[SMALL_GROUP]
    assert f"{small['mean']:.2f} ({small['sd']:.2f})" in text
    stricter = pdf_text(write_pdf_report(content, tmp_path / "ten.pdf", min_cell_size=10))
    assert "fewer than 10: not shown" in stricter
    big = means.loc["+1"]
    assert f"{big['mean']:.2f} ({big['sd']:.2f})" not in stricter  # 9 members < 10


def test_session_means_and_slope_are_printed(tiny, tmp_path):
    _, _, content = tiny
    text = pdf_text(write_pdf_report(content, tmp_path / "sessions.pdf"))
    trend = content.trends[0].result
    assert f"estimates a change of {trend.slope:.3f} points per session" in text
    first = trend.sessions.iloc[0]
    assert f"1 {int(first['n'])} {first['mean']:.2f} {first['ci_low']:.2f} to" in text


def test_the_sessions_chart_runs_over_the_whole_scale_as_the_text_says(tiny, tmp_path, monkeypatch):
    # The tiny instrument's scale is 1-5 and its means lie near 3: the old axis ran from
    # about 2.8 to 3.6, so a change of a few tenths looked like a climb to the ceiling.
    _, _, content = tiny
    trend = content.trends[0].result
    figure = pdf._sessions_figure(trend.sessions, "Tiny total", trend, y_range=(1.0, 5.0))
    assert figure.axes[0].get_ylim() == pytest.approx((0.84, 5.16))
    # The report draws it so: every sessions chart it embeds is on the scale's range.
    drawn = []
    embed = pdf._figure_image
    monkeypatch.setattr(
        pdf, "_figure_image", lambda f, width: drawn.append(f.axes[0].get_ylim()) or embed(f, width)
    )
    path = tmp_path / "scale.pdf"
    write_pdf_report(content, path)
    assert pytest.approx((0.84, 5.16)) in drawn
    assert "on the whole scale (1 to 5)" in pdf_text(path)
    pages = render(path, tmp_path, resolution=80)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[-1], ARTIFACTS / "pdf-sessions-page.png")  # for a person to look at


def test_suppressor_counts():
    suppressor = Suppressor(5)
    assert [suppressor.count(n) for n in (0, 1, 4, 5, None)] == [
        "0",
        "fewer than 5: not shown",
        "fewer than 5: not shown",
        "5",
        "-",
    ]
    assert suppressor.suppressed == 2
    with pytest.raises(ValueError, match="1 or more"):
        Suppressor(0)


def test_a_pdf_name_is_required(tiny, tmp_path):
    with pytest.raises(ValueError, match=r"\.pdf"):
        write_pdf_report(tiny[2], tmp_path / "report.png")


def test_spanish_text_renders(tiny, tmp_path):
    _, _, content = tiny
    content = report_content(
        session_answers(sessions=2).assign(program="Programa de reinserción: niñas y mujeres"),
        content.instrument,
        source="respuestas_año.csv",
    )
    text = pdf_text(write_pdf_report(content, tmp_path / "es.pdf"))
    assert "Programa de reinserción: niñas y mujeres" in text
    assert "respuestas_año.csv" in text


def test_one_hidden_count_takes_a_second_with_it():
    """Categories add up to a published total: one hidden count alone is total - shown."""
    suppressor = Suppressor(5)
    hidden = suppressor.label
    # recovered, improved, unchanged, deteriorated, harmed of 12 members with both times:
    # shown alone, "unchanged" would be 12 - 9 - 0 = 3. The smallest other count goes too.
    # The second is marked "not shown": its own count (here 0) need not be small.
    assert suppressor.counts([None, 9, 3, 0, None]) == ["-", "9", hidden, "not shown", "-"]
    assert suppressor.suppressed == 2
    # Two small counts already hide each other; nothing else is hidden.
    assert suppressor.counts([2, 7, 3, 0, None]) == [hidden, "7", hidden, "0", "-"]
    # Nothing small: nothing hidden.
    assert suppressor.counts([None, 9, 5, 0, None]) == ["-", "9", "5", "0", "-"]


def test_the_pdf_never_lets_a_hidden_count_be_worked_out_from_the_total(tiny, tmp_path):
    """The tiny file: 9 of 12 members improved (JT), 3 unchanged, 0 deteriorated."""
    _, _, content = tiny
    change = content.change[0]
    assert change.change.n_pairs == 12
    assert change.methods["jt"].counts == {"improved": 9, "unchanged": 3, "deteriorated": 0}
    text = pdf_text(write_pdf_report(content, tmp_path / "complementary.pdf"))
    hidden = "fewer than 5: not shown"
    # Key results and the Jacobson-Truax row: unchanged and deteriorated both hidden, the
    # second marked "not shown" (its own count need not be small).
    assert f"improved 9, unchanged {hidden}, deteriorated not shown" in text
    row = f"9 {hidden} - not shown"
    assert f"Tiny total - {row}" in text
    assert f"Jacobson-Truax - {row}" in text
    assert "deteriorated 0" not in text
    # Groups: '@small' (3 of 12) alone would be 12 - 9; the other group is hidden with it.
    assert "+1 not shown" in text and f"{SMALL_GROUP} {hidden}" in text
    # One point per member would let the 3 unchanged be counted: no Jacobson plot.
    assert "Jacobson plot: not drawn." in text


def test_a_substance_use_report_carries_the_part2_notice(tiny, tmp_path):
    from dataclasses import replace

    from privacy.notice import PART2_NOTICE

    _, _, content = tiny
    plain = pdf_text(write_pdf_report(content, tmp_path / "plain.pdf"))
    assert "42 CFR part 2" not in plain
    flagged = replace(content, notice=PART2_NOTICE)
    text = pdf_text(write_pdf_report(flagged, tmp_path / "part2.pdf"))
    assert " ".join(PART2_NOTICE.split()) in text
    assert "redisclosure prohibited (notice on page 1)" in text


def test_a_small_new_session_does_not_take_over_change_or_reliability(tmp_path):
    # The new user's report: 5 of 12 members answered a new session; change and the
    # reliability shown stay on the sessions most members reached (analysis.timepoints).
    instrument = tiny_instrument(tmp_path)
    wide = session_answers(sessions=4)
    late = wide[wide["timepoint"] == "session-4"].head(5).assign(timepoint="session-5")
    content = report_content(pd.concat([wide, late], ignore_index=True), instrument)
    assert (content.pre, content.post) == ("session-1", "session-4")
    section = content.change[0]
    assert section.change.n_pairs == 12 and section.reliability_source.endswith("session-1")
    text = pdf_text(write_pdf_report(content, tmp_path / "late.pdf"))
    assert "to session-4 (12 members)" in text
    assert "session-5 (5 members)" in text
    reliability = text[text.index("Reliability") : text.index("Change from pre to post")]
    assert "session-5" not in reliability and "session-4" in reliability
