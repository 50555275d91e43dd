"""`cli.py groups`: members nested in groups at one timepoint (ICC, design effect, means)."""

from __future__ import annotations

import math

from commands.inputs import file_answers
from services.analyses import GroupsInputError, groups_of


def _number(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def groups_command(args, emit_json) -> int:
    """ICC(1) (REML and ANOVA), ICC(2), design effect and group means at one timepoint."""
    answers = file_answers(args)
    scored = answers.scored()
    timepoints = list(dict.fromkeys(scored["timepoint"].dropna().astype(str)))
    if args.timepoint is not None and str(args.timepoint) not in timepoints:
        raise ValueError(
            f"{answers.source}: no timepoint {args.timepoint!r}; the file has "
            f"{', '.join(timepoints)}."
        )
    try:
        view = groups_of(scored, answers.instrument, args.scale, args.timepoint)
    except GroupsInputError as error:
        raise ValueError(f"{answers.source}: {error}") from None
    result, timepoint = view.structure, view.timepoint
    payload = {
        "instrument": answers.instrument.id,
        "scale": args.scale,
        "timepoint": timepoint,
        "n_members": result.n_members,
        "n_groups": result.n_groups,
        "icc1_reml": result.icc1_reml,
        "icc1_anova": result.icc1_anova,
        "icc2": result.icc2,
        "design_effect": result.design_effect,
        "n_observations": result.n_observations,
        "mean_group_size": result.mean_group_size,
        "var_between": result.var_between,
        "var_within": result.var_within,
        "f": result.f,
        "df_between": result.df_between,
        "df_within": result.df_within,
        "p": result.p,
        "groups": [
            {
                "group": row.group,
                "n": int(row.n),
                "mean": row.mean,
                "sd": row.sd,
                "ci": [row.ci_low, row.ci_high],
            }
            for row in result.groups.itertuples(index=False)
        ],
        "notes": result.notes,
    }
    if args.json:
        emit_json(payload)
        return 0
    print(
        f"{args.scale} at timepoint {timepoint}: {result.n_members} members, "
        f"{result.n_groups} groups"
    )
    for label, key in (
        ("ICC(1) REML", "icc1_reml"),
        ("ICC(1) ANOVA", "icc1_anova"),
        ("ICC(2)", "icc2"),
        ("design effect", "design_effect"),
    ):
        value = _number(payload[key])
        print(f"  {label:14} {'n/a' if value is None else f'{value:.3f}'}")
    for group in payload["groups"]:
        low, high = group["ci"]
        ci = "" if not math.isfinite(low) else f"  95% CI [{low:.2f}, {high:.2f}]"
        print(f"  group {group['group']}: n={group['n']} mean={group['mean']:.2f}{ci}")
    for note in result.notes:
        print(f"  note: {note}")
    return 0
