"""Where a signed-in user may store uploaded answers: own groups, or an evaluator's programs.

- An administrator (and the command line, which acts as one) stores anywhere.
- A facilitator stores only in the groups they are linked to (`selection.own_group_ids`).
- An evaluator stores only in the programs they may see: the programs of the groups
  `access.scope.visible_groups` gives them (every stored program when they see every group).
  A new group of one of those programs is fine (the store creates it); a new program is not:
  an administrator adds programs, with the substance-use flag that decides the 42 CFR Part 2
  notice of everything exported from them.

Every refusal is a validation problem (`ingest.validate.Problem`) on the spreadsheet row and
column it is about. Its words name only the user's own groups or programs, never another
group's members or answers, and they name a member's code only where `Problem.words` puts it
(`ingest.validate.CODE`): an evaluator's page shows "(code hidden)" there.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from access.roles import SEE_MEMBER_CODES
from ingest import ResponseTable
from ingest.validate import CODE, Problem
from services.selection import engine_for, own_group_ids

GROUPS = "groups"
PROGRAMS = "programs"
_ASK = "ask an administrator to upload these answers"


@dataclass(frozen=True)
class UploadLimits:
    """Where one user may store answers.

    `kind` is `GROUPS` (a facilitator: only the existing groups `pairs`) or `PROGRAMS` (an
    evaluator: any group, existing or new, of `programs`). `pairs` are (program, group)
    names, "" for a group without a program. `listed` names them for messages.
    """

    kind: str
    pairs: frozenset[tuple[str, str]]
    programs: frozenset[str]
    listed: str

    def allows(self, program: str, group: str) -> bool:
        """Whether answers may be stored in group `group` of program `program` ("": none)."""
        if self.kind == GROUPS:
            return (program, group) in self.pairs
        return program in self.programs


def _names(column: pd.Series) -> list[str]:
    """Names for matching: a missing program or group (None or NaN) becomes ""."""
    return ["" if pd.isna(value) else str(value).strip() for value in column]


def _cell(frame: pd.DataFrame, column: str) -> list[str | None]:
    """The cells of `column` as trimmed text (None when blank or when there is no column)."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [
        None if value is None or pd.isna(value) else str(value).strip() or None
        for value in frame[column].astype(object)
    ]


def limits_for(url: str, user) -> UploadLimits | None:
    """Where `user` may store answers; None: anywhere (an administrator, the command line)."""
    from store.roster import list_groups, list_programs

    engine = engine_for(url)
    own_ids = own_group_ids(user)
    if own_ids is not None:
        groups = list_groups(engine)
        mine = groups[groups["id"].isin(sorted(own_ids))]
        pairs = frozenset(zip(_names(mine["program"]), _names(mine["name"]), strict=True))
        shown = [f"{name} ({program})" if program else name for program, name in sorted(pairs)]
        listed = ", ".join(shown) or "none: ask an administrator to link you to your groups"
        return UploadLimits(GROUPS, pairs, frozenset(), listed)
    if user is None or user.can(SEE_MEMBER_CODES):
        return None
    from access.scope import visible_groups

    seen = visible_groups(engine, user)
    programs = set(_names(seen["program"]))
    if getattr(user, "group_ids", None) is None:  # every group: every stored program
        programs |= set(_names(list_programs(engine)["name"]))
    programs.discard("")
    pairs = frozenset(
        pair
        for pair in zip(_names(seen["program"]), _names(seen["name"]), strict=True)
        if pair[0] in programs
    )
    listed = ", ".join(sorted(programs)) or "none: ask an administrator to add your program"
    return UploadLimits(PROGRAMS, pairs, frozenset(programs), listed)


def stored_mask(stored: pd.DataFrame, limits: UploadLimits) -> list[bool]:
    """Which stored answers (`store.responses.load_responses` rows) the user may compare with."""
    return [
        limits.allows(program, group)
        for program, group in zip(_names(stored["program"]), _names(stored["group"]), strict=True)
    ]


