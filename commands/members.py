"""CLI wiring for members: withdrawal, and about-me answers from a file.

`member withdraw CODE` deletes a member's data everywhere; `member describe FILE` stores
members' about-me answers from a spreadsheet.
"""

from __future__ import annotations

import sys


def member_withdraw_command(args) -> int:
    """Delete a member's administrations, answers, attendance and roster entry."""
    from access.accounts import cli_actor
    from services.admin import withdraw_member

    code = str(args.code).strip()
    if not args.yes:
        if not sys.stdin.isatty():
            raise ValueError("withdrawal deletes data for good: add --yes to confirm")
        typed = input(f"This deletes every record of member {code}. Type the code again: ")
        if typed.strip() != code:
            print("not confirmed; nothing was deleted", file=sys.stderr)
            return 2
    print(withdraw_member(args.database, code, by=cli_actor()))
    return 0


def member_describe_command(args) -> int:
    """Store the about-me answers of a file; every bad cell is named and nothing stored."""
    import datetime as dt

    from access.accounts import cli_actor
    from commands.output import emit_json
    from services.about_me import import_file
    from services.selection import database_url

    given_on = None
    if args.date:
        try:
            given_on = dt.date.fromisoformat(args.date)
        except ValueError:
            raise ValueError(
                f"--date {args.date!r} is not a date; write it as 2026-03-02"
            ) from None
    stored = import_file(database_url(args.database), args.input, cli_actor(), given_on)
    if args.json:
        emit_json(stored)
    else:
        print(
            f"Stored the about-me answers of {stored['members']} member(s) from "
            f"{stored['file']} ({stored['answers']} answer(s): {', '.join(stored['questions'])})."
        )
    return 0
