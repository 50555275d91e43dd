"""Reading a command's INPUT file: what several commands (groups, trend) share."""

from __future__ import annotations

import pandas as pd


def scored_scale(args) -> tuple[pd.DataFrame, str]:
    """Read `args.input`, score it with `args.instrument`, and check `args.scale` exists.

    Returns the scored table (one row per administration) and the instrument id.
    """
    from ingest import read_responses
    from measures import score

    table = read_responses(args.input, instrument=args.instrument)
    scale_ids = [s.id for s in table.instrument.scales]
    if args.scale not in scale_ids:
        raise ValueError(
            f"{args.input}: {table.instrument.id} has no scale {args.scale!r}; "
            f"its scales are {', '.join(scale_ids)}."
        )
    return score(table.wide(), table.instrument), table.instrument.id
