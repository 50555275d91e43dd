"""CLI wiring for offline transfer: `bundle export` and `bundle import` (privacy.bundle)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def bundle_export_command(args) -> int:
    """Write the database's programs, groups, members, sessions and answers, encrypted."""
    from access.accounts import cli_actor
    from privacy.bundle import read_passphrase, write_bundle
    from privacy.notice import notice_for
    from store import audit, connect
    from store.roster import list_programs
    from store.transfer import dump_database

    passphrase = read_passphrase(args.passphrase_file)
    engine = connect(args.database)
    tables = dump_database(engine)
    notice = notice_for(list_programs(engine), [p["name"] for p in tables["programs"]])
    payload = {
        "kind": "mutuality-transfer",
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "part2_notice": notice,
        "tables": tables,
    }
    out = write_bundle(args.out, payload, passphrase)
    counts = {table: len(rows) for table, rows in tables.items()}
    audit.record(engine, cli_actor(), audit.BUNDLE_EXPORT, {"file": out.name, "rows": counts})
    print(
        f"{counts['administrations']} administration(s) of {counts['members']} member(s) in "
        f"{counts['groups']} group(s) -> {out} (encrypted; keep the passphrase apart from it)"
    )
    if notice:
        _say(notice)
    return 0


def bundle_import_command(args) -> int:
    """Verify and decrypt a bundle, then store it in one transaction (idempotent)."""
    from access.accounts import cli_actor
    from privacy.bundle import BundleError, read_bundle, read_passphrase
    from store import audit, connect
    from store.transfer import load_dump

    engine = connect(args.database)
    name = Path(args.bundle).name
    try:
        opened = read_bundle(args.bundle, read_passphrase(args.passphrase_file))
    except BundleError as error:
        audit.record(
            engine, cli_actor(), audit.BUNDLE_REFUSED, {"file": name, "reason": str(error)}
        )
        raise
    result = load_dump(engine, opened.payload.get("tables"), who=cli_actor(), source=name)
    if not result.committed:
        audit.record(
            engine,
            cli_actor(),
            audit.BUNDLE_REFUSED,
            {"file": name, "reason": "conflicts", "conflicts": len(result.conflicts)},
        )
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
    if opened.payload.get("part2_notice"):
        _say(opened.payload["part2_notice"])
    return 0
