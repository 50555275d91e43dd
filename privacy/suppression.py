"""Small-cell suppression: a published table never shows a count of 1 to 4 people.

A count is the number of members (or answers) a cell rests on. When it is from 1 to
``min_cell_size - 1`` (4 by default), the count reads "fewer than 5: not shown" and every
statistic computed from those people (mean, SD, CI, alpha, ...) is left blank. Zero is shown:
it names nobody. Counts that add up to a total printed beside them (reliable change
categories of a group; the groups' members of a scale) get complementary suppression: when
exactly one part is hidden, the next smallest is hidden with it, so the first cannot be worked
out by subtraction.

Who gets suppression (docs/security.md): everything printed for an institution (the PDF
report), and every aggregate table or chart an evaluator sees or downloads — the app's pages
and the Excel report of a user who may not see member codes. The evaluator's member-level
data comes only through the de-identified export (pseudonyms, shifted dates), which is a
record-level file, not an aggregate.

Fewer than 5 by default; an institution with a stricter rule (CMS, for one, hides 1 to 10)
passes a larger `min_cell_size` (the CLI's ``report --min-cell-size``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

#: Groups and cells resting on fewer people than this are not shown.
MIN_CELL_SIZE = 5


class Suppressor:
    """Shows a count or statistic only when it rests on at least `min_cell_size` members.

    One Suppressor per output: `suppressed` counts the cells it hid, so the output can say
    whether suppression applied.
    """

    def __init__(self, min_cell_size: int = MIN_CELL_SIZE):
        if min_cell_size < 1:
            raise ValueError(f"min_cell_size must be 1 or more, not {min_cell_size}")
        self.min_cell_size = min_cell_size
        self.suppressed = 0

    @property
    def label(self) -> str:
        """The text shown in place of a suppressed cell."""
        return f"fewer than {self.min_cell_size}: not shown"

    #: The text of a cell hidden only so that a small one beside it cannot be worked out
    #: (complementary suppression): its own count may be large, so it does not say "fewer".
    complement_label = "not shown"

    def label_for(self, n: int | None) -> str:
        """The text in place of a hidden count `n`: `label` if small, else `complement_label`."""
        return self.label if self.hides(n) else self.complement_label

    def hides(self, n: int | None) -> bool:
        """Whether a cell of `n` members is suppressed (0 and None are shown as they are)."""
        return n is not None and not pd.isna(n) and 0 < n < self.min_cell_size

    def count(self, n: int | None) -> str:
        """A count, or the suppression label."""
        if n is None:
            return "-"
        if self.hides(n):
            self.suppressed += 1
            return self.label
        return str(n)

    def members(self, n: int) -> str:
        """A count of members in words: "12 members", "1 member", or "fewer than 5 members".

        For sentences worded from counts (the pre/post rule, readings): the count is
        decided here, on the number, before the sentence is worded.

        >>> Suppressor().members(3), Suppressor().members(1), Suppressor().members(12)
        ('fewer than 5 members', 'fewer than 5 members', '12 members')
        """
        if self.hides(n):
            self.suppressed += 1
            return f"fewer than {self.min_cell_size} members"
        return f"{n} member" + ("" if n == 1 else "s")

    def hidden_parts(self, parts: Sequence[int | None]) -> set[int]:
        """Positions of `parts` to hide when their total is published beside them.

        Small parts (`hides`) are hidden; when exactly one is, the smallest other part is
        hidden too (complementary suppression), because a single hidden part equals the
        published total minus the parts shown: 9 of 12 improved and 0 deteriorated give
        away 3 unchanged. With two hidden, only their sum can be worked out.
        """
        hidden = {i for i, n in enumerate(parts) if self.hides(n)}
        if len(hidden) == 1:
            others = [
                i
                for i, n in enumerate(parts)
                if n is not None and not pd.isna(n) and i not in hidden
            ]
            if others:
                hidden.add(min(others, key=lambda i: (parts[i], i)))
        return hidden

    def counts(self, parts: Sequence[int | None]) -> list[str]:
        """Counts that add up to a published total, with `hidden_parts` suppressed."""
        hidden = self.hidden_parts(parts)
        self.suppressed += len(hidden)
        return [
            self.label_for(n) if i in hidden else ("-" if n is None else str(n))
            for i, n in enumerate(parts)
        ]

    def words(self, text: str) -> str:
        """A message worded for publication: each count of members it quotes decided here.

        A message that carries its counts as fields (`analysis.words.CountedText`) is worded
        again with `members`, so a count of 1-4 reads "fewer than 5 members"; any other text
        quotes no count and is returned as it is. Nothing re-reads the words.
        """
        reword = getattr(text, "words", None)
        if callable(reword) and hasattr(text, "counts"):
            return reword(self.members)
        return text

    def summary(self) -> str:
        """One sentence for a report's privacy note: what was hidden, and how it is marked."""
        if not self.suppressed:
            return (
                f"Small-cell suppression was checked: no group or cell has fewer than "
                f"{self.min_cell_size} members, so nothing needed hiding."
            )
        return (
            f"Small-cell suppression applied: {self.suppressed} group(s) or cell(s) are not "
            f"shown: those with fewer than {self.min_cell_size} members (marked "
            f"\u201c{self.label}\u201d) and, where counts add up to a total shown beside "
            f"them, one more (marked \u201c{self.complement_label}\u201d) so that a small "
            "count cannot be worked out by subtraction."
        )

    def allows_points(self, counts: Sequence[int | None]) -> bool:
        """Whether a plot with one point per member may be drawn, given its category counts.

        A point per member (the Jacobson plot) lets a reader count each category's points:
        the plot is drawn only when no category count would be hidden (`hidden_parts`) and
        the members together are not too few.
        """
        known = [n for n in counts if n is not None and not pd.isna(n)]
        return not self.hides(sum(known)) and not self.hidden_parts(list(counts))

    def row(self, n: int | None, cells: list[str]) -> list[str] | None:
        """`cells` when `n` is large enough, else None (the caller writes the label)."""
        if n is not None and n < self.min_cell_size:
            self.suppressed += 1
            return None
        return cells

    # Tables ----------------------------------------------------------------------------------

    def _blank(
        self, frame: pd.DataFrame, hide: pd.Series, count_column: str, keep: Iterable[str]
    ) -> pd.DataFrame:
        result = frame.copy()
        kept = set(keep) | {count_column}
        for column in result.columns:
            if column not in kept:
                result[column] = result[column].astype(object).where(~hide, None)
        labels = pd.to_numeric(result[count_column], errors="coerce").map(self.label_for)
        result[count_column] = result[count_column].astype(object).where(~hide, labels)
        self.suppressed += int(hide.sum())
        return result

    def rows(
        self, frame: pd.DataFrame, count_column: str = "n", keep: Iterable[str] = ()
    ) -> pd.DataFrame:
        """A copy of an aggregate table where rows resting on too few people are hidden.

        Parameters
        ----------
        frame
            One row per group, session, scale, item, ...
        count_column
            How many people each row summarises; a hidden row's count reads `label`.
        keep
            Columns that name the row (scale, group, session): kept as they are. Every
            other column of a hidden row is blanked.
        """
        if count_column not in frame:
            raise ValueError(f"the table has no count column {count_column!r} to check")
        counts = pd.to_numeric(frame[count_column], errors="coerce")
        hide = counts.notna() & (counts > 0) & (counts < self.min_cell_size)
        return self._blank(frame, hide, count_column, keep)

    def part_rows(
        self,
        frame: pd.DataFrame,
        count_column: str,
        within: Sequence[str],
        keep: Iterable[str] = (),
    ) -> pd.DataFrame:
        """Like `rows`, for rows whose counts add up to a published total `within` a block.

        The groups of one scale and timepoint add up to its members; the categories of one
        group add up to its members with both timepoints. In each block (rows sharing the
        values of `within`) `hidden_parts` decides, so one hidden row never stands alone.
        """
        if count_column not in frame:
            raise ValueError(f"the table has no count column {count_column!r} to check")
        hide = pd.Series(False, index=frame.index)
        blocks = (
            frame.groupby(list(within), sort=False, dropna=False) if within else [(None, frame)]
        )
        for _, block in blocks:
            counts = pd.to_numeric(block[count_column], errors="coerce")
            parts = [None if pd.isna(n) else int(n) for n in counts]
            for position in self.hidden_parts(parts):
                hide[block.index[position]] = True
        return self._blank(frame, hide, count_column, list(keep) + list(within))

    def part_columns(self, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
        """A copy where each row's counts in `columns`, adding up to a total, are suppressed.

        One row holds, say, the members in each reliable change category of one method:
        `hidden_parts` decides per row.
        """
        result = frame.copy()
        for column in columns:
            result[column] = result[column].astype(object)
        for index, row in frame.iterrows():
            parts = [None if pd.isna(row[c]) else int(row[c]) for c in columns]
            hidden = self.hidden_parts(parts)
            self.suppressed += len(hidden)
            for position in hidden:
                result.at[index, columns[position]] = self.label_for(parts[position])
        return result
