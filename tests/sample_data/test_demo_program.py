"""The synthetic demo program: reproducible for a seed, with the structure the analyses look for.

Expected ranges are the design of the generator (sample_data/README.md), checked with
statistics computed here from textbook formulas or by pingouin/statsmodels, never with
Mutuality's own analysis code.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.formula.api as smf
from pandas.testing import assert_frame_equal

from measures import load_instrument
from measures.scoring import keyed_items, score
from sample_data.generator import (
    CHECKIN,
    CONNECTION,
    DISTRESS,
    INSTRUMENTS,
    LONG_COLUMNS,
    DemoProgram,
    generate_program,
    group_letters,
)

FRAMES = ("roster", "sessions", "attendance", "responses_long", "disconnections")


@cache
def default_program() -> DemoProgram:
    return generate_program()


@cache
def checkin_scores() -> pd.DataFrame:
    scores = score(default_program().wide(CHECKIN), load_instrument(CHECKIN))
    scores["session"] = scores["session"].astype(int)
    return scores


def prepost_totals(instrument_id: str) -> pd.DataFrame:
    scores = score(default_program().wide(instrument_id), load_instrument(instrument_id))
    return scores.pivot(index="member", columns="timepoint", values="total")


def icc1_anova(frame: pd.DataFrame, value: str, group: str) -> float:
    """ICC(1) from a one-way ANOVA (Bliese, 2000), by hand from pingouin's mean squares.

    ICC(1) = (MSB - MSW) / (MSB + (k0 - 1) MSW), k0 = (N - sum(n_j^2) / N) / (J - 1).
    """
    frame = frame.dropna(subset=[value])
    table = pg.anova(data=frame, dv=value, between=group, detailed=True)
    msb, msw = table["MS"].iloc[0], table["MS"].iloc[1]
    sizes = frame.groupby(group).size()
    n, j = sizes.sum(), len(sizes)
    k0 = (n - (sizes**2).sum() / n) / (j - 1)
    return (msb - msw) / (msb + (k0 - 1) * msw)


# ----------------------------------------------------------------------- reproducibility


def test_same_seed_gives_identical_frames():
    first, second = generate_program(seed=11), generate_program(seed=11)
    for name in FRAMES:
        assert_frame_equal(getattr(first, name), getattr(second, name))
    for instrument_id in INSTRUMENTS:
        assert_frame_equal(first.wide(instrument_id), second.wide(instrument_id))


def test_different_seeds_give_different_programs():
    first, second = generate_program(seed=11), generate_program(seed=12)
    assert not first.responses_long["value"].equals(second.responses_long["value"])
    assert not first.attendance["present"].equals(second.attendance["present"])
    assert not first.sessions["date"].equals(second.sessions["date"])


def test_default_seed_is_2026():
    assert_frame_equal(generate_program(2026).responses_long, default_program().responses_long)


# ----------------------------------------------------------------------------- layout


def test_three_programs_eight_groups_and_about_a_hundred_members():
    roster = default_program().roster
    assert list(roster.columns) == ["program", "substance_use", "group", "member", "facilitator"]
    groups = roster.groupby("program")["group"].nunique()
    assert groups.to_dict() == {
        "Prison re-entry": 3,
        "Substance-use recovery": 3,
        "Community women's program": 2,
    }
    assert 80 <= len(roster) <= 120
    assert roster["member"].is_unique
    # Codes only, never names: PROGRAM-GROUP-NUMBER, prefixed by the member's group.
    assert roster["member"].str.fullmatch(r"[A-Z]{2}-[A-Z]+-\d{2,}").all()
    assert (roster["member"].str.rsplit("-", n=1).str[0] == roster["group"]).all()
    assert roster.groupby("group")["facilitator"].nunique().eq(1).all()


def test_only_the_substance_use_program_is_flagged():
    roster = default_program().roster
    flagged = roster.groupby("program")["substance_use"].agg(["min", "max"])
    assert flagged.loc["Substance-use recovery"].tolist() == [True, True]
    assert not flagged.drop(index="Substance-use recovery").to_numpy().any()


def test_twelve_weekly_sessions_per_group_starting_on_different_weeks_of_2026():
    sessions = default_program().sessions
    dates = pd.to_datetime(sessions["date"])
    assert (
        sessions.groupby("group")["session"]
        .apply(list)
        .map(lambda s: s == list(range(1, 13)))
        .all()
    )
    gaps = dates.groupby(sessions["group"]).diff().dropna()
    assert (gaps == pd.Timedelta(days=7)).all()
    starts = dates[sessions["session"] == 1]
    assert starts.dt.isocalendar().week.is_unique
    assert (dates.dt.year == 2026).all()


def test_scale_and_member_count_size_the_program():
    big = generate_program(scale=3)
    assert len(big.roster) == 300
    assert big.roster["group"].nunique() == 24
    assert len(generate_program(n_members=40).roster) == 40
    with pytest.raises(ValueError, match="at least 4 members"):
        generate_program(n_members=3)
    with pytest.raises(ValueError, match="scale must be a positive number"):
        generate_program(scale=0)


def test_group_letters_run_on_past_z_like_spreadsheet_columns():
    assert [group_letters(i) for i in (0, 25, 26, 27, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "ZZ",
        "AAA",
    ]


def test_long_answers_follow_the_spreadsheet_contract():
    long = default_program().responses_long
    assert list(long.columns) == LONG_COLUMNS
    assert set(long["instrument"]) == set(INSTRUMENTS)
    checkin = long[long["instrument"] == CHECKIN]
    assert (checkin["timepoint"] == "session-" + checkin["session"].astype(str)).all()
    prepost = long[long["instrument"] != CHECKIN]
    assert set(prepost["timepoint"]) == {"pre", "post"}
    assert prepost["session"].isna().all()
    modes = long.drop_duplicates(["member", "timepoint", "instrument"])["mode"]
    shares = modes.value_counts(normalize=True)
    assert set(shares.index) == {"self-completed", "read aloud", "staff-entered"}
    assert shares["self-completed"] > 0.7


# -------------------------------------------------------------------------- structure


def test_mean_checkin_rises_from_session_1_to_12():
    means = checkin_scores().groupby("session")["total"].mean()
    assert means[12] - means[1] > 0.4
    # Least-squares slope of the session means: about +0.05 to +0.1 points per session.
    slope = np.polyfit(means.index.to_numpy(float), means.to_numpy(), 1)[0]
    assert 0.04 <= slope <= 0.1


def test_groups_differ_icc1_by_one_way_anova():
    scores = checkin_scores()
    at_session_1 = icc1_anova(scores[scores["session"] == 1], "total", "group")
    assert 0.05 <= at_session_1 <= 0.3
    over_sessions = [
        icc1_anova(scores[scores["session"] == s], "total", "group") for s in range(1, 13)
    ]
    assert 0.05 <= np.mean(over_sessions) <= 0.3


def test_members_have_random_intercepts_and_slopes():
    scores = checkin_scores().dropna(subset=["total"])
    # Session centred at the middle of the program (6.5) so the optimiser converges cleanly.
    scores = scores.assign(centred=scores["session"] - 6.5)
    model = smf.mixedlm("total ~ centred", scores, groups="member", re_formula="~centred")
    fit = model.fit(reml=True)
    assert fit.converged
    assert 0.04 <= fit.fe_params["centred"] <= 0.1
    assert fit.cov_re.iloc[0, 0] > 0.1  # intercept variance
    assert fit.cov_re.iloc[1, 1] > 0.0005  # slope variance (SD > 0.02 points per session)


@pytest.mark.parametrize(
    ("instrument_id", "timepoints"),
    [
        (CHECKIN, ["session-1", "session-6", "session-12"]),
        (CONNECTION, ["pre", "post"]),
        (DISTRESS, ["pre", "post"]),
    ],
)
def test_scale_alphas_are_realistic(instrument_id, timepoints):
    instrument = load_instrument(instrument_id)
    wide = default_program().wide(instrument_id)
    for timepoint in timepoints:
        items = keyed_items(wide[wide["timepoint"] == timepoint], instrument, instrument.item_ids)
        alpha = pg.cronbach_alpha(items, nan_policy="pairwise")[0]
        assert 0.75 <= alpha <= 0.92, (timepoint, alpha)


def test_reverse_keyed_checkin_items_are_answered_low_by_connected_members():
    instrument = load_instrument(CHECKIN)
    wide = default_program().wide(CHECKIN)
    reverse = [item.id for item in instrument.items if item.reverse]
    forward = [item.id for item in instrument.items if not item.reverse]
    assert reverse == ["mutualitycheckin_9", "mutualitycheckin_10"]
    answers = wide[forward + reverse].astype(float)
    forward_mean = answers[forward].mean(axis=1)
    for item in reverse:
        assert answers[item].corr(forward_mean) < -0.3


def test_planted_disconnections_are_reliable_drops():
    program = default_program()
    scores = checkin_scores().sort_values(["member", "session"])
    scores["change"] = scores.groupby("member")["total"].diff()
    # Jacobson-Truax reliable change on the check-in total at session 1:
    # RC threshold = 1.96 * SD * sqrt(2) * sqrt(1 - alpha).
    instrument = load_instrument(CHECKIN)
    wide = program.wide(CHECKIN)
    items = keyed_items(wide[wide["session"] == 1], instrument, instrument.item_ids)
    alpha = pg.cronbach_alpha(items, nan_policy="pairwise")[0]
    sd = scores.loc[scores["session"] == 1, "total"].std(ddof=1)
    threshold = 1.96 * sd * np.sqrt(2) * np.sqrt(1 - alpha)
    planted = program.disconnections
    assert 3 <= len(planted) <= 6
    assert set(planted["kind"]) == {"rupture", "deterioration"}
    at_drop = planted.merge(scores, on=["member", "session"], how="left")
    assert at_drop["change"].notna().all(), (
        "each planted member attends the drop session and one before"
    )
    assert (at_drop["change"] < -threshold).all()
    assert (at_drop["change"] < -1.0).all()


def test_attendance_is_about_80_percent_and_matches_the_checkins():
    program = default_program()
    attendance = program.attendance
    assert list(attendance.columns) == ["group", "session", "date", "member", "present"]
    assert len(attendance) == 12 * len(program.roster)
    assert 0.72 <= attendance["present"].mean() <= 0.88
    present = attendance.loc[attendance["present"] == 1, ["member", "session"]]
    checkins = program.wide(CHECKIN)[["member", "session"]].astype({"session": int})
    assert sorted(map(tuple, present.to_numpy())) == sorted(map(tuple, checkins.to_numpy()))


def test_some_members_drop_out_before_the_post_measure():
    program = default_program()
    for instrument_id in (CONNECTION, DISTRESS):
        wide = program.wide(instrument_id)
        assert set(wide.loc[wide["timepoint"] == "pre", "member"]) == set(program.roster["member"])
        without_post = 1 - (wide["timepoint"] == "post").sum() / len(program.roster)
        assert 0.1 <= without_post <= 0.2
    # Those who left stop coming to sessions before the end.
    wide = program.wide(CONNECTION)
    left = set(program.roster["member"]) - set(wide.loc[wide["timepoint"] == "post", "member"])
    attendance = program.attendance
    last = attendance[attendance["present"] == 1].groupby("member")["session"].max()
    assert (last.reindex(sorted(left)).fillna(0) < 12).all()


def test_about_two_percent_of_answers_are_skipped():
    values = default_program().responses_long["value"]
    assert 0.01 <= values.isna().mean() <= 0.03


def test_pre_post_connection_improves_distress_falls_some_deteriorate():
    connection = prepost_totals(CONNECTION).dropna()
    distress = prepost_totals(DISTRESS).dropna()
    connection_change = connection["post"] - connection["pre"]
    distress_change = distress["post"] - distress["pre"]
    assert connection_change.mean() / connection_change.std() > 0.4
    assert distress_change.mean() / distress_change.std() < -0.4
    assert (connection_change < 0).sum() >= 5
    assert (distress_change > 0).sum() >= 5
    # Consistent with the check-in: members whose check-in rose more gained more connection.
    checkin = checkin_scores()
    checkin_slope = (
        checkin.dropna(subset=["total"])
        .groupby("member")[["session", "total"]]
        .apply(lambda m: np.polyfit(m["session"], m["total"], 1)[0] if len(m) > 2 else np.nan)
    )
    joined = pd.concat([checkin_slope.rename("slope"), connection_change.rename("change")], axis=1)
    assert joined.dropna()["slope"].corr(joined.dropna()["change"]) > 0.2
    # and connection and distress move in opposite directions.
    both = pd.concat([connection_change.rename("c"), distress_change.rename("d")], axis=1).dropna()
    assert both["c"].corr(both["d"]) < -0.2


def test_no_names_only_codes_anywhere():
    program = default_program()
    text = " ".join(
        program.responses_long["member"].unique().tolist()
        + program.roster["facilitator"].unique().tolist()
    )
    assert not re.search(r"[a-z]", text)
