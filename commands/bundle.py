"""CLI wiring for offline transfer: `bundle export` and `bundle import` (privacy.bundle)."""

from __future__ import annotations

import sys


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def bundle_export_command(args) -> int:
    """Write the database's programs, groups, members, sessions and answers, encrypted."""
    from access.accounts import cli_actor
    from privacy.bundle import read_passphrase
    from services.transfer import export_bundle

    passphrase = read_passphrase(args.passphrase_file)
    written = export_bundle(args.out, args.database, by=cli_actor(), passphrase=passphrase)
    counts = written.counts
    print(
        f"{counts['administrations']} administration(s) of {counts['members']} member(s) in "
        f"{counts['groups']} group(s) -> {written.path} (encrypted; keep the passphrase apart "
        "from it)"
    )
    if written.notice:
        _say(written.notice)
    return 0


def bundle_import_command(args) -> int:
    """Verify and decrypt a bundle, then store it in one transaction (idempotent)."""
    from access.accounts import cli_actor
    from services.transfer import import_bundle

    result = import_bundle(
        args.bundle, args.database, by=cli_actor(), passphrase_file=args.passphrase_file
    )
    if not result.committed:
        _say(f"{args.bundle}: {len(result.conflicts)} conflict(s) with stored data:")
        for conflict in result.conflicts[:50]:
            _say(f"  {conflict}")
        if len(result.conflicts) > 50:
            _say(f"  ... and {len(result.conflicts) - 50} more")
        _say("Nothing was imported. Resolve them on either side and import the bundle again.")
        return 2
    if result.added_nothing:
        print(f"{args.bundle}: verified; everything in it was already stored (nothing new)")
    else:
        added = ", ".join(f"{n} {table}" for table, n in result.added.items() if n)
        print(f"{args.bundle}: verified and imported: {added}")
    if result.notice:
        _say(result.notice)
    return 0
