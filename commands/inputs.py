"""Reading a command's INPUT file: every analysis command reads and checks it this way."""

from __future__ import annotations

from services.files import FileAnswers, answers_from_file


def file_answers(args) -> FileAnswers:
    """The checked answers of `args.input` (`services.files.answers_from_file`).

    Uses `args.instrument` and, when the command has one, `args.mapping`; checks
    `args.scale` when the command has one, so a wrong scale is named before any analysis.
    """
    answers = answers_from_file(
        args.input, instrument=args.instrument, mapping=getattr(args, "mapping", None)
    )
    if getattr(args, "scale", None) is not None:
        answers.scale(args.scale)
    return answers
