"""`cli.py reliability`: internal consistency of each scale at each timepoint."""

from __future__ import annotations

from collections.abc import Callable

from commands.inputs import file_answers
from commands.output import decimals
from services.analyses import ScaleReliability, reliability_of

#: Keys of one scale in ``reliability --json`` (ARCHITECTURE.md contract), in order.
SCALE_KEYS = [
    "scale",
    "timepoint",
    "n",
    "k",
    "alpha",
    "alpha_ci",
    "alpha_standardized",
    "lambda6",
    "omega_total",
    "omega_hierarchical",
    "mean_inter_item_r",
    "items",
]


def reliability_payload(instrument_id: str, results: list[ScaleReliability]) -> dict:
    """The ``reliability --json`` object: the contract keys, then missing, flags and notes."""
    scales = []
    for result in results:
        data = result.to_dict()
        entry = {key: data[key] for key in SCALE_KEYS}
        entry["missing"] = result.missing
        entry["omega_model"] = result.omega_model
        entry["flags"] = result.flags
        entry["notes"] = result.notes
        scales.append(entry)
    return {"instrument": instrument_id, "scales": scales}


def reliability_text(instrument_id: str, results: list[ScaleReliability]) -> str:
    """A readable report: one block per scale and timepoint, items below, then flags."""
    lines = [f"Reliability of {instrument_id}"]
    for r in results:
        ci = f"[{decimals(r.alpha_ci[0])}, {decimals(r.alpha_ci[1])}]" if r.alpha_ci else "-"
        lines += [
            "",
            f"{r.scale} at {r.timepoint}: n = {r.n}, k = {r.k} ({r.missing} missing data)",
            f"  alpha {decimals(r.alpha)} 95% CI {ci}   "
            f"standardized {decimals(r.alpha_standardized)}"
            f"   lambda-6 {decimals(r.lambda6)}   "
            f"mean inter-item r {decimals(r.mean_inter_item_r)}",
            f"  omega total {decimals(r.omega_total)}"
            f"   omega hierarchical {decimals(r.omega_hierarchical)}",
            f"  {'item':<16}{'n':>6}{'mean':>8}{'sd':>8}{'item-rest r':>13}"
            f"{'alpha if deleted':>18}",
        ]
        for item in r.items:
            lines.append(
                f"  {item.item:<16}{item.n:>6}{decimals(item.mean):>8}{decimals(item.sd):>8}"
                f"{decimals(item.item_rest_r):>13}{decimals(item.alpha_if_deleted):>18}"
            )
        lines += [f"  ! {flag}" for flag in r.flags]
        lines += [f"  note: {note}" for note in r.notes]
    return "\n".join(lines)


def reliability_command(args, emit_json: Callable[[dict], None]) -> int:
    """Read and check the response file, compute reliability, print JSON or a text table."""
    answers = file_answers(args)
    view = reliability_of(
        answers.wide(),
        answers.instrument,
        scale=args.scale,
        timepoint=args.timepoint,
        missing=args.missing,
    )
    if args.json:
        emit_json(reliability_payload(answers.instrument.id, view.results))
    else:
        print(reliability_text(answers.instrument.id, view.results))
    return 0
