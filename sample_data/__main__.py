"""``python -m sample_data [--seed N] [--scale F] [--out DIR]``: write the demo files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sample_data.files import write_program
from sample_data.generator import DEFAULT_SEED, generate_program


def main(argv: list[str] | None = None) -> int:
    """Generate the synthetic demo program and write its csv and xlsx files."""
    parser = argparse.ArgumentParser(
        prog="python -m sample_data",
        description="Write the seeded synthetic demo program (no real data) as csv and xlsx "
        "files in the spreadsheet format.",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="size multiplier: 1 is about 100 members in 8 groups (default 1)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).parent,
        help="folder to write into (default: the sample_data folder itself)",
    )
    args = parser.parse_args(argv)
    try:
        program = generate_program(seed=args.seed, scale=args.scale)
        paths = write_program(program, args.out)
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    members = len(program.roster)
    groups = program.roster["group"].nunique()
    print(f"{members} members in {groups} groups (seed {args.seed}); wrote {len(paths)} files:")
    for path in paths:
        print(f"  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
