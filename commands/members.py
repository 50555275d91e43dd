"""CLI wiring for members: `member withdraw CODE` deletes a member's data everywhere."""

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
