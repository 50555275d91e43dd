"""The `change` command: pre/post change, reliable change and clinical significance of a scale.

Wiring only: read and check the file as every analysis does (`services.files`), call the one
pre/post pipeline (`services.analyses.change_of`, which the Change page and the reports
compute with too), and print the contract JSON (ARCHITECTURE.md, "change --json") or a short
text summary. The library's messages say what is missing; this command adds which flag gives it.
"""

from __future__ import annotations

import math

from commands.inputs import file_answers
from services.analyses import METHODS, PrePostChange, ReliableChange, change_of
from services.readings import p_words

#: What to pass on the command line when the pipeline cannot use a cutoff or a reliability.
CUTOFF_HINT = {
    "published": "on the command line: --cutoff a, b, c or a NUMBER, or leave --cutoff out",
    "functional": (
        "on the command line: --functional-mean M --functional-sd SD, or --cutoff a, "
        "published or a NUMBER"
    ),
}
RELIABILITY_HINT = "pass --reliability R"


def _check_arguments(args) -> None:
    """The flags' own rules, worded with the flags (the pipeline checks the same in words)."""
    if args.reliability is not None and not 0 < args.reliability < 1:
        raise ValueError(f"--reliability must be between 0 and 1, not {args.reliability:g}")
    if (args.functional_mean is None) != (args.functional_sd is None):
        raise ValueError("give both --functional-mean and --functional-sd, or neither")
    if args.functional_sd is not None and args.functional_sd <= 0:
        raise ValueError(f"--functional-sd must be positive, not {args.functional_sd:g}")


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


def _with_hint(problem: str | None, result: PrePostChange) -> str | None:
    """A method's problem, with the flag that gives a missing reliability."""
    if problem is not None and problem == result.reliability_problem:
        return f"{problem}; {RELIABILITY_HINT}"
    return problem


def change_payload(result: PrePostChange, members_method: str, higher_is: str) -> dict:
    """The contract JSON of `cli.py change --json` for one pipeline result."""
    change = result.change
    member_table = result.methods[members_method].members
    methods = {name: _method_json(r) for name, r in result.methods.items()}
    for name, method in methods.items():
        method["problem"] = _with_hint(result.methods[name].problem, result)
    reliability_problem = _with_hint(result.reliability_problem, result)
    return {
        "instrument": result.instrument,
        "scale": result.scale,
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
        "reliability": result.reliability,
        "reliability_source": result.reliability_source,
        "reliability_words": result.reliability_words,
        "higher_is": higher_is,
        "cutoff": None
        if result.cutoff is None
        else {"type": result.cutoff.type, "value": result.cutoff.value},
        "cutoff_words": result.cutoff_words,
        "methods": methods,
        "members_method": members_method,
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


def change_command(args, emit_json) -> int:
    """Run `cli.py change`; returns the exit code."""
    # The same refusals as `score` and `import`: conflicting duplicates, out-of-range and
    # text values, each with member, timepoint, item, row and column.
    answers = file_answers(args)
    _check_arguments(args)
    instrument = answers.instrument
    methods = list(METHODS) if args.method == "all" else [args.method]
    result = change_of(
        answers.scored(),
        answers.wide(),
        instrument,
        args.scale,
        args.pre,
        args.post,
        methods,
        cutoff=args.cutoff,
        reliability=args.reliability,
        functional_mean=args.functional_mean,
        functional_sd=args.functional_sd,
    )
    if result.cutoff_problem is not None:
        # The command line refuses a cutoff it cannot use (the page shows the change without).
        hint = "published" if result.cutoff_choice == "published" else "functional"
        raise ValueError(f"{result.cutoff_problem} ({CUTOFF_HINT[hint]})")
    shown = args.method if args.method != "all" else "jt"
    payload = change_payload(result, shown, instrument.higher_is)
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
    """``p < .001`` or ``p = .034``: the one wording of a p value (services.readings)."""
    return p_words(value)


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
    print(f"  reliability {_fmt(payload['reliability'])}: {payload['reliability_words']}")
    print(f"  clinical cutoff: {payload['cutoff_words']}")
    for name, method in payload["methods"].items():
        counts = method["counts"]
        text = ", ".join(f"{k} {v}" for k, v in counts.items()) if counts else method["problem"]
        print(f"  {name}: {text}")
    for problem in payload["problems"]:
        print(f"  note: {problem}")
