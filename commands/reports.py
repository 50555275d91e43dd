"""Wiring for `report` and `template`: Excel/PDF reports and data-entry workbooks.

Argument handling and printing only: the use cases are `services.reporting.report_of_file`
and `services.reporting.template_file`.
"""

from __future__ import annotations

import sys
from pathlib import Path


def template_command(args) -> int:
    """`python cli.py template --instrument ID|PATH --out FILE.xlsx`: a data-entry workbook.

    With ``--roundrobin``: the round-robin workbook (reports.roundrobin_template).
    """
    from services.reporting import roundrobin_template_file, template_file

    if args.roundrobin:
        path = roundrobin_template_file(args.out)
        print(f"Wrote a round-robin data-entry workbook -> {path}", file=sys.stderr)
        return 0
    if not args.instrument:
        raise ValueError("name the instrument with --instrument ID|PATH (or give --roundrobin)")
    path = template_file(args.instrument, args.out)
    print(f"Wrote a data-entry workbook for {args.instrument} -> {path}", file=sys.stderr)
    return 0


def report_command(args) -> int:
    """`python cli.py report INPUT --instrument ID --out REPORT.xlsx [--pdf REPORT.pdf]`."""
    from services.reporting import report_of_file

    for option, path, suffix in (("--out", args.out, ".xlsx"), ("--pdf", args.pdf, ".pdf")):
        if path is not None and Path(path).suffix.lower() != suffix:
            raise ValueError(f"{option} {path}: name the file ....{suffix}")
    written = report_of_file(
        args.input,
        args.instrument,
        args.out,
        args.pdf,
        mapping=getattr(args, "mapping", None),
        database=getattr(args, "database", None),
        part2_notice=getattr(args, "part2_notice", False),
        min_cell_size=getattr(args, "min_cell_size", None),
    )
    print(
        f"Wrote the {written.instrument} report -> {', '.join(map(str, written.paths))}",
        file=sys.stderr,
    )
    if written.notice:
        print(
            "This report holds substance-use program data; it carries the 42 CFR Part 2 "
            "notice:\n" + written.notice,
            file=sys.stderr,
        )
    return 0
