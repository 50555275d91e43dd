"""The error raised for input that cannot be read (shared by the reader and mapping files)."""

from __future__ import annotations


class InputError(ValueError):
    """A file that cannot be read at all; the message names the file and what to do."""
