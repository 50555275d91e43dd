"""The error raised for input that cannot be read (shared by the reader and mapping files)."""

from __future__ import annotations


class InputError(ValueError):
    """A file that cannot be read at all; the message names the file and what to do."""


class ColumnsNotFoundError(InputError):
    """A file without the columns expected: member, timepoint, or items of a known instrument.

    The message says what to rename; each door adds how to map columns there (the CLI's
    mapping file, the Upload page's column choices). `instrument_missing` is True when no
    instrument was named and none could be found from the columns; `what` is the message
    without its advice.
    """

    def __init__(self, message: str, *, instrument_missing: bool = False, what: str | None = None):
        super().__init__(message)
        self.instrument_missing = instrument_missing
        #: What is wrong without the advice, for a door that words its own (the page's
        #: column selectors); None: the whole message.
        self.what = what
