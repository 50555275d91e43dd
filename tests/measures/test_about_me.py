"""The about-me form (measures/forms/about-me.yaml): plain words in English and Spanish."""

from __future__ import annotations

import pytest
import textstat
import yaml

from measures.about_me import ABOUT_ME_FILE, PREFER_NOT, AboutMeForm, load_about_me


def test_every_sentence_a_member_reads_is_plain_english_with_a_spanish_version():
    form = load_about_me()
    for words in form.words():
        assert words.get("en") and words.get("es"), words
    for sentence in [form.intro["en"], form.own_words["en"], form.prefer_not["en"]]:
        grade = textstat.flesch_kincaid_grade(sentence)
        assert grade <= 6, f"FK grade {grade} > 6: {sentence!r}"
    for question in form.questions:
        grade = textstat.flesch_kincaid_grade(question.text["en"])
        assert grade <= 6, f"{question.id}: FK grade {grade} > 6: {question.text['en']!r}"


def test_the_program_can_ask_race_gender_language_and_age():
    form = load_about_me()
    assert form.question_ids == ["race_ethnicity", "gender", "preferred_language", "age_band"]
    gender = form.question("gender")
    assert gender.choice_text("non_binary") == "non-binary"
    assert gender.choice_text("non_binary", "es") == "no binario"
    assert gender.choice_text(PREFER_NOT) == "prefer not to say"
    assert gender.choice_text("unknown") is None
    with pytest.raises(KeyError, match="no question 'shoe_size'"):
        form.question("shoe_size")


def test_a_form_missing_spanish_or_repeating_a_choice_is_refused():
    data = yaml.safe_load(ABOUT_ME_FILE.read_text(encoding="utf-8"))
    data["intro"] = {"en": "Tell us about you."}
    with pytest.raises(ValueError, match="wording missing in es"):
        AboutMeForm.model_validate(data)
    data = yaml.safe_load(ABOUT_ME_FILE.read_text(encoding="utf-8"))
    data["questions"][1]["choices"].append({"id": "woman", "text": {"en": "w", "es": "m"}})
    with pytest.raises(ValueError, match="choice ids must be unique"):
        AboutMeForm.model_validate(data)
