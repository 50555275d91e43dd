"""The `change` command: pre/post change, reliable change and clinical significance of a scale.

Wiring only: read the file, score it, call analysis.change and analysis.reliable_change, and
print the contract JSON (ARCHITECTURE.md, "change --json") or a short text summary.
"""

from __future__ import annotations

import math

from analysis.change import paired_change
from analysis.reliable_change import (
    METHODS,
    ReliableChange,
    hlm_input,
    reliability_for_change,
    reliable_change,
    reliable_change_hlm,
)
from ingest import read_responses
from measures import score


def _reliability(args, instrument, scale, wide) -> tuple[float | None, str | None, str | None]:
    """Reliability, where it came from, and why it is missing (when it is)."""
    if args.reliability is not None:
        if not 0 < args.reliability < 1:
            raise ValueError(f"--reliability must be between 0 and 1, not {args.reliability:g}")
        return args.reliability, "user", None
    reliability, source = reliability_for_change(instrument, scale.id, wide, args.pre)
    if reliability is not None:
        return reliability, source, None
    return (
        None,
        None,
        f"scale {scale.id} has no published reliability in {instrument.id}'s norms and the "
        f"sample's alpha at {args.pre} cannot be used (a single item, too few members, or "
        "alpha not between 0 and 1); pass --reliability R",
    )


def _functional(args, norm) -> tuple[float | None, float | None]:
    if (args.functional_mean is None) != (args.functional_sd is None):
        raise ValueError("give both --functional-mean and --functional-sd, or neither")
    if args.functional_mean is not None:
        if args.functional_sd <= 0:
            raise ValueError(f"--functional-sd must be positive, not {args.functional_sd:g}")
        return args.functional_mean, args.functional_sd
    if norm is not None and norm.functional is not None:
        return norm.functional.mean, norm.functional.sd
    return None, None


def _method_json(result: ReliableChange) -> dict:
    return {
        "counts": result.counts,
        "groups": result.groups,
        "critical_value": result.critical_value,
        "cutoff": None
        if result.cutoff is None
        else {"type": result.cutoff.type, "value": result.cutoff.value},
        "details": result.details,
        "problem": result.problem,
    }


def change_command(args, emit_json) -> int:
    """Run `cli.py change`; returns the exit code."""
    table = read_responses(args.input, instrument=args.instrument)
    instrument = table.instrument
    scale = instrument.scale(args.scale)
    wide = table.wide()
    scored = score(wide, instrument)
    change = paired_change(scored, scale.id, args.pre, args.post)
    reliability, source, reliability_problem = _reliability(args, instrument, scale, wide)
    norm = instrument.norms.get(scale.id)
    functional_mean, functional_sd = _functional(args, norm)
    cutoff = args.cutoff
    methods = list(METHODS) if args.method == "all" else [args.method]
    results: dict[str, ReliableChange] = {}
    for method in methods:
        if method == "hlm":
            results[method] = reliable_change_hlm(
                hlm_input(scored, scale.id),
                higher_is=instrument.higher_is,
                cutoff=cutoff,
                functional_mean=functional_mean,
                functional_sd=functional_sd,
            )
        else:
            results[method] = reliable_change(
                change.pairs,
                method=method,
                reliability=reliability,
                higher_is=instrument.higher_is,
                cutoff=cutoff,
                functional_mean=functional_mean,
                functional_sd=functional_sd,
            )
            if reliability is None:
                results[method].problem = reliability_problem
    shown = args.method if args.method != "all" else "jt"
    member_table = results[shown].members
    first_cutoff = next((r.cutoff for r in results.values() if r.cutoff is not None), None)
    payload = {
        "instrument": instrument.id,
        "scale": scale.id,
        "pre": change.pre,
        "post": change.post,
        "n_pairs": change.n_pairs,
        "n_missing_pre": change.n_missing_pre,
        "n_missing_post": change.n_missing_post,
        "mean_pre": change.mean_pre,
        "sd_pre": change.sd_pre,
        "mean_post": change.mean_post,
        "sd_post": change.sd_post,
        "mean_change": change.mean_change,
        "sd_change": change.sd_change,
        "r_pre_post": change.r_pre_post,
        "t": change.t,
        "df": change.df,
        "p": change.p,
        "d_z": change.d_z,
        "d_z_ci": list(change.d_z_ci),
        "d_av": change.d_av,
        "g_av": change.g_av,
        "d_rm": change.d_rm,
        "wilcoxon_p": change.wilcoxon_p,
        "reliability": reliability,
        "reliability_source": source,
        "higher_is": instrument.higher_is,
        "cutoff": None
        if first_cutoff is None
        else {"type": first_cutoff.type, "value": first_cutoff.value},
        "methods": {name: _method_json(result) for name, result in results.items()},
        "members_method": shown,
        "members": [
            {
                "member": row["member"],
                **({"group": row["group"]} if "group" in member_table.columns else {}),
                "pre": row["pre"],
                "post": row["post"],
                "change": row["change"],
                "rci": row["rci"],
                "category": row["category"],
            }
            for _, row in member_table.iterrows()
        ],
        "problems": change.problems + ([reliability_problem] if reliability_problem else []),
    }
    if args.json:
        emit_json(payload)
    else:
        _print_summary(payload)
    return 0


def _fmt(value) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{value:.2f}"


def _df(value) -> str:
    """Degrees of freedom: ``83`` when whole, else two decimals (a Welch-type df)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"


def _p(value) -> str:
    """``p < .001`` or ``p = .034`` (APA style: three decimals, no leading zero)."""
    if value is None or not math.isfinite(value):
        return "p = n/a"
    return "p < .001" if value < 0.001 else f"p = {value:.3f}".replace("0.", ".", 1)


def _print_summary(payload: dict) -> None:
    print(
        f"{payload['instrument']} {payload['scale']}: {payload['pre']} -> {payload['post']}, "
        f"{payload['n_pairs']} complete pair(s) ({payload['n_missing_pre']} missing "
        f"{payload['pre']}, {payload['n_missing_post']} missing {payload['post']})"
    )
    print(
        f"  mean {_fmt(payload['mean_pre'])} (SD {_fmt(payload['sd_pre'])}) -> "
        f"{_fmt(payload['mean_post'])} (SD {_fmt(payload['sd_post'])}); "
        f"t({_df(payload['df'])}) = {_fmt(payload['t'])}, {_p(payload['p'])}; "
        f"Wilcoxon {_p(payload['wilcoxon_p'])}"
    )
    lo, hi = payload["d_z_ci"]
    print(
        f"  d_z = {_fmt(payload['d_z'])} [{_fmt(lo)}, {_fmt(hi)}], d_av = "
        f"{_fmt(payload['d_av'])}, g_av = {_fmt(payload['g_av'])}, d_rm = {_fmt(payload['d_rm'])}"
    )
    print(f"  reliability {_fmt(payload['reliability'])} ({payload['reliability_source']})")
    for name, method in payload["methods"].items():
        counts = method["counts"]
        text = ", ".join(f"{k} {v}" for k, v in counts.items()) if counts else method["problem"]
        print(f"  {name}: {text}")
    for problem in payload["problems"]:
        print(f"  note: {problem}")
