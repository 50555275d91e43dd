"""The words a person reads for each column of a result table: one dictionary for every table.

`analysis/` returns tidy frames with machine names (``alpha_ci_low``, ``d_av``, ``rci``),
which the command line's ``--json`` keys and scripts rely on. People read the same tables
on the pages and in the Excel report, so the presentation edge renames the columns with
:data:`COLUMN_WORDS` (through :func:`worded`), the page and the workbook saying the same
words. A statistic keeps the symbol its readers expect ("Cronbach's α", "Cohen's d_av").

Examples
--------
>>> import pandas as pd
>>> worded(pd.DataFrame(columns=["scale", "alpha", "alpha_ci_low", "lambda6"])).columns.tolist()
['Scale', "Cronbach's α", 'α 95% CI low', "Guttman's λ6"]
>>> machine_name("Reliable change index")
'rci'
"""

from __future__ import annotations

import pandas as pd

from measures import Instrument

__all__ = [
    "COLUMN_WORDS",
    "ITEM_TEXT",
    "column_word",
    "item_wording",
    "machine_name",
    "with_item_wording",
    "worded",
]

#: The column that `with_item_wording` adds beside an ``item`` column.
ITEM_TEXT = "item_text"

#: Machine name of a column -> the words a person reads. Each word is used once, so a worded
#: table can be read back (`machine_name`).
COLUMN_WORDS: dict[str, str] = {
    # Who, where and when.
    "member": "Member",
    "group": "Group",
    "program": "Program",
    "timepoint": "Timepoint",
    "session": "Session",
    "date": "Date",
    "mode": "How answered",
    "scale": "Scale",
    "item": "Item",
    ITEM_TEXT: "Item wording",
    "label": "Program or group",
    "level": "Level",
    # Counts.
    "n": "Members (n)",
    "k": "Items (k)",
    "n_members": "Members",
    "n_groups": "Groups",
    "n_observations": "Answers",
    "n_pairs": "Members with both",
    "n_missing_pre": "Members without a score before",
    "n_missing_post": "Members without a score after",
    # Reliability.
    "alpha": "Cronbach's α",
    "alpha_ci_low": "α 95% CI low",
    "alpha_ci_high": "α 95% CI high",
    "alpha_standardized": "Standardized α",
    "lambda6": "Guttman's λ6",
    "omega_total": "McDonald's ω (total)",
    "omega_hierarchical": "McDonald's ω (hierarchical)",
    "mean_inter_item_r": "Mean inter-item r",
    "item_rest_r": "Item-rest r",
    "alpha_if_deleted": "α if item deleted",
    "flags": "Flags",
    "notes": "Notes",
    # Descriptive statistics.
    "mean": "Mean",
    "sd": "SD",
    "ci_low": "95% CI low",
    "ci_high": "95% CI high",
    # Change.
    "pre": "Before",
    "post": "After",
    "change": "Change",
    "rci": "Reliable change index",
    "category": "Category",
    "slope": "Slope",
    "slope_se": "Slope SE",
    "slope_ci_low": "Slope 95% CI low",
    "slope_ci_high": "Slope 95% CI high",
    "slope_p": "Slope p",
    "mean_pre": "Mean before",
    "sd_pre": "SD before",
    "mean_post": "Mean after",
    "sd_post": "SD after",
    "mean_change": "Mean change",
    "sd_change": "SD of the changes",
    "r_pre_post": "r before-after",
    "t": "t",
    "df": "df",
    "p": "p",
    "d_z": "Cohen's d_z",
    "d_z_ci_low": "d_z 95% CI low",
    "d_z_ci_high": "d_z 95% CI high",
    "d_av": "Cohen's d_av",
    "g_av": "Hedges' g_av",
    "d_rm": "Cohen's d_rm",
    "wilcoxon_p": "Wilcoxon signed-rank p",
    "reliability": "Reliability used",
    "reliability_source": "Reliability from",
    "cutoff": "Cutoff",
    "cutoff_type": "Cutoff type",
    "cutoff_used": "Cutoff used",
    "method": "Method",
    "method_name": "Method name",
    "critical_value": "Critical value",
    "recovered": "Recovered",
    "improved": "Improved",
    "unchanged": "Unchanged",
    "deteriorated": "Deteriorated",
    "harmed": "Harmed",
    # Groups.
    "icc1_reml": "ICC(1), REML",
    "icc1_anova": "ICC(1), ANOVA",
    "icc2": "ICC(2)",
    "design_effect": "Design effect",
    "f": "F",
    # Trend.
    "model": "Model",
    "intercept": "Intercept",
    "sd_intercept_member": "SD of members' intercepts",
    "sd_slope_member": "SD of members' slopes",
    "sd_residual": "Residual SD",
    # Stored records (Home, the audit log).
    "administrations": "Answers stored",
    "status": "Status",
    "members": "Members in group",
    "facilitator_code": "Facilitator",
    "id": "Entry",
    "at": "When",
    "who": "Who",
    "action": "Action",
    "detail": "Details",
    # Two-column tables of statistics (the Change and Groups pages).
    "statistic": "Statistic",
    "value": "Value",
}

