"""Wiring for `report` and `template`: Excel/PDF reports and data-entry workbooks."""

from __future__ import annotations

import sys


def template_command(args) -> int:
    """`python cli.py template --instrument ID|PATH --out FILE.xlsx`: a data-entry workbook."""
    from reports.template import write_template

    path = write_template(args.instrument, args.out)
    print(f"Wrote a data-entry workbook for {args.instrument} -> {path}", file=sys.stderr)
    return 0


def part2_notice(args, programs) -> str | None:
    """The 42 CFR Part 2 notice for a report of `programs`, or None.

    Given when ``--part2-notice`` is set, or when any of the programs is flagged
    substance-use in the database (``--database``, ``$DATABASE_URL``, else the local SQLite
    file when it exists: a report of a file never creates a database).
    """
    import os

    from privacy.notice import PART2_NOTICE, notice_for
    from store.db import connect
    from store.engines import DATABASE_FILENAME, data_dir
    from store.roster import list_programs

    if getattr(args, "part2_notice", False):
        return PART2_NOTICE
    url = getattr(args, "database", None) or os.environ.get("DATABASE_URL")
    if url is None and not (data_dir() / DATABASE_FILENAME).exists():
        return None
    return notice_for(list_programs(connect(url)), programs)


def report_command(args) -> int:
    """`python cli.py report INPUT --instrument ID --out REPORT.xlsx [--pdf REPORT.pdf]`."""
    from pathlib import Path

    from ingest import read_responses, validate_responses
    from privacy.suppression import MIN_CELL_SIZE
    from reports.content import report_content
    from reports.excel import write_excel_report
    from reports.pdf import write_pdf_report

    for option, path, suffix in (("--out", args.out, ".xlsx"), ("--pdf", args.pdf, ".pdf")):
        if path is not None and Path(path).suffix.lower() != suffix:
            raise ValueError(f"{option} {path}: name the file ....{suffix}")
    table = read_responses(args.input, instrument=args.instrument)
    validate_responses(table).raise_for_errors()
    wide = table.wide()
    programs = wide["program"].dropna().unique() if "program" in wide else []
    notice = part2_notice(args, programs)
    content = report_content(wide, table.instrument, source=Path(table.source).name, notice=notice)
    written = [write_excel_report(content, args.out)]
    if args.pdf:
        min_cell = getattr(args, "min_cell_size", None) or MIN_CELL_SIZE
        written.append(write_pdf_report(content, args.pdf, min_cell_size=min_cell))
    print(
        f"Wrote the {table.instrument.id} report -> {', '.join(map(str, written))}", file=sys.stderr
    )
    if notice:
        print(
            "This report holds substance-use program data; it carries the 42 CFR Part 2 "
            "notice:\n" + notice,
            file=sys.stderr,
        )
    return 0
