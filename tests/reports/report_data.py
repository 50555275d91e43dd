"""Crafted response tables for the report tests: a tiny per-session instrument and answers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from measures import load_instrument

INSTRUMENT_YAML = """\
id: tiny-checkin
name: Tiny check-in
version: "1"
citation: "crafted for tests"
license: "test only"
use: per-session
response_scale: {min: 1, max: 5}
higher_is: better
items:
  - {id: tiny_1}
  - {id: tiny_2}
  - {id: tiny_3, reverse: true}
scales:
  - {id: total, name: Tiny total, items: [tiny_1, tiny_2, tiny_3], method: mean, max_missing: 0}
"""

#: Member codes and group names a spreadsheet would run as formulas.
HOSTILE_MEMBER = '=HYPERLINK("http://example.invalid","x")'
HOSTILE_GROUP = "+1"
SMALL_GROUP = "@small"


def tiny_instrument(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(INSTRUMENT_YAML)
    return load_instrument(path)


def session_answers(seed: int = 7, big: int = 9, small: int = 3, sessions: int = 4) -> pd.DataFrame:
    """Wide answers: `big` members in group "+1", `small` in "@small", over `sessions`.

    Each member's latent score rises by about 0.3 a session from their own starting point;
    items are that latent plus noise, rounded onto 1-5 (tiny_3 reverse-keyed as written).
    """
    rng = np.random.default_rng(seed)
    rows = []
    members = [(f"M{i:02d}", HOSTILE_GROUP) for i in range(big)]
    members += [(f"S{i:02d}", SMALL_GROUP) for i in range(small)]
    members[0] = (HOSTILE_MEMBER, HOSTILE_GROUP)
    for member, group in members:
        start, slope = rng.normal(2.5, 0.6), rng.normal(0.3, 0.1)
        for session in range(1, sessions + 1):
            latent = start + slope * (session - 1)
            items = np.clip(np.round(latent + rng.normal(0, 0.5, 3)), 1, 5)
            items[2] = 6 - items[2]
            rows.append(
                {
                    "member": member,
                    "timepoint": f"session-{session}",
                    "group": group,
                    "program": "-Program",
                    "session": session,
                    **{f"tiny_{k + 1}": float(items[k]) for k in range(3)},
                }
            )
    return pd.DataFrame(rows)
