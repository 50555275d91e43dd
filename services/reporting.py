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


def report_files(scope: Scope, context_by: str | None = None) -> ReportFiles:
    """Build the Excel workbook and the PDF report (reports/) of the scope's answers.

    `context_by` adds outcomes by that grouping (services.context: an about-me question,
    the language of answering, the mode): the PDF's section always hides groupings of
    fewer than 5 members, the workbook's only for a user who may not see member codes.
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
    content.repair = _repair_section(scope)
    if context_by is not None:
        content.context, content.context_published = _context_sections(scope, context_by)
    published = Suppressor() if scope.publishes() else None
    with tempfile.TemporaryDirectory() as folder:
        excel = write_excel_report(content, Path(folder) / "report.xlsx", published).read_bytes()
        pdf = write_pdf_report(content, Path(folder) / "report.pdf").read_bytes()
    key = key_results(content, Suppressor() if published else None)
    return ReportFiles(excel, pdf, key, len(wide), notice)


def _context_sections(scope: Scope, by: str):
    """The report's outcomes by `by`: as the scope's user may see it, and fit to publish."""
    from privacy.suppression import MIN_CELL_SIZE
    from services.context import context_view
    from services.context_tables import report_section

    instrument = instrument_by_id(scope.instrument)
    scale = instrument.scales[0].id
    published = report_section(context_view(scope, by, scale, MIN_CELL_SIZE), instrument)
    if scope.publishes():
        return published, published
    return report_section(context_view(scope, by, scale), instrument), published


def _repair_section(scope: Scope):
    """The report's "Does repair matter here?" section for the scope's stored answers."""
    from reports.content import RepairSection
    from services.repair_effect import repair_effect

    effect = repair_effect(scope)
    scale = instrument_by_id(scope.instrument).scale(effect.scale).name
    return RepairSection(
        table=effect.table,
        published=effect.published,
        words=(
            f"Change in {scale} from {effect.pre} to {effect.post} (after − before), by how "
            "members' disconnections ended: every disconnection was followed until the "
            "member's check-in came back (reconnected) or did not."
        ),
        caveat=effect.caveat,
        problem=effect.problem,
    )


# Reports of a file (the command line) -------------------------------------------------------


@dataclass(frozen=True)
class WrittenReport:
    """The report files written for a spreadsheet, and the Part 2 notice they carry."""

    instrument: str
    paths: list[Path]
    notice: str | None


def part2_notice_for_file(
    programs, database: str | None = None, always: bool = False
) -> str | None:
    """The 42 CFR Part 2 notice for a report of `programs`, or None.

    Given when `always`, or when any of the programs is flagged substance-use in the
    database (`database`, ``$DATABASE_URL``, else the local SQLite file when it exists: a
    report of a file never creates a database).
    """
    import os

    from privacy.notice import PART2_NOTICE, notice_for
    from store.engines import DATABASE_FILENAME, data_dir
    from store.roster import list_programs

    if always:
        return PART2_NOTICE
    url = database or os.environ.get("DATABASE_URL")
    if url is None and not (data_dir() / DATABASE_FILENAME).exists():
        return None
    return notice_for(list_programs(engine_for(url)), programs)


def report_of_file(
    input_file: str | Path,
    instrument: str | None,
    out: str | Path,
    pdf: str | Path | None = None,
    *,
    mapping: str | Path | None = None,
    database: str | None = None,
    part2_notice: bool = False,
    min_cell_size: int | None = None,
) -> WrittenReport:
    """Write the Excel workbook (and the PDF) of a spreadsheet's answers.

    The file is read and checked as every analysis reads a file (`services.files`), and the
    report says what the Change page says for the same answers (`reports.content`, one
    pre/post pipeline). Raises ValueError when a file name has the wrong extension.
    """
    from privacy.suppression import MIN_CELL_SIZE
    from reports.content import report_content
    from reports.excel import write_excel_report
    from reports.pdf import write_pdf_report
    from services.files import answers_from_file

    for what, path, suffix in (("the workbook", out, ".xlsx"), ("the PDF", pdf, ".pdf")):
        if path is not None and Path(path).suffix.lower() != suffix:
            raise ValueError(f"{path}: name {what} ....{suffix}")
    answers = answers_from_file(input_file, instrument=instrument, mapping=mapping)
    wide = answers.wide()
    programs = wide["program"].dropna().unique() if "program" in wide else []
    notice = part2_notice_for_file(programs, database, always=part2_notice)
    content = report_content(
        wide, answers.instrument, source=Path(answers.source).name, notice=notice
    )
    paths = [write_excel_report(content, out)]
    if pdf:
        paths.append(write_pdf_report(content, pdf, min_cell_size=min_cell_size or MIN_CELL_SIZE))
    return WrittenReport(answers.instrument.id, [Path(p) for p in paths], notice)


def template_file(instrument: str, out: str | Path) -> Path:
    """Write the data-entry workbook of an instrument (reports.template) to `out`."""
    from reports.template import write_template

    return Path(write_template(instrument, out))


def roundrobin_template_file(out: str | Path) -> Path:
    """Write the round-robin data-entry workbook (reports.roundrobin_template) to `out`."""
    from reports.roundrobin_template import write_roundrobin_template

    return write_roundrobin_template(out)
