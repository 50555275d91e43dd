"""Members' descriptions of themselves, read from a response file's column (`--by COLUMN`).

A file for `cli.py context` or `cli.py dif` carries, beside the answers, a column with a
description per row: how the member describes their race or ethnicity, their gender, the
language they answered in, the mode of administration. The description counts per
administration (member and timepoint): a member who described themselves differently at
`post` than at `pre` is in one grouping at `pre` and in the other at `post`.

Nothing is dropped: a blank cell is the grouping ``NOT_GIVEN``, and "prefer not to say" (in
any case, English or Spanish) is the grouping ``PREFER_NOT``, each labelled, never left out.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ingest import InputError
from ingest.reader import label, read_table
from measures.about_me import load_about_me

#: The grouping of administrations whose description cell is blank.
NOT_GIVEN = "(not given)"
#: The grouping of members who chose not to describe themselves.
PREFER_NOT = "prefer not to say"
_PREFER_NOT_WORDS = {"prefer not to say", "prefiero no decir", "prefiero no decirlo"}


def grouping_label(value: object) -> str:
    """The grouping a description cell puts an administration in (never None)."""
    text = label(value)
    if text is None or not str(text).strip():
        return NOT_GIVEN
    text = " ".join(str(text).split())
    if text.lower() in _PREFER_NOT_WORDS:
        return PREFER_NOT
    return text


def descriptions_from_file(path: str | Path, column: str) -> pd.DataFrame:
    """Each administration's description in `column` of the file at `path`.

    Returns
    -------
    pandas.DataFrame
        Columns ``member``, ``timepoint`` and ``grouping`` (text), one row per administration.

    Raises
    ------
    ingest.InputError
        When the file has no such column (the message lists the columns it has), or a long
        file gives one administration two different descriptions (rows and values named).
    """
    frame = read_table(path)
    name = Path(path).name
    wanted = column.strip().lower()
    if wanted not in frame.columns:
        raise InputError(
            f"{name}: no column named '{column}' to group by (the columns are "
            + ", ".join(f"'{c}'" for c in frame.columns)
            + "). Name one of these with --by."
        )
    for needed in ("member", "timepoint"):
        if needed not in frame.columns:
            raise InputError(f"{name}: no column named '{needed}'; every row needs one.")
    rows = pd.DataFrame(
        {
            "member": frame["member"].map(label),
            "timepoint": frame["timepoint"].map(label),
            "grouping": frame[wanted].map(grouping_label),
            "row": frame.index,
        }
    )
    distinct = rows.groupby(["member", "timepoint"], sort=False)["grouping"].nunique()
    conflicting = distinct[distinct > 1]
    if not conflicting.empty:
        member, timepoint = conflicting.index[0]
        clash = rows[(rows["member"] == member) & (rows["timepoint"] == timepoint)]
        seen = clash.drop_duplicates("grouping").head(2)
        where = "; ".join(f"row {r.row}: '{r.grouping}'" for r in seen.itertuples())
        raise InputError(
            f"{name}, column '{column}': member {member} at {timepoint} is described two "
            f"ways ({where}). One administration has one description: correct the rows "
            f"({len(conflicting)} administration(s) in all)."
        )
    return rows.drop_duplicates(["member", "timepoint"])[["member", "timepoint", "grouping"]]


# Groupings from the database ----------------------------------------------------------------

#: The grouping of members who wrote their own words but chose none of the form's categories.
OWN_WORDS_ONLY = "(own words only)"
#: `by` for the language an administration was answered in.
ANSWER_LANGUAGE = "answer_language"
#: `by` for how an administration was given (self-completed, read aloud, staff-entered).
MODE = "mode"
#: Names of the stored answer languages in results.
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


def grouping_choices(questions: list[str]) -> dict[str, str]:
    """What the Context page can group by (key -> label).

    `questions` of the about-me form, then the language of answering and the mode of
    administration.
    """
    form = load_about_me()
    choices = {}
    for question in questions:
        if question in form.question_ids:
            choices[question] = f"How members describe their {form.question(question).about}"
    choices[ANSWER_LANGUAGE] = "Language they answered in"
    choices[MODE] = "How the questionnaire was given"
    return choices


def stored_groupings(engine, instrument: str, by: str) -> pd.DataFrame:
    """Each stored administration of `instrument` and its grouping by `by`.

    `by` is an about-me question id (the description the member had given by the
    administration's day counts; a later one does not reach back), `ANSWER_LANGUAGE` or
    `MODE`. Returns ``member`` (code), ``timepoint``, ``grouping``; never a member's words.
    """
    from store.descriptions import administration_contexts, description_history

    contexts = administration_contexts(engine, instrument)
    if by == ANSWER_LANGUAGE:
        grouping = [None if pd.isna(c) else LANGUAGE_NAMES.get(c, c) for c in contexts["language"]]
    elif by == MODE:
        grouping = contexts["mode"]
    else:
        question = load_about_me().question(by)
        history = description_history(engine, by)
        grouping = _as_of(contexts, history, question)
    out = contexts[["member", "timepoint"]].copy()
    out["grouping"] = [grouping_label(g) for g in grouping]
    return out


def _answer_label(question, choice, wrote_words: bool) -> str | None:
    """The category an answer puts its member in (None for a skipped question).

    The choice's words, or "(own words only)" when they wrote something and chose nothing.
    """
    if pd.isna(choice):
        return OWN_WORDS_ONLY if wrote_words else None
    return question.choice_text(choice)


def _as_of(contexts: pd.DataFrame, history: pd.DataFrame, question) -> list[str | None]:
    """The grouping each administration's member had described by its day (else None)."""
    if contexts.empty or history.empty:
        return [None] * len(contexts)
    history = history.assign(
        label=[
            _answer_label(question, c, words)
            for c, words in zip(history["choice"], history["own_words"], strict=True)
        ],
        on=pd.to_datetime(history["on"]),
    )
    left = contexts.assign(on=pd.to_datetime(contexts["on"]), order=range(len(contexts)))
    joined = pd.merge_asof(
        left.sort_values("on", kind="stable"),
        history[["member", "on", "label"]].sort_values("on", kind="stable"),
        on="on",
        by="member",
        direction="backward",
    ).sort_values("order")
    return [None if pd.isna(v) else v for v in joined["label"]]


def member_groupings(engine, by: str, codes: list[str]) -> pd.DataFrame:
    """Each member's grouping for rates counted per member (attendance, dropout, alerts).

    A member counts in the grouping of their first description (`by` a question: the one
    given at enrolment), or of the language they answered in most often; ``NOT_GIVEN``
    without one. Returns ``member``, ``grouping``; `MODE` (a property of each answer set,
    not of a member) gives every member ``NOT_GIVEN``.
    """
    from store.descriptions import description_history, member_timepoints

    found: dict[str, str | None] = {}
    if by == ANSWER_LANGUAGE:
        points = member_timepoints(engine).dropna(subset=["language"])
        for member, part in points.groupby("member", sort=False):
            found[member] = LANGUAGE_NAMES.get(part["language"].mode().iloc[0])
    elif by != MODE:
        question = load_about_me().question(by)
        history = description_history(engine, by).drop_duplicates("member", keep="first")
        for member, choice, words in history[["member", "choice", "own_words"]].itertuples(
            index=False
        ):
            found[member] = _answer_label(question, choice, words)
    return pd.DataFrame(
        {"member": codes, "grouping": [grouping_label(found.get(code)) for code in codes]}
    )
