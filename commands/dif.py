"""`cli.py dif`: whether each item of a scale measures the same in every grouping (DIF)."""

from __future__ import annotations

from collections.abc import Callable

from commands.output import decimals
from services.dif import DifView, dif_of_file


def dif_text(view: DifView) -> str:
    """A readable DIF table: one line per item, the readings, reliability per grouping."""
    result = view.result
    lines = [
        f"Differential item functioning of {view.instrument} {view.scale} by {view.by}",
        f"Groupings: {', '.join(result.groupings) or '-'}",
        "",
        f"  {'item':<22}{'n':>6}{'chi2 unif.':>12}{'p':>8}{'chi2 non-u.':>13}{'p':>8}"
        f"{'dR2':>8}  flagged",
    ]
    for item in result.items:
        lines.append(
            f"  {item.item:<22}{item.n:>6}{decimals(item.chi2_uniform, 2):>12}"
            f"{decimals(item.p_uniform, 3):>8}{decimals(item.chi2_nonuniform, 2):>13}"
            f"{decimals(item.p_nonuniform, 3):>8}{decimals(item.delta_r2, 4):>8}  "
            f"{'yes' if item.flagged else 'no'}"
        )
    lines += ["", *[f"  {item.reading}" for item in result.items if item.flagged or item.note]]
    if not any(item.flagged for item in result.items):
        lines.append("  No item is flagged.")
    lines += ["", "Reliability in each grouping:"]
    for rel in view.reliability:
        lines.append(
            f"  {rel.grouping}: {rel.members} members, {rel.answer_sets} answer sets, "
            f"alpha {decimals(rel.alpha, 2)}, omega {decimals(rel.omega_total, 2)}"
        )
    lines += ["", f"Criterion: {result.criterion}"]
    lines += [f"note: {note}" for note in view.notes + result.notes]
    if view.first_answer_sets:
        lines.append(
            "note: --timepoint picks another timepoint; --every-answer-set uses them all, "
            "which treats repeated answers of one member as if they were other members'."
        )
    return "\n".join(lines)


def dif_command(args, emit_json: Callable[[dict], None]) -> int:
    """Read the file and its grouping column, test every item, print JSON or a table."""
    view = dif_of_file(
        args.input,
        instrument=args.instrument,
        by=args.by,
        scale=args.scale,
        timepoint=args.timepoint,
        every_answer_set=args.every_answer_set,
        purify=not args.no_purify,
        alpha=args.alpha,
        min_cell=args.min_cell,
        min_members=args.min_cell_size,
    )
    if args.json:
        emit_json(view.to_dict())
    else:
        print(dif_text(view))
    return 0
