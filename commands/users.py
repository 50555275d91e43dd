"""CLI wiring for staff accounts: `user add`, `user reset-password`, `user list`.

Passwords are read from a prompt (typed twice, not echoed) or from ``--password-file``; never
from the command line, where they would land in the shell history and the process list.
"""

from __future__ import annotations

import getpass
import sys
from pathlib import Path


def read_new_password(password_file: str | None) -> str:
    """The new password from `password_file` (its first line), or typed twice at a prompt."""
    if password_file:
        path = Path(password_file)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ValueError(f"{path}: password file not found") from None
        return text.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValueError("no terminal to type a password at; use --password-file FILE")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Type it again: ") != first:
        raise ValueError("the two passwords differ; nothing was changed")
    return first


def user_add_command(args) -> int:
    """Add a staff user with a role (facilitators linked to --group)."""
    from access.accounts import cli_actor
    from services.admin import add_user

    user = add_user(
        args.database,
        args.username,
        read_new_password(args.password_file),
        args.role,
        by=cli_actor(),
        group_names=args.group or [],
    )
    print(f"added {user.role} {user.username}")
    return 0


def user_reset_password_command(args) -> int:
    """Set a new password for a staff user (lifts a lockout)."""
    from access.accounts import cli_actor
    from services.admin import reset_password

    name = reset_password(
        args.database, args.username, read_new_password(args.password_file), by=cli_actor()
    )
    print(f"password of {name} reset; any lockout is lifted")
    return 0


def user_list_command(args) -> int:
    """List staff users, their roles and groups."""
    from services.admin import staff

    table = staff(args.database)
    if table.empty:
        print("no staff users yet: the app asks for an administrator on first run")
    else:
        print(table.to_string(index=False))
    return 0
