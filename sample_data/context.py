"""Synthetic self-descriptions of the demo members, and a check-in file to read outcomes by them.

Issue 14 (cultural context) reads outcomes through members' own descriptions of themselves.
`self_descriptions` gives every demo member a description in believable proportions for the
three programs (race or ethnicity, gender, an age band, the language they answer in), with
"prefer not to say" among the answers. `context_checkins` is the demo check-in file with those
columns added, in which one item carries a planted language difference: members answering in
Spanish answer `PLANTED_ITEM` one point higher (within the scale) than members answering in
English at the same level of connection. `cli.py dif ... --by language` finds it; every other
item is left as the generator drew it.

Everything here is synthetic: no real person's description is in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The check-in item answered higher in Spanish (a planted translation difference).
PLANTED_ITEM = "mutualitycheckin_3"
#: File stem of the check-in file with self-descriptions.
CONTEXT_FILE = "demo_checkin_context"

_RACE = {
    "Black or African American": 0.34,
    "White": 0.30,
    "Hispanic or Latina/o/x": 0.22,
    "American Indian or Alaska Native": 0.05,
    "Asian": 0.03,
    "More than one": 0.03,
    "prefer not to say": 0.03,
}
_AGE = {"18-25": 0.22, "26-35": 0.34, "36-50": 0.30, "51 and over": 0.14}


def _gender_weights(program: str) -> dict[str, float]:
    if program.startswith("Community women"):
        return {"woman": 0.93, "non-binary": 0.04, "prefer not to say": 0.03}
    return {"man": 0.70, "woman": 0.25, "non-binary": 0.02, "prefer not to say": 0.03}


def _draw(rng: np.random.Generator, weights: dict[str, float], size: int) -> np.ndarray:
    labels = list(weights)
    p = np.array(list(weights.values()))
    return rng.choice(labels, size=size, p=p / p.sum())


def self_descriptions(roster: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """One synthetic self-description per member of `roster` (member, program, ...).

    Columns: ``member``, ``race_ethnicity``, ``gender``, ``age_band``, ``language``. About
    two in three members who describe themselves as Hispanic or Latina/o/x answer in Spanish;
    everyone else answers in English.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 14]))
    n = len(roster)
    race = _draw(rng, _RACE, n)
    gender = np.array(
        [_draw(rng, _gender_weights(str(p)), 1)[0] for p in roster["program"].to_numpy()]
    )
    age = _draw(rng, _AGE, n)
    spanish = (race == "Hispanic or Latina/o/x") & (rng.random(n) < 0.67)
    return pd.DataFrame(
        {
            "member": roster["member"].to_numpy(),
            "race_ethnicity": race,
            "gender": gender,
            "age_band": age,
            "language": np.where(spanish, "Spanish", "English"),
        }
    )


def context_checkins(checkins: pd.DataFrame, descriptions: pd.DataFrame) -> pd.DataFrame:
    """The wide check-in table with each member's description and the planted difference.

    `checkins` is the demo's wide check-in table; answers of `PLANTED_ITEM` in Spanish are one
    point higher, kept inside the 1-5 scale (a skipped answer stays skipped).
    """
    frame = checkins.merge(descriptions, on="member", how="left")
    planted = pd.to_numeric(frame[PLANTED_ITEM], errors="coerce")
    spanish = frame["language"] == "Spanish"
    frame[PLANTED_ITEM] = planted.where(~spanish, (planted + 1).clip(upper=5)).astype("Int64")
    return frame


#: The demo's about-me questions: a description column -> the form's question id.
DEMO_QUESTIONS = {
    "race_ethnicity": "race_ethnicity",
    "gender": "gender",
    "language": "preferred_language",
    "age_band": "age_band",
}


def about_me_answers(descriptions: pd.DataFrame) -> pd.DataFrame:
    """`self_descriptions` as about-me answers: member, question, choice (the form's ids)."""
    from measures.about_me import PREFER_NOT, load_about_me

    form = load_about_me()
    rows = []
    for column, question_id in DEMO_QUESTIONS.items():
        question = form.question(question_id)
        ids = {c.text["en"]: c.id for c in question.choices} | {"prefer not to say": PREFER_NOT}
        for member, value in zip(descriptions["member"], descriptions[column], strict=True):
            rows.append({"member": member, "question": question_id, "choice": ids[value]})
    return pd.DataFrame(rows)


def answer_languages(descriptions: pd.DataFrame) -> dict[str, str]:
    """Member -> the language code they answer the demo check-ins in ("en" or "es")."""
    return {
        m: "es" if lang == "Spanish" else "en"
        for m, lang in zip(descriptions["member"], descriptions["language"], strict=True)
    }


def plant_in_long(long: pd.DataFrame, descriptions: pd.DataFrame) -> pd.DataFrame:
    """The long responses with `PLANTED_ITEM` one point higher in Spanish (within 1-5).

    The same planted difference as `context_checkins`, for the demo database.
    """
    spanish = set(descriptions.loc[descriptions["language"] == "Spanish", "member"])
    rows = (long["item"] == PLANTED_ITEM) & long["member"].isin(spanish)
    values = pd.to_numeric(long.loc[rows, "value"], errors="coerce")
    raised = (values + 1).clip(upper=5)
    out = long.copy()
    out.loc[rows, "value"] = [None if pd.isna(v) else str(int(v)) for v in raised]
    return out
