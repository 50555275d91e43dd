"""`cli.py roundrobin`: the Social Relations Model of a file of round-robin ratings."""

from __future__ import annotations

from collections.abc import Callable

from commands.output import decimals
from services.roundrobin import Columns, roundrobin_of_file


def roundrobin_text(data: dict) -> str:
    """TripleR's table: one line per component, then the effect reliabilities."""
    lines = [
        f"Social Relations Model of {data['variable']}: {data['groups']} round robin(s), "
        f"{data['members']} members",
        "",
        f"  {'':<30}{'estimate':>10}{'standardized':>14}{'se':>8}{'t':>9}{'p':>8}",
    ]
    for c in data["components"]:
        lines.append(
            f"  {c['component']:<30}{decimals(c['estimate'], 3):>10}"
            f"{decimals(c['standardized'], 3):>14}"
            f"{decimals(c['se'], 3):>8}{decimals(c['t'], 3):>9}{decimals(c['p'], 3):>8}"
        )
    reliability = data["reliability"]
    lines += [
        "",
        f"Perceiver effect reliability: {decimals(reliability['perceiver'], 3)}",
        f"Target effect reliability: {decimals(reliability['target'], 3)}",
    ]
    if reliability.get("relationship") is not None:
        lines.append(f"Relationship effect reliability: {decimals(reliability['relationship'], 3)}")
    for session in data.get("by_session", []):
        mutual = next(
            c for c in session["components"] if c["component"] == "relationship covariance"
        )
        lines.append(
            f"session {session['session']}: relationship covariance (dyadic reciprocity) "
            f"{decimals(mutual['standardized'], 3)} as a correlation, p {decimals(mutual['p'], 3)} "
            f"({session['groups']} round robin(s), {session['members']} members)"
        )
    for left_out in data["excluded"]:
        lines.append(
            f"left out: {left_out['member']} (group {left_out['group']}, session "
            f"{left_out['session']}): {left_out['reason']}"
        )
    lines += [f"note: {note}" for note in data["notes"]]
    return "\n".join(lines)


def roundrobin_command(args, emit_json: Callable[[dict], None]) -> int:
    """Read the ratings, print JSON or TripleR's table."""
    values = tuple(v.strip() for v in args.value.split(",") if v.strip())
    if not 1 <= len(values) <= 2:
        raise ValueError("--value takes one column, or two (two indicators: --value a,b)")
    columns = Columns(
        values=values,
        perceiver=args.perceiver,
        target=args.target,
        group=args.group,
        session=args.session,
    )
    if args.store:
        from access.accounts import cli_actor
        from services.roundrobin import store_ratings_file
        from services.selection import database_url

        stored = store_ratings_file(database_url(args.database), args.input, columns, cli_actor())
        if args.json:
            emit_json(stored)
        else:
            print(
                f"Stored {stored['ratings']} round-robin rating(s) of {stored['sessions']} "
                f"session(s) from {stored['file']}."
            )
        return 0
    data = roundrobin_of_file(args.input, columns)
    if args.json:
        emit_json(data)
    else:
        print(roundrobin_text(data))
    return 0
