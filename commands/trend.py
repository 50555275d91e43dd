"""`cli.py trend`: a scale's trend over sessions (mixed model, members nested in groups)."""

from __future__ import annotations

import math

from commands.inputs import file_answers
from services.analyses import trend_of


def trend_command(args, emit_json) -> int:
    """Slope per session with SE, CI and p; random-effect SDs; session means; group slopes."""
    answers = file_answers(args)
    result = trend_of(answers.scored(), answers.instrument, args.scale).result
    payload = {
        "instrument": answers.instrument.id,
        "scale": args.scale,
        "n_members": result.n_members,
        "n_groups": result.n_groups,
        "n_observations": result.n_observations,
        "intercept": result.intercept,
        "slope": result.slope,
        "slope_se": result.slope_se,
        "slope_ci": list(result.slope_ci),
        "slope_p": result.slope_p,
        "sd_intercept_member": result.sd_intercept_member,
        "sd_slope_member": result.sd_slope_member,
        "sd_residual": result.sd_residual,
        "intercept_se": result.intercept_se,
        "corr_intercept_slope_member": result.corr_intercept_slope_member,
        "sd_group": result.sd_group,
        "model": result.model,
        "converged": result.converged,
        "sessions": [
            {
                "session": row.session,
                "n": int(row.n),
                "mean": row.mean,
                "ci": [row.ci_low, row.ci_high],
            }
            for row in result.sessions.itertuples(index=False)
        ],
        "group_slopes": [
            {
                "group": row.group,
                "n_members": int(row.n_members),
                "slope": row.slope,
                "slope_se": row.slope_se,
                "ci": [row.ci_low, row.ci_high],
                "p": row.p,
            }
            for row in result.group_slopes.itertuples(index=False)
        ],
        "notes": result.notes,
    }
    if args.json:
        emit_json(payload)
        return 0
    print(
        f"{args.scale} over sessions: {result.n_members} members, {result.n_groups} group(s), "
        f"{result.n_observations} scores; model: {result.model}"
    )
    if math.isfinite(result.slope):
        low, high = result.slope_ci
        print(
            f"  change per session {result.slope:+.3f} (SE {result.slope_se:.3f}, "
            f"95% CI [{low:.3f}, {high:.3f}], p = {result.slope_p:.3g})"
        )
    for row in result.sessions.itertuples(index=False):
        print(f"  session {row.session}: n={row.n} mean={row.mean:.2f}")
    for note in result.notes:
        print(f"  note: {note}")
    return 0
