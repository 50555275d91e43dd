"""Mutuality's command line, for evaluators and batch work: the parser.

Each command hands its arguments to `commands/` (argument handling and printing), which
calls `services/`, the use cases the app calls too. The commands and their JSON are a contract
(ARCHITECTURE.md, "Command line"). Bad input exits non-zero with a message naming the file,
row, column and problem, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys

from commands.output import emit_json

EXIT_BAD_INPUT = 2


# Commands: each hands its arguments to commands/ --------------------------------------


def cmd_instruments(args) -> int:
    """List the instruments: the built-in library, then users' own."""
    from commands.instruments import instruments_command

    return instruments_command(args, emit_json)


def cmd_score(args) -> int:
    """Score a wide or long response file: one row per administration."""
    from commands.score import score_command

    return score_command(args)


def cmd_reliability(args) -> int:
    """Reliability of each scale at each timepoint."""
    from commands.reliability import reliability_command

    return reliability_command(args, emit_json)


def cmd_change(args) -> int:
    """Pre/post change, reliable change and clinical significance."""
    from commands.change import change_command

    return change_command(args, emit_json)


def cmd_groups(args) -> int:
    """Members nested in groups: ICC(1), ICC(2), design effect, group means."""
    from commands.groups import groups_command

    return groups_command(args, emit_json)


def cmd_trend(args) -> int:
    """Trend of a scale over sessions (mixed model)."""
    from commands.trend import trend_command

    return trend_command(args, emit_json)


def cmd_report(args) -> int:
    """Excel (and optionally PDF) report of a response file."""
    from commands.reports import report_command

    return report_command(args)


def cmd_template(args) -> int:
    """A data-entry workbook for an instrument."""
    from commands.reports import template_command

    return template_command(args)


def cmd_import(args) -> int:
    """Import a response file into the database."""
    from commands.store import import_command

    return import_command(args)


def cmd_export(args) -> int:
    """Export every stored answer in the long format."""
    from commands.store import export_command

    return export_command(args)


def cmd_backup(args) -> int:
    """Back up the database."""
    from commands.store import backup_command

    return backup_command(args)


def cmd_restore(args) -> int:
    """Restore a SQLite backup."""
    from commands.store import restore_command

    return restore_command(args)


def cmd_user_add(args) -> int:
    """Add a staff user."""
    from commands.users import user_add_command

    return user_add_command(args)


def cmd_user_reset_password(args) -> int:
    """Reset a staff user's password."""
    from commands.users import user_reset_password_command

    return user_reset_password_command(args)


def cmd_user_list(args) -> int:
    """List staff users."""
    from commands.users import user_list_command

    return user_list_command(args)


def cmd_member_withdraw(args) -> int:
    """Delete a member's data everywhere."""
    from commands.members import member_withdraw_command

    return member_withdraw_command(args)


def cmd_roundrobin(args) -> int:
    """The Social Relations Model of round-robin ratings."""
    from commands.roundrobin import roundrobin_command

    return roundrobin_command(args, emit_json)


def cmd_member_describe(args) -> int:
    """Store members' about-me answers from a file."""
    from commands.members import member_describe_command

    return member_describe_command(args)


def cmd_bundle_export(args) -> int:
    """Write an encrypted transfer bundle."""
    from commands.bundle import bundle_export_command

    return bundle_export_command(args)


def cmd_bundle_import(args) -> int:
    """Import an encrypted transfer bundle."""
    from commands.bundle import bundle_import_command

    return bundle_import_command(args)


def cmd_repairs(args) -> int:
    """Every disconnection followed to its outcome, with the counts."""
    from commands.repairs import repairs_command

    return repairs_command(args, emit_json)


def cmd_context(args) -> int:
    """Outcomes of a response file by a column of members' self-descriptions."""
    from commands.context import context_command

    return context_command(args, emit_json)


def cmd_dif(args) -> int:
    """Differential item functioning of a scale's items by a grouping column."""
    from commands.dif import dif_command

    return dif_command(args, emit_json)


