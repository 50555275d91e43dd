"""CLI wiring for the database: import, export, backup and restore.

Each command is a few lines over `ingest` and `store` calls; messages go to stderr, and a
refused file stores nothing.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pandas as pd

from measures import load_instrument


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _by_instrument(table):
    """Split a file naming several instruments (an export, say) into one table per instrument."""
    long = table.long
    if "instrument" not in long or long["instrument"].dropna().nunique() <= 1:
        return [table]
    parts = []
    for instrument_id, rows in long.groupby(long["instrument"].fillna(table.instrument.id)):
        parts.append(
            dataclasses.replace(
                table,
                long=rows,
                instrument=load_instrument(str(instrument_id)),
                row_numbers=table.row_numbers.reindex(rows.index),
            )
        )
    return parts


def import_command(args) -> int:
    """Validate a response file, then store all of it in one transaction (or none of it)."""
    from ingest import read_responses, validate_responses
    from store import administrations_from_table, connect, load_responses, save_administrations

    engine = connect(args.database)
    table = read_responses(args.input, instrument=args.instrument)
    parts = [table] if args.instrument else _by_instrument(table)
    replace = bool(getattr(args, "replace", False))
    refused = False
    for part in parts:
        stored = load_responses(engine, instrument=part.instrument.id)
        report = validate_responses(part, stored=stored, replace=replace)
        if report.problems:
            _say(str(report))
        refused = refused or not report.ok
    if refused:
        return 2
    name = Path(table.source).name
    administrations = []
    for part in parts:
        administrations += administrations_from_table(
            part.long,
            part.instrument,
            source=table.source,
            layout=part.layout,
            entered_by=f"import {name}"[:100],
        )
    result = save_administrations(engine, administrations, replace=replace, source=name)
    if not result.committed:
        _say(f"{table.source}: {len(result.conflicts)} administration(s) differ from stored ones:")
        for conflict in result.conflicts:
            _say(f"  {conflict}")
        _say("Nothing was imported. Correct the file, or use --replace to overwrite them.")
        return 2
    from access.accounts import cli_actor
    from store import audit

    audit.record(
        engine,
        cli_actor(),
        audit.IMPORT,
        {
            "file": name,
            "stored": len(result.stored),
            "unchanged": len(result.unchanged),
            "replaced": len(result.replaced),
        },
    )
    print(
        f"{table.source}: {len(result.stored)} administration(s) stored, "
        f"{len(result.unchanged)} already there, {len(result.replaced)} replaced."
    )
    for replaced in result.replaced:
        print(f"  replaced {replaced}")
    return 0


def export_frame(engine) -> pd.DataFrame:
    """Every stored item response in the long spreadsheet format, ready to write."""
    from privacy.exports import export_cells
    from store import load_responses

    return export_cells(load_responses(engine))


def export_command(args) -> int:
    """Write every stored answer (long format) to csv or xlsx, formulas neutralised.

    ``--deidentify`` replaces member codes with per-export pseudonyms and shifts dates (or,
    with ``--coarsen-dates``, reduces them to the month); data of a substance-use program
    carries the 42 CFR Part 2 notice (privacy.exports).
    """
    from access.accounts import cli_actor
    from privacy.deidentify import deidentify_responses
    from privacy.exports import write_export
    from privacy.notice import notice_for
    from store import audit, connect
    from store.repository import list_programs

    deidentify = bool(getattr(args, "deidentify", False))
    coarsen = bool(getattr(args, "coarsen_dates", False))
    if coarsen and not deidentify:
        raise ValueError(
            "--coarsen-dates goes with --deidentify (an identified export keeps dates)"
        )
    engine = connect(args.database)
    frame = export_frame(engine)
    notice = notice_for(list_programs(engine), frame["program"].unique())
    if deidentify:
        frame = deidentify_responses(frame, coarsen=coarsen)
    out = Path(args.out)
    written = write_export(frame, out, notice)
    administrations = frame[["member", "instrument", "timepoint"]].drop_duplicates()
    audit.record(
        engine,
        cli_actor(),
        audit.EXPORT,
        {
            "file": out.name,
            "deidentified": deidentify,
            "dates": ("month" if coarsen else "shifted") if deidentify else "exact",
            "answers": len(frame),
            "administrations": len(administrations),
            "part2_notice": notice is not None,
        },
    )
    print(f"{len(frame)} answer(s) of {len(administrations)} administration(s) -> {out}")
    if notice:
        print(
            "This export holds substance-use program data: the 42 CFR Part 2 notice is in "
            + (f"{written[1]}" if len(written) > 1 else "its second sheet"),
            file=sys.stderr,
        )
    return 0


def backup_command(args) -> int:
    """SQLite: an online backup to a new file. PostgreSQL: pg_dump when it is installed.

    The backup holds every member code and answer, unencrypted: it is recorded in the audit
    trail (store.audit BACKUP) like an export, by services.admin.
    """
    from access.accounts import cli_actor
    from services.admin import backup_to

    print(backup_to(args.out, args.database, by=cli_actor()))
    return 0


def restore_command(args) -> int:
    """SQLite: replace the database with a backup (the current one is kept aside first).

    Recorded (store.audit RESTORE) in the restored database, whose trail is the backup's.
    """
    from access.accounts import cli_actor
    from services.admin import restore_from

    print(restore_from(args.backup, args.database, by=cli_actor()))
    return 0
