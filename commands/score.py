"""`cli.py score`: one row per administration of a response file, one column per scale."""

from __future__ import annotations

import sys

from commands.inputs import file_answers
from commands.output import write_table


def score_command(args) -> int:
    """Read and check the file, score it, write the scores (csv or xlsx, or stdout)."""
    answers = file_answers(args)
    scored = answers.scored()
    write_table(scored, args.out)
    if args.out:
        print(
            f"Scored {len(scored)} administration(s) of {answers.instrument.id} -> {args.out}",
            file=sys.stderr,
        )
    return 0