# Parser --------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command (each with help text)."""
    parser = argparse.ArgumentParser(
        prog="python cli.py",
        description="Mutuality: outcomes of relational therapy groups, from the command line.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, handler, help_text):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    def instrument_option(p, required=True):
        p.add_argument(
            "--instrument",
            required=required,
            metavar="ID|PATH",
            help="built-in instrument id (see `instruments`) or a path to your own YAML file",
        )

    def mapping_option(p):
        p.add_argument(
            "--mapping",
            metavar="FILE",
            help="YAML or csv file mapping your column names to ours (e.g. `ID: member`)",
        )

    def grouping_options(p, min_cell_help):
        """INPUT, --instrument, --by, --scale and --min-cell-size of `context` and `dif`."""
        p.add_argument("input", metavar="INPUT", help="response file")
        instrument_option(p)
        p.add_argument(
            "--by",
            required=True,
            metavar="COLUMN",
            help="the file's column holding each administration's grouping (e.g. language)",
        )
        p.add_argument("--scale", help="scale id (default: the instrument's first scale)")
        p.add_argument(
            "--min-cell-size",
            type=int,
            default=5,
            metavar="N",
            help=f"{min_cell_help} (default 5)",
        )

    def database_option(p):
        p.add_argument(
            "--database",
            metavar="URL",
            help="SQLAlchemy URL; defaults to $DATABASE_URL, then the local SQLite file",
        )

    p = command(
        "instruments",
        cmd_instruments,
        "List the instruments: the built-in library, then your own (added in Settings).",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("score", cmd_score, "Score a response file: one row per administration.")
    p.add_argument("input", metavar="INPUT", help="csv, xlsx, xls or ods file (long or wide)")
    instrument_option(p)
    p.add_argument("--out", metavar="FILE", help="csv or xlsx to write (default: stdout as csv)")
    mapping_option(p)

    p = command("reliability", cmd_reliability, "Reliability of each scale and timepoint.")
    p.add_argument("input", metavar="INPUT", help="response file")
    instrument_option(p)
    p.add_argument("--scale", help="only this scale")
    p.add_argument("--timepoint", help="only this timepoint")
    p.add_argument(
        "--missing",
        choices=["pairwise", "listwise"],
        default="pairwise",
        help="missing-data handling (default pairwise, as psych::alpha)",
    )
    mapping_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("change", cmd_change, "Pre/post change, reliable change, clinical significance.")
    p.add_argument("input", metavar="INPUT", help="response file")
    instrument_option(p)
    mapping_option(p)
    p.add_argument("--scale", required=True, help="scale id")
    p.add_argument("--pre", required=True, metavar="T1", help="timepoint before")
    p.add_argument("--post", required=True, metavar="T2", help="timepoint after")
    p.add_argument(
        "--method",
        default="all",
        choices=["jt", "gln", "hll", "en", "nk", "ha", "hlm", "all"],
        help="reliable change method (default all)",
    )
    p.add_argument(
        "--reliability",
        type=float,
        metavar="R",
        help="reliability to use (default: the instrument's norms, else the sample alpha)",
    )
    p.add_argument(
        "--cutoff",
        metavar="published|a|b|c|NUMBER",
        help="clinical cutoff: the instrument's published one, Jacobson-Truax a, b or c, or a "
        "score (default: none)",
    )
    p.add_argument("--functional-mean", type=float, metavar="M", help="functional population mean")
    p.add_argument("--functional-sd", type=float, metavar="SD", help="functional population SD")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("groups", cmd_groups, "Members nested in groups: ICC and group means.")
    p.add_argument("input", metavar="INPUT", help="response file")
    instrument_option(p)
    p.add_argument("--scale", required=True, help="scale id")
    p.add_argument("--timepoint", help="timepoint (default: the first)")
    mapping_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("trend", cmd_trend, "Trend of a scale over sessions (mixed model).")
    p.add_argument("input", metavar="INPUT", help="response file")
    instrument_option(p)
    p.add_argument("--scale", required=True, help="scale id")
    mapping_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command(
        "repairs",
        cmd_repairs,
        "Disconnections followed until the member reconnects, stays disconnected or leaves.",
    )
    database_option(p)
    p.add_argument("--program", help="only this program")
    p.add_argument("--group", help="only this group")
    p.add_argument(
        "--window",
        type=int,
        default=2,
        metavar="N",
        help="check-ins after an alert that decide whether the member reconnected (default 2)",
    )
    p.add_argument(
        "--deidentify",
        action="store_true",
        help="counts and rates only: no member codes, no recorded actions",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command(
        "context",
        cmd_context,
        "Outcomes by members' own descriptions of themselves (a column of the file).",
    )
    grouping_options(p, "hide groupings of fewer than N members, and the next smallest if one is")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command(
        "dif",
        cmd_dif,
        "Does each item of a scale measure the same in every grouping (ordinal logistic DIF)?",
    )
    grouping_options(p, "leave out groupings of fewer than N members, counts not shown")
    p.add_argument(
        "--timepoint", help="only this timepoint (default: each member's first answer set)"
    )
    p.add_argument(
        "--every-answer-set",
        action="store_true",
        help="use every answer set, repeated ones of a member too (p-values then too small)",
    )
    p.add_argument(
        "--no-purify",
        action="store_true",
        help="match on every item's score in one pass (default: flagged items leave the score)",
    )
    p.add_argument(
        "--alpha",
        type=float,
        default=0.01,
        help="flag an item when a likelihood-ratio test has p at or below this (default 0.01)",
    )
    p.add_argument(
        "--min-cell",
        type=int,
        default=5,
        metavar="N",
        help="merge answer categories with fewer than N answers in a grouping (default 5)",
    )
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command("report", cmd_report, "Excel report (and PDF with --pdf) of a response file.")
    p.add_argument("input", metavar="INPUT", help="response file")
    instrument_option(p)
    mapping_option(p)
    p.add_argument("--out", required=True, metavar="REPORT.xlsx", help="Excel file to write")
    p.add_argument("--pdf", metavar="REPORT.pdf", help="also write a PDF report")
    database_option(p)
    p.add_argument(
        "--part2-notice",
        action="store_true",
        help="add the 42 CFR Part 2 redisclosure notice (added anyway when the file's "
        "programs are substance-use programs in the database)",
    )

    p = command("template", cmd_template, "Write a data-entry workbook for an instrument.")
    instrument_option(p, required=False)
    p.add_argument("--out", required=True, metavar="FILE.xlsx", help="workbook to write")
    p.add_argument(
        "--roundrobin",
        action="store_true",
        help="the round-robin workbook instead (group, session, perceiver, target, connection)",
    )

    p = command("import", cmd_import, "Import a response file into the database.")
    p.add_argument("input", metavar="INPUT", help="response file")
    instrument_option(p, required=False)
    mapping_option(p)
    database_option(p)
    p.add_argument(
        "--replace", action="store_true", help="replace stored administrations whose answers differ"
    )

    p = command("export", cmd_export, "Export every stored answer (long format).")
    p.add_argument("--out", required=True, metavar="FILE.csv|FILE.xlsx", help="file to write")
    database_option(p)
    p.add_argument(
        "--deidentify",
        action="store_true",
        help="replace member codes with per-export pseudonyms and shift each member's dates",
    )
    p.add_argument(
        "--coarsen-dates",
        action="store_true",
        help="with --deidentify: dates as their month (YYYY-MM) instead of shifted",
    )

    p = command("backup", cmd_backup, "Back up the database to a file.")
    p.add_argument("--out", required=True, metavar="FILE", help="backup file to write")
    database_option(p)

    p = command("restore", cmd_restore, "Restore the SQLite database from a backup file.")
    p.add_argument("backup", metavar="FILE", help="backup file written by `backup`")
    database_option(p)

    p = command("user", None, "Staff accounts: add a user, reset a password, list users.")
    user = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    for name, handler, help_text in (
        ("add", cmd_user_add, "Add a staff user (password from a prompt or --password-file)."),
        ("reset-password", cmd_user_reset_password, "Set a new password; lifts a lockout."),
    ):
        # No abbreviations: `--password SECRET` must fail, not read a file named SECRET.
        q = user.add_parser(name, help=help_text, description=help_text, allow_abbrev=False)
        q.set_defaults(handler=handler)
        q.add_argument("username", metavar="USERNAME", help="the staff user's name")
        if name == "add":
            q.add_argument(
                "--role",
                required=True,
                choices=["administrator", "facilitator", "evaluator"],
                help="what the user may do (docs/security.md)",
            )
            q.add_argument(
                "--group",
                action="append",
                metavar="[PROGRAM/]GROUP",
                help="a facilitator's group (repeat for several)",
            )
        q.add_argument(
            "--password-file", metavar="FILE", help="read the password from FILE, not a prompt"
        )
        database_option(q)
    q = user.add_parser("list", help="List staff users.", description="List staff users.")
    q.set_defaults(handler=cmd_user_list)
    database_option(q)

    p = command(
        "roundrobin",
        cmd_roundrobin,
        "Is mutuality mutual? The Social Relations Model of round-robin ratings (TripleR's RR).",
    )
    p.add_argument("input", metavar="INPUT", help="long file: one row per rating")
    p.add_argument(
        "--value",
        required=True,
        metavar="COL[,COL2]",
        help="the rating column; two columns are two indicators of one construct (latent)",
    )
    p.add_argument("--perceiver", default="perceiver", metavar="COL", help="who rates")
    p.add_argument("--target", default="target", metavar="COL", help="who is rated")
    p.add_argument("--group", default="group", metavar="COL", help="the group (if any)")
    p.add_argument("--session", metavar="COL", help="the session: each is its own round robin")
    p.add_argument(
        "--store",
        action="store_true",
        help="store the ratings in the database (a typed-in paper grid) instead of analysing",
    )
    database_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = command(
        "member", None, "Members: withdraw one, or store their about-me answers from a file."
    )
    member = p.add_subparsers(dest="member_command", required=True, metavar="ACTION")
    help_text = "Delete a member's answers, attendance and roster entry, on their request."
    q = member.add_parser("withdraw", help=help_text, description=help_text)
    q.set_defaults(handler=cmd_member_withdraw)
    q.add_argument("code", metavar="CODE", help="the member's code")
    q.add_argument("--yes", action="store_true", help="confirm without a prompt")
    database_option(q)
    help_text = (
        "Store members' about-me answers from a file (enrolment data): one row per member, "
        "a column per question (race_ethnicity, gender, preferred_language, age_band)."
    )
    q = member.add_parser("describe", help=help_text, description=help_text)
    q.set_defaults(handler=cmd_member_describe)
    q.add_argument("input", metavar="INPUT", help="csv, xlsx, xls or ods file")
    q.add_argument(
        "--date", metavar="YYYY-MM-DD", help="the day the answers count from (default: today)"
    )
    database_option(q)
    q.add_argument("--json", action="store_true", help="print JSON")

    p = command("bundle", None, "Encrypted transfer of a laptop's data to a central instance.")
    bundle = p.add_subparsers(dest="bundle_command", required=True, metavar="ACTION")
    help_text = "Write an encrypted, authenticated bundle of this database."
    q = bundle.add_parser("export", help=help_text, description=help_text)
    q.set_defaults(handler=cmd_bundle_export)
    q.add_argument("--out", required=True, metavar="FILE", help="bundle file to write")
    q.add_argument(
        "--passphrase-file", required=True, metavar="P", help="file holding the passphrase"
    )
    database_option(q)
    help_text = "Verify a bundle and import it (idempotent; nothing on a conflict)."
    q = bundle.add_parser("import", help=help_text, description=help_text)
    q.set_defaults(handler=cmd_bundle_import)
    q.add_argument("bundle", metavar="FILE", help="bundle written by `bundle export`")
    q.add_argument(
        "--passphrase-file", required=True, metavar="P", help="file holding the passphrase"
    )
    database_option(q)

    return parser


def flag_hint(error: Exception, args) -> str | None:
    """The command-line way to do what a library message asks for, when there is one.

    The library says what to change in the file ("give a mapping of your column names to
    ours"); only the command line knows its flags.
    """
    from ingest import ColumnsNotFoundError

    if not isinstance(error, ColumnsNotFoundError):
        return None
    ways = []
    if error.instrument_missing and hasattr(args, "instrument"):
        ways.append("name the instrument with --instrument ID|PATH")
    if hasattr(args, "mapping"):
        ways.append("give a mapping file with --mapping FILE (e.g. `ID: member`)")
    return f"On the command line: {' or '.join(ways)}." if ways else None


def main(argv: list[str] | None = None) -> int:
    """Run one command; known problems print a message and exit 2, never a traceback."""
    from ingest import InputError
    from measures import InstrumentError, ScoringError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (InputError, InstrumentError, ScoringError, ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        hint = flag_hint(error, args)
        if hint:
            print(hint, file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # last resort: a message, not a traceback
        if os.environ.get("MUTUALITY_DEBUG"):
            raise
        print(
            f"error: unexpected {type(error).__name__}: {error}\n"
            "(set MUTUALITY_DEBUG=1 to see the details, and please report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
