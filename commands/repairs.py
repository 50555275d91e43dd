"""`cli.py repairs`: every disconnection followed to its outcome, and the counts."""

from __future__ import annotations

from services.repairs import STATUS_WORDS, follow_up, part2_notice
from services.selection import data_version, database_url


def repairs_command(args, emit_json) -> int:
    """Disconnection records of the database (or one program or group) with their status.

    ``--deidentify`` leaves member codes and recorded actions out: counts and rates only,
    what an evaluator sees. Repair notes never leave the database through the command line.
    """
    if args.window < 1:
        raise ValueError(f"--window {args.window} must be 1 or more sessions")
    url = database_url(args.database)
    view = follow_up(
        url, data_version(url), program=args.program, group=args.group, window=args.window
    )
    records = [] if args.deidentify else _records(view.records)
    programs = sorted({p for p in view.records["program"].dropna()}) if records else []
    notice = next((n for n in (part2_notice(url, p) for p in programs) if n), None)
    payload = {
        "disconnections": records,
        "summary": view.summary,
        "window": view.window,
        "rules": view.rules,
        "notes": view.notes,
        # Records of a substance-use program are disclosed with the 42 CFR Part 2 notice.
        "part2_notice": notice,
    }
    if args.json:
        emit_json(payload)
        return 0
    counts = view.summary
    print(
        f"{counts['total']} disconnection(s): {counts['reconnected']} reconnected, "
        f"{counts['still_disconnected']} still disconnected, {counts['left']} left, "
        f"{counts['not_seen']} not seen since, {counts['open']} still followed."
    )
    for record in records:
        who = record["member"] or "(whole group)"
        print(
            f"  {record['group']} {who} session {record['session']} ({record['kind']}): "
            f"{STATUS_WORDS[record['status']].lower()}"
        )
    for rule in view.rules:
        print(f"  rule: {rule}")
    if notice:
        print(notice)
    return 0


def _records(frame) -> list[dict]:
    def number(value):
        return None if value is None or value != value else value

    return [
        {
            "member": row.member,
            "group": row.group,
            "session": int(row.session),
            "kind": row.kind,
            "level": row.level,
            "drop": number(row.drop),
            "status": row.status,
            "outcome_session": (
                None if number(row.outcome_session) is None else int(row.outcome_session)
            ),
            "actions": list(row.actions),
            "sessions_to_reconnect": (
                None
                if number(row.sessions_to_reconnect) is None
                else int(row.sessions_to_reconnect)
            ),
        }
        for row in frame.itertuples(index=False)
    ]
