"""Reports of stored answers: the Excel workbook and the PDF of a scope, as bytes."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from services.catalog import instrument_by_id
from services.selection import Scope, engine_for, wide_answers

# Reports ------------------------------------------------------------------------------------


@dataclass
class ReportFiles:
    """The Excel and PDF reports of a scope, as bytes, with their key results in words."""

    excel: bytes
    pdf: bytes
    key_results: list[str]
    administrations: int
    #: The 42 CFR Part 2 notice both files carry (a substance-use program is in the scope).
    notice: str | None = None


def report_name(scope: Scope) -> str:
    """The report's file name without extension: ``mutuality-checkin-pr-a``.

    Starts with ``mutuality-`` once (instrument ids such as ``mutuality-checkin`` already
    do), then the instrument and the group, program or ``all``, in lower-case words joined
    by hyphens.
    """
    words = [scope.instrument, scope.group or scope.program or "all"]
    slug = "-".join(re.sub(r"[^a-z0-9]+", "-", w.lower()).strip("-") for w in words)
    return slug if slug.startswith("mutuality-") else f"mutuality-{slug}"


def report_files(scope: Scope) -> ReportFiles:
    """Build the Excel workbook and the PDF report (reports/) of the scope's answers.

    Raises ValueError when the scope has no answers.
    """
    from privacy.notice import notice_for
    from privacy.suppression import Suppressor
    from reports.content import key_results, report_content
    from reports.excel import write_excel_report
    from reports.pdf import write_pdf_report
    from store.roster import list_programs

    # The scope's answers as its user may see them: a facilitator's own groups only, an
    # evaluator's with pseudonyms and shifted dates (access.scope via `responses`).
    wide = wide_answers(scope)
    if wide.empty:
        raise ValueError("there are no answers in this selection to report on")
    programs = wide["program"].dropna().unique() if "program" in wide else []
    notice = notice_for(list_programs(engine_for(scope.url)), programs)
    content = report_content(
        wide,
        instrument_by_id(scope.instrument),
        source=f"Mutuality, {scope.describe()}",
        notice=notice,
    )
    published = Suppressor() if scope.publishes() else None
    with tempfile.TemporaryDirectory() as folder:
        excel = write_excel_report(content, Path(folder) / "report.xlsx", published).read_bytes()
        pdf = write_pdf_report(content, Path(folder) / "report.pdf").read_bytes()
    key = key_results(content, Suppressor() if published else None)
    return ReportFiles(excel, pdf, key, len(wide), notice)
