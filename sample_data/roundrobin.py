"""Synthetic round-robin ratings of two demo groups, with connections that grow more mutual.

Issue 15 (is mutuality mutual?): at some sessions the members present rate how connected they
felt with each other member present ("Today, how connected did you feel with ...?", the
check-in's 1-5 scale). `roundrobin_ratings` draws them from the Social Relations Model:
``rating = mean + perceiver + target + relationship``, where the two relationship effects of a
pair are correlated and that correlation (dyadic reciprocity) rises over the program, from
about .05 at the first rated session to about .6 at the last, so `cli.py roundrobin` shows
the relationship covariance growing session by session; at the last rated session one member
of the second group feels, and is felt, connected to almost nobody (`ISOLATED`). Everything
here is synthetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The groups and sessions whose members rated each other.
ROUND_ROBIN_GROUPS = ("PR-A", "CW-A")
ROUND_ROBIN_SESSIONS = (2, 5, 8, 11)
#: The dyadic reciprocity drawn at each rated session, in order.
RECIPROCITY = (0.05, 0.25, 0.45, 0.6)
#: One member who feels connected to few and whom few feel connected to, at the last rated
#: session of the second group (the isolation signal shows them on Home).
ISOLATED = ("CW-A", 11)
#: File stem of the demo's round-robin ratings.
ROUND_ROBIN_FILE = "demo_roundrobin"


def roundrobin_ratings(attendance: pd.DataFrame, seed: int = 2026) -> pd.DataFrame:
    """The ratings of members present: group, session, perceiver, target, connection (1-5)."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 15]))
    present = attendance[attendance["present"].astype(str).isin(["1", "True", "true"])]
    rows = []
    for group in ROUND_ROBIN_GROUPS:
        members = sorted(attendance.loc[attendance["group"] == group, "member"].unique())
        perceiver = dict(zip(members, rng.normal(0, 0.45, len(members)), strict=True))
        target = dict(zip(members, rng.normal(0, 0.35, len(members)), strict=True))
        for session, rho in zip(ROUND_ROBIN_SESSIONS, RECIPROCITY, strict=True):
            here = present[
                (present["group"] == group) & (present["session"].astype(int) == session)
            ]["member"]
            here = sorted(here)
            for i, a in enumerate(here):
                for b in here[i + 1 :]:
                    g_ab, g_ba = rng.multivariate_normal(
                        [0, 0], [[0.6, 0.6 * rho], [0.6 * rho, 0.6]]
                    )
                    for p, t, g in ((a, b, g_ab), (b, a, g_ba)):
                        value = 3.4 + 0.1 * ROUND_ROBIN_SESSIONS.index(session)
                        value += perceiver[p] + target[t] + g
                        rows.append(
                            {
                                "group": group,
                                "session": session,
                                "perceiver": p,
                                "target": t,
                                "connection": int(np.clip(np.rint(value), 1, 5)),
                            }
                        )
    frame = pd.DataFrame(rows, columns=["group", "session", "perceiver", "target", "connection"])
    group, session = ISOLATED
    at = (frame["group"] == group) & (frame["session"] == session)
    if at.any():
        member = sorted(frame.loc[at, "perceiver"])[0]
        theirs = at & ((frame["perceiver"] == member) | (frame["target"] == member))
        frame.loc[theirs, "connection"] = frame.loc[theirs, "connection"].clip(upper=2)
    return frame


_NAMES = (
    "Ana", "Ben", "Cruz", "Dee", "Eli", "Fay", "Gus", "Hana", "Ike", "Jo", "Kai", "Lia",
    "Max", "Nia", "Omar", "Pia",
)  # fmt: skip


def display_names(ratings: pd.DataFrame) -> dict[str, str]:
    """A synthetic first name for each member who rates (never their code), unique per group."""
    names = {}
    for _group, part in ratings.groupby("group"):
        members = sorted(set(part["perceiver"]) | set(part["target"]))
        for member, name in zip(members, _NAMES, strict=False):
            names[member] = name
    return names
