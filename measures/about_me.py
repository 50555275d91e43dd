"""The "about me" form: how members describe themselves, defined as data (forms/about-me.yaml).

Like an instrument, the form is a YAML file: its questions, their wording in English and
Spanish, and the categories a member may choose. Every question also offers "prefer not to
say" (`PREFER_NOT`) and a box for the member's own words; a program chooses which questions
it asks (store.descriptions). The form has no score: its answers put administrations into
groupings for the Context page and `cli.py context` / `cli.py dif`.

>>> form = load_about_me()
>>> form.question("gender").choice_text("woman", "es")
'mujer'
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from measures.schema import ITEM_ID_PATTERN

#: The built-in form's file.
ABOUT_ME_FILE = Path(__file__).resolve().parent / "forms" / "about-me.yaml"
#: The choice id stored for "prefer not to say" (offered by every question).
PREFER_NOT = "prefer-not-to-say"
#: Languages the form must be written in.
FORM_LANGUAGES = ("en", "es")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    """One category a member may choose; `id` is what the database keeps."""

    id: str = Field(min_length=1, max_length=40)
    text: dict[str, str]


class AboutQuestion(_Strict):
    """One question of the form."""

    id: str = Field(pattern=ITEM_ID_PATTERN)
    #: How results name it: "members who describe their <about> as ...".
    about: str
    text: dict[str, str]
    choices: list[Choice] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AboutQuestion:
        ids = [c.id for c in self.choices]
        if len(set(ids)) != len(ids) or PREFER_NOT in ids:
            raise ValueError(f"{self.id}: choice ids must be unique and not '{PREFER_NOT}'")
        return self

    def choice_text(self, choice: str | None, lang: str = "en") -> str | None:
        """The wording of stored `choice` in `lang` (English for results); None when unknown."""
        if choice is None:
            return None
        if choice == PREFER_NOT:
            return "prefer not to say"
        for option in self.choices:
            if option.id == choice:
                return option.text.get(lang) or option.text["en"]
        return None

    def question_text(self, lang: str) -> str:
        """The question in `lang` (English when that language is missing)."""
        return self.text.get(lang) or self.text["en"]


class AboutMeForm(_Strict):
    """The whole form: its wording and its questions in order."""

    id: str
    version: str
    title: dict[str, str]
    intro: dict[str, str]
    prefer_not: dict[str, str]
    own_words: dict[str, str]
    questions: list[AboutQuestion] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> AboutMeForm:
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique")
        for words in self.words():
            missing = [lang for lang in FORM_LANGUAGES if not words.get(lang)]
            if missing:
                raise ValueError(f"wording missing in {', '.join(missing)}: {words}")
        return self

    def words(self) -> list[dict[str, str]]:
        """Every piece of wording of the form (for the checks that both languages exist)."""
        found = [self.title, self.intro, self.prefer_not, self.own_words]
        for question in self.questions:
            found.append(question.text)
            found.extend(choice.text for choice in question.choices)
        return found

    @property
    def question_ids(self) -> list[str]:
        """The questions' ids in form order."""
        return [q.id for q in self.questions]

    def question(self, question_id: str) -> AboutQuestion:
        """The question `question_id`; KeyError names the form's questions when unknown."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(
            f"the about-me form has no question '{question_id}' "
            f"(it has {', '.join(self.question_ids)})"
        )


@lru_cache(maxsize=1)
def load_about_me(path: str | Path = ABOUT_ME_FILE) -> AboutMeForm:
    """The about-me form defined in `path` (the built-in form by default)."""
    with open(path, encoding="utf-8") as handle:
        return AboutMeForm.model_validate(yaml.safe_load(handle))
