"""The 42 CFR Part 2 redisclosure notice, and which exports must carry it.

Records of a federally assisted substance-use disorder program are protected by 42 CFR
Part 2; §2.32 requires each disclosure to be accompanied by a written notice. Mutuality
attaches Statement 1 of §2.32(a)(1) (as revised by the final rule of 16 February 2024, 89 FR
12472) to every export, report and bundle that holds data of a program flagged
``substance_use``. The text is reproduced from the regulation; an institution's counsel
should confirm it against the current eCFR (https://www.ecfr.gov/current/title-42/part-2).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

PART2_NOTICE = (
    "42 CFR Part 2 notice (42 CFR 2.32). "
    "This record which has been disclosed to you is protected by Federal confidentiality "
    "rules (42 CFR part 2). These rules prohibit you from using or disclosing this record, "
    "or testimony that describes the information contained in this record, in any civil, "
    "criminal, administrative, or legislative proceedings by any Federal, State, or local "
    "authority, against the patient, unless authorized by the consent of the patient, except "
    "as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR "
    "2.64 or 2.65. In addition, the Federal rules prohibit you from making any other use or "
    "disclosure of this record unless at least one of the following applies: (A) Further use "
    "or disclosure is expressly permitted by the written consent of the individual whose "
    "information is being disclosed in this record or as otherwise permitted by 42 CFR part "
    "2. (B) You are a covered entity or business associate and have received the record for "
    "treatment, payment, or health care operations, or (C) You have received the record from "
    "a covered entity or business associate as permitted by 45 CFR part 164, subparts A and "
    "E. A general authorization for the release of medical or other information is NOT "
    "sufficient to meet the required elements of written consent to further use or "
    "redisclose the record (see 42 CFR 2.31)."
)


def substance_use_programs(programs: pd.DataFrame, exported: Iterable[str | None]) -> list[str]:
    """Which of the `exported` program names are flagged substance-use in `programs`.

    `programs` is `store.repository.list_programs` (columns name, substance_use).
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
