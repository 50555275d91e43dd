"""CLI wiring for the database: import, export, backup and restore.

Import and export are the app's use cases (`services.uploads`, `services.exports`) under the
command line's actor; backup and restore call `store.backup`. Messages go to stderr, and a
refused file stores nothing.
"""

from __future__ import annotations

import sys


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def import_command(args) -> int:
    """Check a response file, then store all of it in one transaction (or none of it).

    The Upload page's use case (`services.uploads`): the same checks, the same store, the
    same audit event, under the command line's actor (`access.accounts.cli_actor`).
    """
    from access.accounts import cli_actor
    from ingest.validate import DIFFERS_FROM_STORED
    from services.selection import database_url
    from services.uploads import check_import, store_upload

    url = database_url(args.database)
    replace = bool(getattr(args, "replace", False))
    checks = check_import(
        args.input,
        url,
        instrument=args.instrument,
        mapping=getattr(args, "mapping", None),
        replace=replace,
    )
    for check in checks:
        if check.report.problems:
            _say(str(check.report))
    if not all(check.ok for check in checks):
        differs = any(
            problem.kind == DIFFERS_FROM_STORED
            for check in checks
            for problem in check.report.errors
        )
        if differs:
            _say("To keep the file's answers instead, run import again with --replace.")
        return 2
    source = checks[0].table.source
    result = store_upload(checks, url, cli_actor(), replace=replace)
    if not result.committed:
        _say(f"{source}: {len(result.conflicts)} administration(s) differ from stored ones:")
        for conflict in result.conflicts:
            _say(f"  {conflict}")
        _say("Nothing was imported. Correct the file, or use --replace to overwrite them.")
        return 2
    print(
        f"{source}: {len(result.stored)} administration(s) stored, "
        f"{len(result.unchanged)} already there, {len(result.replaced)} replaced."
    )
    for replaced in result.replaced:
        print(f"  replaced {replaced}")
    return 0


def export_command(args) -> int:
    """Write every stored answer (long format) to csv or xlsx, formulas neutralised.

    The Export page's use case (`services.exports.export_to_file`) as the command line's
    administrator (`services.exports.command_line_user`): ``--deidentify`` replaces member
    codes with per-export pseudonyms and shifts dates (or, with ``--coarsen-dates``,
    reduces them to the month); data of a substance-use program carries the 42 CFR Part 2
    notice (privacy.exports). Audited as the page's downloads are.
    """
    from services.exports import ExportRequest, command_line_user, export_to_file
    from services.selection import database_url

    deidentify = bool(getattr(args, "deidentify", False))
    coarsen = bool(getattr(args, "coarsen_dates", False))
    if coarsen and not deidentify:
        raise ValueError(
            "--coarsen-dates goes with --deidentify (an identified export keeps dates)"
        )
    request = ExportRequest(
        url=database_url(args.database),
        user=command_line_user(),
        identified=not deidentify,
        coarsen_dates=coarsen,
    )
    written = export_to_file(request, args.out)
    print(f"{written.rows} answer(s) of {written.administrations} administration(s) -> {args.out}")
    if written.notice:
        print(
            "This export holds substance-use program data: the 42 CFR Part 2 notice is in "
            + (f"{written.files[1]}" if len(written.files) > 1 else "its second sheet"),
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
