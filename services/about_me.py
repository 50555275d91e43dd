"""The about-me form's use cases: which questions a program asks, members' answers to them.

An administrator chooses a program's questions (Settings). A member is asked the questions
of their program they have not been asked yet, once, on the kiosk or their phone, before the
check-in (ui.member_form), or staff enter a paper form; a member can answer again (the new
answers count from that day) or remove every answer. The own words a member writes are
stored and never read back by any page, result or report.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from access.roles import CHANGE_SETTINGS, PermissionDeniedError
from measures.about_me import PREFER_NOT, AboutQuestion, load_about_me
from services.selection import engine_for


def form_questions() -> dict[str, str]:
    """Every question of the about-me form: id -> its English wording, in form order."""
    return {q.id: q.question_text("en") for q in load_about_me().questions}


def asked(url: str | None, program: str | None) -> list[str]:
    """The question ids `program` asks ([] when it asks none)."""
    from store.descriptions import asked_questions

    return asked_questions(engine_for(url), program)


def set_asked(url: str | None, user, program: str, questions: list[str]) -> None:
    """Set the questions `program` asks (administrators; audited); ValueError for an unknown id."""
    from store.descriptions import set_asked_questions

    if user is not None and not user.can(CHANGE_SETTINGS):
        raise PermissionDeniedError("only an administrator can choose the about-me questions")
    known = load_about_me().question_ids
    unknown = [q for q in questions if q not in known]
    if unknown:
        raise ValueError(
            f"the about-me form has no question {', '.join(unknown)} (it has {', '.join(known)})"
        )
    chosen = [q for q in known if q in set(questions)]
    set_asked_questions(engine_for(url), program, chosen, getattr(user, "username", None))


def questions_due(url: str | None, program: str | None, code: str) -> list[AboutQuestion]:
    """The questions of `program` member `code` has not been asked yet (form order)."""
    from store.descriptions import answered_questions

    wanted = asked(url, program)
    if not wanted:
        return []
    done = answered_questions(engine_for(url), code)
    form = load_about_me()
    return [form.question(q) for q in wanted if q not in done]


def program_questions(url: str | None, program: str | None) -> list[AboutQuestion]:
    """Every question `program` asks, for a member answering again."""
    form = load_about_me()
    return [form.question(q) for q in asked(url, program)]


def save_answers(
    url: str | None,
    code: str,
    answers: Mapping[str, tuple[str | None, str | None]],
    *,
    mode: str = "self-completed",
    who: str | None = None,
    given_on=None,
) -> int:
    """Store member `code`'s answers: question -> (choice id, own words); both may be None.

    ValueError for a question or choice the form does not have.
    """
    from store.descriptions import save_self_description

    form = load_about_me()
    for question_id, (choice, _words) in answers.items():
        question = form.question(question_id)
        if choice not in (None, PREFER_NOT) and question.choice_text(choice) is None:
            raise ValueError(f"{question_id}: '{choice}' is not one of its choices")
    return save_self_description(
        engine_for(url), code, answers, mode=mode, who=who, given_on=given_on
    )


def remove_answers(url: str | None, code: str, who: str | None = None) -> int:
    """Delete every about-me answer of member `code` (the member's choice); returns how many."""
    from store.descriptions import remove_self_descriptions

    return remove_self_descriptions(engine_for(url), code, who)


# Paper forms ---------------------------------------------------------------------------------

#: The suffix of a paper grid's own-words column ("gender: own words").
OWN_WORDS_COLUMN = ": own words"


class PaperAboutMeError(ValueError):
    """About-me paper forms that cannot be stored; `.problems` names each (nothing stored)."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def choice_words(question: AboutQuestion) -> list[str]:
    """What a paper grid's cell may say for `question`.

    Its categories in English, then "prefer not to say"; a blank cell is a skipped question.
    """
    return [c.text["en"] for c in question.choices] + ["prefer not to say"]


def paper_grid(url: str | None, program: str | None, codes: list[str]) -> pd.DataFrame:
    """An empty grid for typing in about-me paper forms.

    One row per member of `codes` not asked yet, one column per question the program asks
    and one for each question's own words.
    """
    from store.descriptions import answered_questions

    questions = program_questions(url, program)
    engine = engine_for(url)
    waiting = [c for c in codes if not {q.id for q in questions} <= answered_questions(engine, c)]
    columns = ["member"]
    for question in questions:
        columns += [question.id, question.id + OWN_WORDS_COLUMN]
    grid = pd.DataFrame({"member": waiting})
    for column in columns[1:]:
        grid[column] = None
    return grid[columns]


def save_paper(
    url: str | None,
    grid: pd.DataFrame,
    program: str | None,
    who: str | None,
    given_on=None,
) -> int:
    """Store the typed about-me paper forms of `grid` (`paper_grid`'s columns) as staff-entered.

    A row left empty stores nothing (the member had no form). Every problem is listed
    (row, member, column, value, what it may say) and nothing is stored. The answers count
    from `given_on` (the session's day; today when None). Returns the members stored.
    """
    questions = program_questions(url, program)
    forms = _forms(grid.to_dict("records"), questions, OWN_WORDS_COLUMN, lambda n: f"row {n}")
    for code, (answers, _day) in forms.items():
        save_answers(url, code, answers, mode="staff-entered", who=who, given_on=given_on)
    return len(forms)


def import_file(
    url: str | None, path, who: str | None, given_on=None, filename: str | None = None
) -> dict:
    """Store the about-me answers of a spreadsheet (enrolment data), all or nothing.

    One row per member: ``member``, a column per question of the form (its id, e.g.
    ``gender``; a cell holds a category in English or Spanish, its id, "prefer not to say",
    or nothing), optionally ``<question>_own_words`` and ``date`` (the day the answers count
    from; else `given_on`, else today). Every problem is listed with its row, column and
    value (ingest.InputError), and nothing is stored. `path` may be an open binary file
    (an upload) named by `filename`. Returns what was stored.
    """
    import datetime as dt
    from pathlib import Path

    from ingest import InputError
    from ingest.reader import read_table
    from store.roster import list_members

    name = filename or Path(path).name
    frame = read_table(path, filename=filename) if filename else read_table(path)
    form = load_about_me()
    own = "_own_words"
    known = {"member", "date", *form.question_ids, *(q + own for q in form.question_ids)}
    unknown = [c for c in frame.columns if c not in known]
    if "member" not in frame.columns or unknown:
        raise InputError(
            f"{name}: "
            + ("no column named 'member'; " if "member" not in frame.columns else "")
            + (
                f"columns {', '.join(repr(c) for c in unknown)} are not about-me questions; "
                if unknown
                else ""
            )
            + f"the columns may be member, date, {', '.join(form.question_ids)} and each "
            f"question's _own_words."
        )
    questions = [form.question(q) for q in form.question_ids if q in frame.columns]
    rows = frame.to_dict("records")
    # Row numbers as a spreadsheet shows them: the header is row 1.
    forms = _forms(rows, questions, own, lambda n: f"{name}, row {n + 1}", InputError)
    codes = set(list_members(engine_for(url))["code"].astype(str))
    missing = sorted(set(forms) - codes)
    if missing:
        raise InputError(
            f"{name}: member(s) {', '.join(missing)} are not on any roster; add them first "
            "(an upload of their answers or Run a session). Nothing was stored."
        )
    # Every date is read before anything is stored: a bad one stores nothing.
    days = {
        code: _day(day, name) or given_on or dt.date.today() for code, (_a, day) in forms.items()
    }
    stored = 0
    for code, (answers, _day_cell) in forms.items():
        stored += save_answers(url, code, answers, mode="imported", who=who, given_on=days[code])
    return {
        "file": name,
        "members": len(forms),
        "answers": stored,
        "questions": [q.id for q in questions],
    }


def _day(value, name: str):
    from ingest import InputError

    if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
        return None
    try:
        return pd.Timestamp(value).date()
    except (ValueError, TypeError):
        raise InputError(f"{name}: date {value!r} is not a date (write it as 2026-03-02)") from None


def _forms(rows, questions, own_suffix: str, where, error=PaperAboutMeError) -> dict:
    """Member -> (answers, date cell) of `rows`; every bad cell listed in one `error`."""
    problems, forms = [], {}
    for number, row in enumerate(rows, start=1):
        answers = {}
        member = _cell(row.get("member"))
        for question in questions:
            said = _cell(row.get(question.id))
            words = _cell(row.get(question.id + own_suffix))
            choice = None
            if said is not None:
                choice = _choice_of(question, said)
                if choice is None:
                    allowed = ", ".join(f"'{w}'" for w in choice_words(question))
                    problems.append(
                        f"{where(number)} (member {member}), column {question.id}: "
                        f"'{said}' is not one of {allowed}; leave it empty if skipped"
                    )
                    continue
            answers[question.id] = (choice, words)
        if not any(choice or words for choice, words in answers.values()):
            continue
        if member is None:
            problems.append(f"{where(number)}: answers without a member code; add the code")
        elif member in forms:
            problems.append(f"{where(number)}: member {member} has a second row; keep one")
        else:
            forms[member] = (answers, row.get("date"))
    if problems:
        raise error(problems) if error is PaperAboutMeError else error("; ".join(problems))
    return forms


def _cell(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = " ".join(str(value).split())
    return text or None


def _choice_of(question: AboutQuestion, said: str) -> str | None:
    """The choice id a typed cell names (its English or Spanish words, or its id)."""
    wanted = said.casefold()
    if wanted in ("prefer not to say", "prefiero no decirlo", PREFER_NOT):
        return PREFER_NOT
    for choice in question.choices:
        if wanted in {choice.id.casefold(), *(t.casefold() for t in choice.text.values())}:
            return choice.id
    return None
