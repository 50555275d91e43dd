"""`cli.py context`: outcomes of a response file by members' own descriptions of themselves."""

from __future__ import annotations

from collections.abc import Callable

from commands.output import decimals
from services.context import context_of_file


def context_text(data: dict) -> str:
    """A readable table: one line per grouping, then the differences in words."""
    lines = [
        f"{data['instrument']} {data['scale']} by {data['by']} "
        f"({data['members_total']} members; reference: {data['reference'] or '-'})",
        "",
        f"  {'grouping':<34}{'members':>8}{'mean':>8}{'95% CI':>18}{'pre/post change':>18}",
    ]
    for g in data["groupings"]:
        if g["suppressed"]:
            lines.append(f"  {g['value']:<34}{'fewer than ' + str(data['min_cell_size']):>8}")
            continue
        ci = f"{decimals(g['ci_low'])} to {decimals(g['ci_high'])}"
        change = g["pre_post"]
        change_text = f"{decimals(change['mean_change'])} (n {change['n']})" if change else "-"
        lines.append(
            f"  {g['value']:<34}{g['members']:>8}{decimals(g['mean']):>8}{ci:>18}{change_text:>18}"
        )
    lines.append("")
    for d in data["differences"]:
        lines.append(f"  {d['reading']}")
        if "slope_difference" in d:
            lines.append(f"  {d['slope_difference']['reading']}")
    lines += ["", f"Intervals: {data['interval']}"]
    lines += [f"note: {note}" for note in data["notes"]]
    return "\n".join(lines)


def context_command(args, emit_json: Callable[[dict], None]) -> int:
    """Read the file and its description column, print JSON or a table."""
    data = context_of_file(
        args.input,
        instrument=args.instrument,
        by=args.by,
        scale=args.scale,
        min_members=args.min_cell_size,
    )
    if args.json:
        emit_json(data)
    else:
        print(context_text(data))
    return 0