def outside_rows(table: ResponseTable, url: str, user) -> list[Problem]:
    """Rows of `table` that would store answers where `user` may not, as problems.

    Every row must name one of the user's groups or programs, or, without a group, be about
    a member already stored in one of them; no row may be about a member code stored
    elsewhere or in no group. One problem per spreadsheet row and column, in the
    validation report's format; empty for a user who may store anywhere.
    """
    from store.roster import list_groups, list_members

    limits = limits_for(url, user)
    if limits is None:
        return []
    engine = engine_for(url)
    every_group = list_groups(engine)
    programs_of: dict[str, set[str]] = {}
    for program, name in zip(
        _names(every_group["program"]), _names(every_group["name"]), strict=True
    ):
        programs_of.setdefault(name, set()).add(program)
    members = list_members(engine)
    member_pairs = {
        str(code).strip(): None if pd.isna(group) else (program, str(group).strip())
        for code, group, program in zip(
            members["code"], members["group"], _names(members["program"]), strict=True
        )
    }
    long = table.long
    rows = table.row_numbers.reindex(long.index).tolist()
    problems: list[Problem] = []
    seen: set[tuple] = set()
    words = _groups_words if limits.kind == GROUPS else _programs_words

    def add(row, column: str, value, what: str, todo: str, member: str | None = None) -> None:
        if (row, column) in seen:
            return
        seen.add((row, column))
        message = f"{what}; {todo}"
        problems.append(
            Problem(
                row=None if row is None or pd.isna(row) else int(row),
                column=table.columns.get(column, column),
                value=value,
                message=message if member is None else message.replace(CODE, member),
                letter=table.column_letters.get(column),
                field=column,
                member=member,
                what=what,
                todo=todo,
            )
        )

    for row, code, group, program in zip(
        rows, _cell(long, "member"), _cell(long, "group"), _cell(long, "program"), strict=True
    ):
        if code is None:
            continue  # the validation report asks for the member's code
        if code in member_pairs and (
            member_pairs[code] is None or not limits.allows(*member_pairs[code])
        ):
            add(row, "member", code, *words(limits, "stored elsewhere"), member=code)
            continue
        if group is None:
            if code not in member_pairs:
                add(row, "member", code, *words(limits, "new, no group"), member=code)
            continue
        if program is not None:
            if limits.kind == PROGRAMS and program not in limits.programs:
                add(row, "program", program, *words(limits, "program", program=program))
            elif not limits.allows(program, group):
                add(row, "group", group, *words(limits, "group", group=group))
            continue
        # Without a program, the store takes the one group of that name, if only one.
        named = programs_of.get(group, set())
        if len(named) == 1 and limits.allows(next(iter(named)), group):
            continue
        if len(named) > 1 and any(limits.allows(p, group) for p in named):
            add(row, "group", group, *words(limits, "two programs", group=group))
        elif limits.kind == PROGRAMS and not named:
            add(row, "group", group, *words(limits, "new group", group=group))
        else:
            add(row, "group", group, *words(limits, "group", group=group))
    return problems


def _groups_words(limits: UploadLimits, case: str, group: str = "", **_) -> tuple[str, str]:
    """(what is wrong, what to do) for a facilitator: their groups are `limits.listed`."""
    yours = limits.listed
    if case == "stored elsewhere":
        return (
            f"member {CODE} is not a member of your groups, so their answers cannot be "
            "uploaded by you",
            f"check the code for a typing error, or {_ASK}. Nothing of this file is stored "
            "until the row is corrected or deleted",
        )
    if case == "new, no group":
        return (
            f"member {CODE} is new and the row names no group",
            f"add a group column with one of your groups ({yours}) so the member joins it",
        )
    if case == "two programs":
        return (
            f"more than one program has a group {group}",
            f"add a program column naming your group's program ({yours})",
        )
    return f"group {group} is not one of your groups ({yours})", f"correct the group, or {_ASK}"


def _programs_words(
    limits: UploadLimits, case: str, group: str = "", program: str = ""
) -> tuple[str, str]:
    """(what is wrong, what to do) for an evaluator: their programs are `limits.listed`."""
    yours = limits.listed
    if case == "stored elsewhere":
        return (
            f"member {CODE} is not in a group of your programs, so their answers cannot be "
            "uploaded by you",
            f"check the code for a typing error, or {_ASK}. Nothing of this file is stored "
            "until the row is corrected or deleted",
        )
    if case == "new, no group":
        return (
            f"member {CODE} is new and the row names no group",
            f"add a group column (and a program column: {yours}) so the member joins a group "
            "of your programs",
        )
    if case == "program":
        return (
            f"program {program} is not one of your programs ({yours})",
            "correct the program; a new program is added by an administrator",
        )
    if case == "two programs":
        return (
            f"more than one program has a group {group}",
            f"add a program column naming the group's program ({yours})",
        )
    if case == "new group":
        return (
            f"group {group} is new and the row names no program",
            f"add a program column naming one of your programs ({yours})",
        )
    return (
        f"group {group} is not in one of your programs ({yours})",
        f"correct the group, or {_ASK}",
    )
