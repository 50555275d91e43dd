"""Synthetic PHQ-9 and Mutuality check-in files for the pre/post change tests (seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from measures import load_instrument

CHECKIN = load_instrument("mutuality-checkin")


def phq9_file() -> pd.DataFrame:
    """32 members in two groups, PHQ-9 at pre and post; most improve, a few get worse."""
    rng = np.random.default_rng(2026)
    rows = []
    for m in range(32):
        level = rng.uniform(0.5, 2.6)
        drop = rng.normal(0.8, 0.7) if m % 8 else -0.6  # every eighth member gets worse
        for timepoint, mean in (("pre", level), ("post", level - drop)):
            answers = np.clip(np.round(mean + rng.normal(0, 0.45, 9)), 0, 3).astype(int)
            rows.append(
                {"member": f"PH-{m + 1:02d}", "timepoint": timepoint}
                | {"group": "Monday" if m % 2 else "Thursday", "program": "Outpatient"}
                | {f"phq9_{i + 1}": int(v) for i, v in enumerate(answers)}
            )
    return pd.DataFrame(rows)


def checkin_file() -> pd.DataFrame:
    """20 members, six numbered sessions, slopes that differ (items 9 and 10 as answered)."""
    rng = np.random.default_rng(11)
    rows = []
    reversed_items = {item.id for item in CHECKIN.items if item.reverse}
    for m in range(20):
        start, slope = rng.normal(3.0, 0.5), (m % 5 - 1.5) * 0.08
        for session in range(1, 7):
            level = start + slope * (session - 1)
            answers = {}
            for item in CHECKIN.item_ids:
                value = int(np.clip(round(level + rng.normal(0, 0.9)), 1, 5))
                answers[item] = 6 - value if item in reversed_items else value
            rows.append(
                {"member": f"CK-{m + 1:02d}", "timepoint": f"session-{session}"}
                | {"group": "North" if m < 10 else "South", "program": "Re-entry"}
                | {"session": session}
                | answers
            )
    return pd.DataFrame(rows)
