"""Does repair matter here? The reports' comparison, worded, counts only.

Members by how their disconnections ended, with small cells hidden where the reader needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from services.catalog import instrument_by_id
from services.repairs import follow_up, visible_records
from services.selection import Scope, own_group_ids, wide_answers

#: The caveat every comparison carries.
OBSERVATIONAL = (
    "This is observational: members whose disconnections were repaired may differ in other "
    "ways from those whose were not (how hurt they were, what else happened in their lives), "
    "so the difference is not proof that repair caused it."
)


@dataclass
class RepairEffect:
    """Pre/post change by how members' disconnections ended, worded and fit to show.

    ``table`` is worded for the scope's reader (published for an evaluator); ``published``
    always hides rows and counts of fewer than 5 members (the PDF's).
    """

    table: pd.DataFrame  # worded rows: reconnected, not reconnected, no disconnection
    scale: str
    pre: str | None
    post: str | None
    caveat: str = OBSERVATIONAL
    problem: str | None = None
    published: pd.DataFrame = field(default_factory=pd.DataFrame)


def repair_effect(scope: Scope, scale: str | None = None) -> RepairEffect:
    """Members whose disconnections reconnected against those whose did not: pre/post change.

    On the scope's questionnaire and its pre and post timepoints (`selection.pre_post`).
    Counts only: no member is named. With `scope.publishes()` a row resting on fewer than 5
    members shows no number. The records come from every check-in of the program, whoever
    asks; the pre/post answers from the scope's groups.
    """
    from dataclasses import replace

    from analysis.repair_effect import repair_class, repair_comparison
    from services.analyses import change_of
    from services.selection import pre_post

    instrument = instrument_by_id(scope.instrument)
    scale = scale or instrument.scales[0].id
    choice = pre_post(replace(scope, user=None))
    pre, post = choice.pre, choice.post
    empty = pd.DataFrame()
    if pre is None or post is None:
        return RepairEffect(
            empty,
            scale,
            pre,
            post,
            problem=(
                f"{instrument.name} has no pre and post answers here: compare repair on a "
                "questionnaire given before and after the program."
            ),
        )
    view = follow_up(scope.url, scope.version, program=scope.program, group=scope.group)
    records = visible_records(view.records, scope.url, scope.user, scope.group)
    # Codes stay inside this function: the answers are read unpseudonymised so they meet the
    # records, then only counts leave.
    everyone = replace(scope, user=None)
    wide = wide_answers(everyone)
    if scope.user is not None and own_group_ids(scope.user) is not None:
        allowed = set(records["group"]) | set(_own_group_names(scope.url, scope.user))
        wide = wide[wide["group"].isin(allowed)]
    from measures import score as score_answers

    scored = score_answers(wide, instrument)
    try:
        pipeline = change_of(scored, wide, instrument, scale, pre, post, ["jt"])
    except ValueError as error:
        return RepairEffect(empty, scale, pre, post, problem=str(error))
    categories = pipeline.methods["jt"].members.set_index("member")["category"]
    labels = scored["timepoint"].map(str)
    pre_scores = scored[labels == pre].groupby("member")[scale].mean()
    post_scores = scored[labels == post].groupby("member")[scale].mean()
    members = pd.DataFrame({"pre": pre_scores.dropna()})
    members["post"] = post_scores.reindex(members.index)
    members["category"] = categories.reindex(members.index)
    members = members.reset_index().rename(columns={"index": "member"})
    table = repair_comparison(members, repair_class(records))
    return RepairEffect(
        _effect_words(table, scope.publishes()),
        scale,
        pre,
        post,
        published=_effect_words(table, True),
    )


def _own_group_names(url: str, user) -> list[str]:
    from services.selection import visible_groups

    table = visible_groups(url, user)
    return list(table.loc[table["id"].isin(own_group_ids(user) or ()), "name"])


def _signed(value: float) -> str:
    """A change with a true minus sign (a cell never starts with "+" or "-": no formula)."""
    return f"{value:.2f}".replace("-", "\u2212")


def _effect_words(table: pd.DataFrame, publishes: bool) -> pd.DataFrame:
    """The comparison in words; published: a row of fewer than 5 members shows no number."""
    from privacy.suppression import Suppressor

    suppressor = Suppressor()
    rows = []

    def categories(row) -> list[str]:
        parts = [int(row["improved"]), int(row["unchanged"]), int(row["deteriorated"])]
        # Published: a count of 1-4 members is hidden, and one more beside a single one.
        return suppressor.counts(parts) if publishes else [str(n) for n in parts]

    def pairs_and_dropout(row, shown) -> dict[str, str]:
        pairs, members = int(row["pairs"]), int(row["members"])
        # Members with pre and post and those without add up to the members shown beside.
        both, dropped = (
            suppressor.counts([pairs, members - pairs])
            if publishes
            else [str(pairs), str(members - pairs)]
        )
        share = f"{row['dropout']:.0%}" if row["dropout"] == row["dropout"] else "-"
        return {
            "With pre and post": shown(both),
            "Dropout (no post)": shown(f"{dropped} ({share})" if dropped.isdigit() else dropped),
        }

    for name, row in table.iterrows():
        hidden = publishes and suppressor.hides(int(row["members"]))

        def shown(text: str, hidden=hidden) -> str:
            return suppressor.label if hidden else text

        ci = (
            f"{_signed(row['mean_change'])} ({_signed(row['ci_low'])} to {_signed(row['ci_high'])})"
            if row["ci_low"] == row["ci_low"]
            else (_signed(row["mean_change"]) if row["pairs"] else "-")
        )
        rows.append(
            {
                "Members": {
                    "reconnected": "Disconnections reconnected",
                    "not reconnected": "Not reconnected",
                    "no disconnection": "No disconnection",
                }[name],
                "Members (n)": shown(str(int(row["members"]))),
                **pairs_and_dropout(row, shown),
                # The mean rests on the members with both answers.
                "Mean change (95% CI)": shown(
                    suppressor.label if publishes and suppressor.hides(int(row["pairs"])) else ci
                ),
                **dict(
                    zip(
                        ("Reliably better", "No reliable change", "Reliably worse"),
                        [shown(c) for c in categories(row)],
                        strict=True,
                    )
                ),
            }
        )
    return pd.DataFrame(rows)
