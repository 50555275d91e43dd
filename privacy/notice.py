"""The 42 CFR Part 2 redisclosure notice, and which exports must carry it.

Records of a federally assisted substance-use disorder program are protected by 42 CFR
Part 2. 42 CFR 2.32(a), as revised by the final rule "Confidentiality of Substance Use
Disorder (SUD) Patient Records" (89 FR 12472, 16 February 2024; effective 16 April 2024,
compliance by 16 February 2026), requires each disclosure made with the patient's written
consent to be accompanied by Statement 1 (§2.32(a)(1)) or the abbreviated Statement 2
(§2.32(a)(2): "42 CFR part 2 prohibits unauthorized use or disclosure of these records.").
Mutuality attaches Statement 1 (`PART2_STATEMENT`) to every export, report and bundle that
holds data of a program flagged ``substance_use``, after the heading `PART2_HEADING`.

Where the wording was checked (issue 7; the sources are named beside the reference copy in
tests/privacy/test_part2_exports.py): the text up to "...unless at least one of the following
applies:" matches a reproduction of the revised §2.32(a)(1); the three conditions, numbered
(i) to (iii) as paragraphs (a)(1)(i)-(iii), and the closing sentence match the 2024 text as
embedded in two public software projects. Unverified: the eCFR and the Federal Register's
regulatory text themselves could not be read for this check (the eCFR and law.cornell.edu
copies available were of the superseded 2018/2020 section "Prohibition on re-disclosure"), so
the wording of (i)-(iii) and of the closing sentence is not confirmed letter for letter
against the official text. An institution's counsel should confirm it against the current
eCFR (https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2/subpart-C/section-2.32).

The revised section is titled "Notice and copy of consent to accompany disclosure": sending a
copy of the patient's consent with the records is the sender's to do, not this notice's.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

#: Mutuality's heading before the statement (not part of the regulation's wording).
PART2_HEADING = "42 CFR Part 2 notice (42 CFR 2.32)."

#: Statement 1 of 42 CFR 2.32(a)(1) as revised by 89 FR 12472 (2024), verbatim; the
#: regulation sets (i)-(iii) and the closing sentence as separate paragraphs, joined here by
#: single spaces.
PART2_STATEMENT = (
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, "
    "or testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: "
    "(i) Further use or disclosure is expressly permitted by the written consent of the "
    "individual whose information is being disclosed in this record or as otherwise "
    "permitted by 42 CFR part 2. "
    "(ii) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or "
    "(iii) You have received the record from a covered entity or business associate as "
    "permitted by 45 CFR part 164, subparts A and E. "
    "A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or "
    "redisclose the record (see 42 CFR 2.31)."
)

#: Statement 2 of 42 CFR 2.32(a)(2), the abbreviated notice, verbatim: shown on screens that
#: show such records (with Statement 1 a click away), not a replacement in exports.
PART2_SHORT = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."

#: The notice every Part 2 export carries: the heading, then Statement 1.
PART2_NOTICE = f"{PART2_HEADING} {PART2_STATEMENT}"


def substance_use_programs(programs: pd.DataFrame, exported: Iterable[str | None]) -> list[str]:
    """Which of the `exported` program names are flagged substance-use in `programs`.

    `programs` is `store.roster.list_programs` (columns name, substance_use).
    """
    flagged = {
        str(name)
        for name, substance_use in zip(programs["name"], programs["substance_use"], strict=True)
        if bool(substance_use)
    }
    return sorted({str(p) for p in exported if p is not None and str(p) in flagged})


def notice_for(programs: pd.DataFrame, exported: Iterable[str | None]) -> str | None:
    """`PART2_NOTICE` when any exported program is a substance-use program, else None."""
    return PART2_NOTICE if substance_use_programs(programs, exported) else None