_MACHINE = {words: name for name, words in COLUMN_WORDS.items()}
if len(_MACHINE) != len(COLUMN_WORDS):  # pragma: no cover - a mistake in the table above
    raise RuntimeError("COLUMN_WORDS uses the same words for two columns")

_ANSWERED, _PRORATED = ": items answered", ": prorated"


def column_word(name: object, instrument: Instrument | None = None) -> str:
    """The words a person reads for the column `name`.

    With `instrument`, a scale id is the scale's name, and ``<scale>_answered`` and
    ``<scale>_prorated`` (``measures.score``'s columns) say so in words. A name the
    dictionary does not know is returned as it is (an item id, say).

    >>> column_word("d_av"), column_word("phq9_1")
    ("Cohen's d_av", 'phq9_1')
    """
    text = str(name)
    if text in COLUMN_WORDS:
        return COLUMN_WORDS[text]
    if instrument is not None:
        scales = {s.id: s.name for s in instrument.scales}
        if text in scales:
            return scales[text]
        for suffix, words in (("_answered", _ANSWERED), ("_prorated", _PRORATED)):
            if text.endswith(suffix) and text[: -len(suffix)] in scales:
                return scales[text[: -len(suffix)]] + words
    return text


def machine_name(words: object, instrument: Instrument | None = None) -> str:
    """The machine name of a worded column (the inverse of :func:`column_word`)."""
    text = str(words)
    if text in _MACHINE:
        return _MACHINE[text]
    if instrument is not None:
        for scale in instrument.scales:
            if text == scale.name:
                return scale.id
            for suffix, ending in (("_answered", _ANSWERED), ("_prorated", _PRORATED)):
                if text == scale.name + ending:
                    return scale.id + suffix
    return text


def worded(frame: pd.DataFrame, instrument: Instrument | None = None) -> pd.DataFrame:
    """`frame` with every column named in words (:func:`column_word`); values untouched."""
    return frame.rename(columns={c: column_word(c, instrument) for c in frame.columns})


def item_wording(instrument: Instrument, item_id: object, language: str = "en") -> str:
    """What an item asks, in the instrument's own words.

    A licensed instrument whose wording is not shipped gives its theme, else its number
    ("item 3 of 10"), so the reader still knows which question it is.
    """
    ids = instrument.item_ids
    if item_id not in ids:
        return ""
    item = instrument.item(str(item_id))
    if item.text:
        text = item.text.get(language) or next(iter(item.text.values()))
        return text + (" (reversed)" if item.reverse else "")
    about = item.theme or f"item {ids.index(item_id) + 1} of {len(ids)}"
    return f"{about} (wording not included: licensed)" + (" (reversed)" if item.reverse else "")


def with_item_wording(frame: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """`frame` with an :data:`ITEM_TEXT` column (:func:`item_wording`) after its ``item``."""
    if "item" not in frame.columns or ITEM_TEXT in frame.columns:
        return frame
    table = frame.copy()
    position = list(table.columns).index("item") + 1
    table.insert(position, ITEM_TEXT, [item_wording(instrument, i) for i in table["item"]])
    return table
