"""Measurement equivalence: whether each item of a scale measures the same in every grouping.

The use case behind `cli.py dif` (and the Context page's DIF table): the items of one scale,
the members' grouping at each administration (the language they answered in, how they
describe themselves), and `analysis.dif.item_dif` for each item, with alpha and omega of the
scale in each grouping beside it.

Privacy: a grouping resting on fewer than `min_members` members (5 by default,
`privacy.suppression.MIN_CELL_SIZE`) is not compared and its count is not shown: the result
says that such groupings were left out, never how many members they had.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.dif import ALPHA, MIN_CELL, DifResult, described_as, item_dif
from analysis.reliability import scale_reliability
from analysis.timepoints import timepoint_place
from measures import Instrument
from measures.scoring import keyed_items
from privacy.suppression import MIN_CELL_SIZE
from services.descriptions import NOT_GIVEN, descriptions_from_file
from services.files import answers_from_file


@dataclass
class GroupingReliability:
    """Alpha and omega of the scale among one grouping's answer sets."""

    grouping: str
    members: int
    answer_sets: int
    alpha: float | None
    omega_total: float | None


@dataclass
class DifView:
    """DIF of one scale's items by one grouping, with each grouping's reliability."""

    instrument: str
    scale: str
    by: str
    result: DifResult
    reliability: list[GroupingReliability] = field(default_factory=list)
    #: Groupings with too few members to compare (named; their counts are not shown).
    too_small: list[str] = field(default_factory=list)
    min_members: int = MIN_CELL_SIZE
    notes: list[str] = field(default_factory=list)
    #: True when members answered at several timepoints and each one's first set was used.
    first_answer_sets: bool = False

    def to_dict(self) -> dict:
        """The ``dif --json`` object (docs/cli.md)."""
        return {
            "instrument": self.instrument,
            "scale": self.scale,
            "by": self.by,
            "groupings": self.result.groupings,
            "reference": self.result.reference,
            "items": [i.to_dict() for i in self.result.items],
            "criterion": self.result.criterion,
            "alpha_level": self.result.alpha,
            "purified": self.result.purified,
            "anchors": self.result.anchors,
            "iterations": self.result.iterations,
            "min_cell": self.result.min_cell,
            "reliability": [vars(r) for r in self.reliability],
            "not_compared": self.too_small,
            "min_members": self.min_members,
            "notes": self.notes + self.result.notes,
        }


def grouping_words(by: str) -> Callable[[str], str]:
    """How a reading names a grouping of column `by`.

    "in Spanish" for language, "when read aloud" for mode, and "by members who describe
    themselves as …" for a self-description.
    """
    column = by.strip().lower()
    if column in ("language", "answer_language"):
        return lambda value: f"in {value}"
    if column == "mode":
        return lambda value: f"when {value}"
    return described_as


def dif_of(
    wide: pd.DataFrame,
    instrument: Instrument,
    groupings: pd.DataFrame,
    *,
    by: str,
    scale: str | None = None,
    timepoint: str | None = None,
    every_answer_set: bool = False,
    purify: bool = True,
    alpha: float = ALPHA,
    min_cell: int = MIN_CELL,
    min_members: int = MIN_CELL_SIZE,
) -> DifView:
    """DIF of `scale`'s items (the instrument's first scale by default) by grouping.

    `wide` has one row per administration (member, timepoint, item columns); `groupings` the
    grouping of each administration (member, timepoint, grouping). Items are tested as
    answered; members are matched on the scale's score (the mean of its reverse-keyed items,
    prorated within the scale's `max_missing`, so an answer set is left out only when its
    score is missing); with `purify` (lordif's default) flagged items leave that score. The
    models assume one answer set per member: without `timepoint`, each member's first
    (`analysis.timepoints.timepoint_place`) is used unless `every_answer_set`.
    """
    if min_members < 1:
        raise ValueError(f"the minimum number of members must be 1 or more, not {min_members}")
    chosen = instrument.scale(scale) if scale else instrument.scales[0]
    rows = wide.merge(groupings, on=["member", "timepoint"], how="left")
    # An answer set without a description is in the grouping "(not given)", never dropped.
    rows["grouping"] = rows["grouping"].fillna(NOT_GIVEN)
    notes: list[str] = []
    first_sets = False
    if timepoint is not None:
        rows = rows[rows["timepoint"].astype(str) == str(timepoint)]
        if rows.empty:
            raise ValueError(f"no answers at timepoint {timepoint!r}")
    elif rows["member"].duplicated().any() and not every_answer_set:
        place = rows["timepoint"].map(timepoint_place)
        rows = rows.assign(_place=place).sort_values("_place", kind="stable")
        rows = rows.drop_duplicates("member").drop(columns="_place")
        first_sets = True
        notes.append(
            "Members answered at several timepoints; each member's first answer set is used, "
            "so every row of the models is a different member."
        )
    elif rows["member"].duplicated().any():
        notes.append(
            "Every answer set is used: repeated answers of one member count as if they were "
            "other members', so p-values are smaller than they should be."
        )
    members = rows.groupby("grouping")["member"].nunique()
    too_small = sorted(g for g, n in members.items() if n < min_members)
    if too_small:
        notes.append(
            f"Groupings with fewer than {min_members} members are not compared and their "
            f"counts are not shown: {', '.join(too_small)}."
        )
    rows = rows[~rows["grouping"].isin(too_small)]
    answers = rows[chosen.items].apply(pd.to_numeric, errors="coerce")
    keyed = keyed_items(rows, instrument, chosen.items)

    def matching(anchors: list[str]) -> pd.Series:
        """The scale's rule on the anchor items: their mean, prorated within max_missing."""
        answered = keyed[anchors].notna().sum(axis=1)
        enough = answered >= max(len(anchors) - chosen.max_missing, 1)
        return keyed[anchors].mean(axis=1).where(enough)

    result = item_dif(
        answers,
        rows["grouping"],
        matching=matching,
        purify=purify,
        alpha=alpha,
        min_cell=min_cell,
        who=grouping_words(by),
    )
    reliability = []
    for grouping in result.groupings:
        inside = rows["grouping"] == grouping
        rel = scale_reliability(keyed[inside], scale=chosen.id)
        reliability.append(
            GroupingReliability(
                grouping=grouping,
                members=int(rows.loc[inside, "member"].nunique()),
                answer_sets=int(inside.sum()),
                alpha=rel.alpha,
                omega_total=rel.omega_total,
            )
        )
    return DifView(
        instrument=instrument.id,
        scale=chosen.id,
        by=by,
        result=result,
        reliability=reliability,
        too_small=too_small,
        min_members=min_members,
        notes=notes,
        first_answer_sets=first_sets,
    )


def dif_of_file(
    path: str | Path,
    *,
    instrument: str | Instrument | None,
    by: str,
    scale: str | None = None,
    timepoint: str | None = None,
    every_answer_set: bool = False,
    purify: bool = True,
    alpha: float = ALPHA,
    min_cell: int = MIN_CELL,
    min_members: int = MIN_CELL_SIZE,
) -> DifView:
    """`dif_of` for a response file whose column `by` holds each administration's grouping."""
    answers = answers_from_file(path, instrument=instrument)
    if scale is not None:
        answers.scale(scale)
    groupings = descriptions_from_file(path, by)
    return dif_of(
        answers.wide(),
        answers.instrument,
        groupings,
        by=by,
        scale=scale,
        timepoint=timepoint,
        every_answer_set=every_answer_set,
        purify=purify,
        alpha=alpha,
        min_cell=min_cell,
        min_members=min_members,
    )
