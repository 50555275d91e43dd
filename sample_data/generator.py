"""A seeded synthetic demo program: groups, members, sessions, attendance and answers.

Nothing here is real data. Members are codes such as ``PR-A-07``; no names exist anywhere.
The answers come from a latent model with the structure the analyses look for, so that every
page, report and command has something believable to show:

- a latent *mutuality* per member and session that rises over the twelve sessions
  (:data:`MODEL` ``slope``) with real differences between groups (an intraclass correlation
  of the check-in total of about 0.1-0.2) and member random intercepts and slopes;
- item answers drawn from that latent with item-level noise, so scale alphas are realistic;
- a few members with a sharp disconnection mid-program (:attr:`DemoProgram.disconnections`);
- missed sessions, dropout before the post measure and skipped items (blank answers);
- pre and post measures (relational connection, CORE-10) that follow the check-in trajectory.

Item ids, reverse keys and response scales are read from the instrument definitions
(``measures.load_instrument``), never written out here. Everything is vectorised numpy and
pandas so that ``scale=200`` (about 20,000 members) takes seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import contract
from measures import CHECKIN, CONNECTION, Instrument, load_instrument

DEFAULT_SEED = 2026
#: Members in the default program (scale 1).
DEFAULT_MEMBERS = 100
#: Members per group on average; the default 100 members make 8 groups.
MEMBERS_PER_GROUP = 12.5
SESSIONS_PER_GROUP = 12
YEAR_START = dt.date(2026, 1, 5)  # the first Monday of 2026

DISTRESS = "core10"
INSTRUMENTS = (CHECKIN, CONNECTION, DISTRESS)
#: When each instrument is answered in the demo: at every attended session, or before
#: session 1 and after session 12. (CORE-10 may be used per session; here it is pre/post.)
PER_SESSION = frozenset({CHECKIN})
PRE, POST = "pre", "post"

#: Long-format columns, in the order of the spreadsheet contract.
LONG_COLUMNS = list(contract.LONG_COLUMNS)
WIDE_ID_COLUMNS = list(contract.WIDE_ID_COLUMNS)
MODES = ("self-completed", "read aloud", "staff-entered")


@dataclass(frozen=True)
class ProgramSpec:
    """One program of the demo: its code (member-code prefix), name and share of the groups."""

    code: str
    name: str
    substance_use: bool
    share: int
    #: Where the program's groups sit on the check-in scale before standardising (points).
    offset: float


PROGRAMS = (
    ProgramSpec("PR", "Prison re-entry", False, 3, -0.15),
    ProgramSpec("SR", "Substance-use recovery", True, 3, 0.0),
    ProgramSpec("CW", "Community women's program", False, 2, 0.15),
)


@dataclass(frozen=True)
class Model:
    """The built-in structure, in check-in points (the 1-5 scale of the check-in total).

    The latent mutuality of member *i* in group *j* at session *s* is::

        m_ijs = start + g_j + u0_i + (slope + u1_i) * (s - 1) + e_is + shift_is

    with group effects ``g_j`` (SD ``sd_group``), member intercepts and slopes
    ``(u0_i, u1_i)`` (SDs ``sd_intercept``, ``sd_slope``, correlation
    ``intercept_slope_r``), session noise ``e_is`` (SD ``sd_session``) and ``shift_is`` the
    planted disconnections. An item answer is
    ``round(centre + loading_k * (latent - centre) + difficulty_k + noise)`` on the
    instrument's own scale, reverse-keyed where the item says so.
    """

    start: float = 3.0
    slope: float = 0.08
    sd_group: float = 0.33
    sd_intercept: float = 0.45
    sd_slope: float = 0.03
    intercept_slope_r: float = -0.3
    sd_session: float = 0.25
    #: Share of pre-to-post change in connection and distress that follows the check-in.
    prepost_coupling: float = 0.5
    sd_prepost_occasion: float = 0.25
    sd_prepost_change: float = 0.35
    attendance: float = 0.85  # mean attendance of members who stay
    dropout: float = 0.15  # share of members who leave before the post measure
    disconnection: float = 0.05  # share of members with a planted disconnection
    disconnection_drop: float = 1.75
    skipped: float = 0.02  # share of answers left blank
    #: Item-level noise SD per instrument, chosen for alphas of about .85 to .9.
    item_noise: tuple[tuple[str, float], ...] = (
        (CHECKIN, 0.8),
        (CONNECTION, 1.1),
        (DISTRESS, 0.75),
    )


MODEL = Model()


@dataclass(frozen=True)
class DemoProgram:
    """The synthetic program: every table the demo files are written from.

    Attributes
    ----------
    roster
        One row per member: ``program``, ``substance_use``, ``group``, ``member``,
        ``facilitator``.
    sessions
        One row per group session: ``program``, ``group``, ``session`` (1-12), ``date``
        (ISO text), ``facilitator``.
    attendance
        One row per member and session of their group: ``group``, ``session``, ``date``,
        ``member``, ``present`` (1 or 0).
    responses_long
        Every item answer of every instrument in the long spreadsheet format
        (:data:`LONG_COLUMNS`); a skipped item has an empty ``value``; pre and post rows have
        an empty ``session``.
    disconnections
        The planted disconnections (the answer key for alerts): ``member``, ``group``,
        ``session``, ``kind`` (``rupture``: one bad session, then repair;
        ``deterioration``: the member stays low) and ``drop`` (latent points).
    """

    roster: pd.DataFrame
    sessions: pd.DataFrame
    attendance: pd.DataFrame
    responses_long: pd.DataFrame
    disconnections: pd.DataFrame
    responses_wide: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def wide(self, instrument: str) -> pd.DataFrame:
        """One instrument's answers in the wide format (one row per administration)."""
        if instrument not in self.responses_wide:
            raise ValueError(
                f"the demo program has no instrument '{instrument}'; it has "
                + ", ".join(self.responses_wide)
            )
        return self.responses_wide[instrument]


# ----------------------------------------------------------------------------- layout


def group_letters(index: int) -> str:
    """Spreadsheet-style letters for a 0-based group index: A ... Z, AA, AB, ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _program_group_counts(n_groups: int) -> list[int]:
    total_share = sum(p.share for p in PROGRAMS)
    counts = [max(1, round(n_groups * p.share / total_share)) for p in PROGRAMS[:-1]]
    counts.append(max(1, n_groups - sum(counts)))
    return counts


def _group_sizes(rng: np.random.Generator, n_members: int, n_groups: int) -> np.ndarray:
    """Split members over groups unevenly (weights 0.75-1.25), at least two per group."""
    weights = rng.uniform(0.75, 1.25, n_groups)
    exact = n_members * weights / weights.sum()
    sizes = np.floor(exact).astype(int)
    remainder = n_members - sizes.sum()
    sizes[np.argsort(sizes - exact)[:remainder]] += 1
    return sizes


def _layout(rng: np.random.Generator, n_members: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Groups (program, facilitator, first session date) and the member roster."""
    n_groups = min(max(len(PROGRAMS), round(n_members / MEMBERS_PER_GROUP)), n_members // 2)
    counts = _program_group_counts(n_groups)
    rows = []
    for spec, count in zip(PROGRAMS, counts, strict=True):
        facilitators = max(2, -(-count // 2))  # one facilitator runs about two groups
        for index in range(count):
            rows.append(
                {
                    "program": spec.name,
                    "program_code": spec.code,
                    "substance_use": spec.substance_use,
                    "group": f"{spec.code}-{group_letters(index)}",
                    "facilitator": f"F-{spec.code}-{index % facilitators + 1}",
                    "offset": spec.offset,
                }
            )
    groups = pd.DataFrame(rows)
    n_groups = len(groups)
    # Groups start on different weeks of 2026 (weeks 1-36, so the post measure falls in
    # 2026) and meet on different weekdays.
    weeks = rng.choice(np.arange(1, 37), size=n_groups, replace=n_groups > 36)
    weekdays = rng.integers(0, 5, n_groups)
    groups["start"] = [
        YEAR_START + dt.timedelta(weeks=int(w), days=int(d))
        for w, d in zip(weeks, weekdays, strict=True)
    ]
    sizes = _group_sizes(rng, n_members, n_groups)
    group_index = np.repeat(np.arange(n_groups), sizes)
    number = np.concatenate([np.arange(1, s + 1) for s in sizes])
    width = max(2, len(str(int(sizes.max()))))
    roster = pd.DataFrame(
        {
            "program": groups["program"].to_numpy()[group_index],
            "substance_use": groups["substance_use"].to_numpy()[group_index],
            "group": groups["group"].to_numpy()[group_index],
            "member": [
                f"{g}-{n:0{width}d}"
                for g, n in zip(groups["group"].to_numpy()[group_index], number, strict=True)
            ],
            "facilitator": groups["facilitator"].to_numpy()[group_index],
        }
    )
    roster["substance_use"] = roster["substance_use"].astype(bool)
    return groups, roster


def _session_dates(groups: pd.DataFrame) -> np.ndarray:
    """Dates (numpy datetime64[D]) of each group's sessions: shape (groups, sessions)."""
    start = np.array(groups["start"].tolist(), dtype="datetime64[D]")
    return start[:, None] + 7 * np.arange(SESSIONS_PER_GROUP)[None, :]


# ----------------------------------------------------------------------------- members


def _standardise(values: np.ndarray, sd: float) -> np.ndarray:
    """Centre `values` and give them exactly standard deviation `sd` (ddof=1)."""
    centred = values - values.mean()
    spread = centred.std(ddof=1) if len(values) > 1 else 0.0
    return centred * (sd / spread) if spread > 0 else centred


def _centre_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    sums = np.bincount(groups, weights=values)
    counts = np.bincount(groups)
    return values - (sums / counts)[groups]


def _trajectories(
    rngs: dict[str, np.random.Generator],
    groups: pd.DataFrame,
    group_of: np.ndarray,
    model: Model,
) -> dict[str, np.ndarray]:
    """Attendance, latent check-in mutuality and pre/post latents for every member."""
    n = len(group_of)
    sessions = np.arange(SESSIONS_PER_GROUP)  # 0-based: session - 1
    rng = rngs["members"]

    # Group effects: program offsets plus group noise, realised with exactly the model's
    # SD so that a program of eight groups still shows the intended between-group spread.
    raw_group = groups["offset"].to_numpy() + rng.normal(0, model.sd_group, len(groups))
    group_effect = _standardise(raw_group, model.sd_group)

    # Member intercepts and slopes (centred within group, so group means follow the group
    # effects), correlated: members who start low gain a little more.
    z = rng.standard_normal((n, 2))
    r = model.intercept_slope_r
    intercept = _centre_within(model.sd_intercept * z[:, 0], group_of)
    slope_deviation = model.sd_slope * (r * z[:, 0] + np.sqrt(1 - r * r) * z[:, 1])
    slope = model.slope + _centre_within(slope_deviation, group_of)
    base = model.start + group_effect[group_of] + intercept
    # Session noise, centred within each group and session: a group's mean moves with its
    # members, not with chance, so the between-group spread is the same at every session.
    session_noise = rng.normal(0, model.sd_session, (n, SESSIONS_PER_GROUP))
    for column in range(SESSIONS_PER_GROUP):
        session_noise[:, column] = _centre_within(session_noise[:, column], group_of)

    # Dropout and attendance.
    rng = rngs["attendance"]
    order = rng.permutation(n)
    n_dropout = round(model.dropout * n)
    dropout = np.zeros(n, dtype=bool)
    dropout[order[:n_dropout]] = True
    last_session = np.full(n, SESSIONS_PER_GROUP)  # 1-based last session a member can attend
    last_session[dropout] = rng.integers(2, 10, n_dropout)
    propensity = rng.beta(model.attendance * 10, (1 - model.attendance) * 10, n)
    present = rng.random((n, SESSIONS_PER_GROUP)) < propensity[:, None]
    present &= (sessions + 1)[None, :] <= last_session[:, None]

    # Planted disconnections among members who stay and start above the middle (so the
    # drop is not hidden by the floor of the scale): a sharp drop at one session, free of
    # session noise just before and at it so that its size is the planted size.
    rng = rngs["disconnections"]
    stayers = order[n_dropout:]
    doing_well = base[stayers] >= model.start + 0.2
    if doing_well.sum() >= max(1, round(model.disconnection * n)):
        stayers = stayers[doing_well]
    n_disconnected = min(len(stayers), max(1, round(model.disconnection * n)))
    disconnected = np.sort(rng.choice(stayers, n_disconnected, replace=False))
    drop_session = rng.integers(5, 10, n_disconnected)  # 1-based, mid-program
    kinds = np.where(np.arange(n_disconnected) % 2 == 0, "deterioration", "rupture")
    shift = np.zeros((n, SESSIONS_PER_GROUP))
    persistent = np.zeros(n)
    for member, session, kind in zip(disconnected, drop_session, kinds, strict=True):
        at = session - 1
        present[member, max(0, at - 1) : at + 2] = True  # seen before, at and after it
        session_noise[member, max(0, at - 1) : at + 1] = 0.0
        shift[member, at] = -model.disconnection_drop
        if kind == "rupture":
            if at + 1 < SESSIONS_PER_GROUP:
                shift[member, at + 1] = -model.disconnection_drop / 3
        else:
            later = sessions[at:] - at
            shift[member, at:] = -model.disconnection_drop - 0.05 * later
            persistent[member] = shift[member, -1] - slope[member] * (SESSIONS_PER_GROUP - 1 - at)
    latent = base[:, None] + slope[:, None] * sessions[None, :] + session_noise + shift

    # Pre and post: connection before session 1 and after session 12, following the
    # member's expected check-in change (slope and any lasting disconnection) in part.
    rng = rngs["prepost"]
    expected_change = slope * (SESSIONS_PER_GROUP - 1) + persistent
    pre = base + rng.normal(0, model.sd_prepost_occasion, n)
    post = (
        pre + model.prepost_coupling * expected_change + rng.normal(0, model.sd_prepost_change, n)
    )
    return {
        "latent": latent,
        "present": present,
        "dropout": dropout,
        "pre": pre,
        "post": post,
        "disconnected": disconnected,
        "drop_session": drop_session,
        "kinds": kinds,
    }


# ----------------------------------------------------------------------------- answers


def _on_instrument_scale(connection: np.ndarray, instrument: Instrument) -> np.ndarray:
    """Map connection on the 1-5 check-in scale to the instrument's keyed scale.

    The position on 1..5 becomes the same position on min..max; for an instrument where
    higher is worse (distress) the position is flipped, so more connection is less distress.
    """
    rs = instrument.response_scale
    position = (connection - 1.0) / 4.0
    if not instrument.higher_is_better():
        position = 1.0 - position
    return rs.min + position * (rs.max - rs.min)


def item_answers(
    rng: np.random.Generator,
    latent: np.ndarray,
    instrument: Instrument,
    noise_sd: float,
) -> np.ndarray:
    """Raw item answers (administrations x items) drawn from a keyed latent score.

    Parameters
    ----------
    rng
        The random generator.
    latent
        One keyed latent score per administration, on the instrument's response scale (for
        an instrument where higher is worse, a distress score).
    instrument
        Gives the items, their reverse keys and the response scale.
    noise_sd
        Item-level noise SD; with the between-member variance it sets the scale's alpha.

    Returns
    -------
    numpy.ndarray
        Float answers on the response scale (whole points on a discrete scale).

    Notes
    -----
    Each item has a loading ``l_k`` (0.8-1.2) and a difficulty ``d_k`` (SD 0.25 of a point,
    centred): ``keyed = c + l_k (latent - c) + d_k + noise`` with ``c`` the scale's centre,
    rounded to the scale and kept inside min..max (floor and ceiling effects). A
    reverse-keyed item is answered ``min + max - keyed``, so a connected member answers
    an isolation item low.
    """
    rs = instrument.response_scale
    k = len(instrument.items)
    loadings = rng.uniform(0.8, 1.2, k)
    difficulty = rng.normal(0, 0.25, k)
    difficulty -= difficulty.mean()
    centre = (rs.min + rs.max) / 2
    keyed = (
        centre
        + loadings[None, :] * (latent[:, None] - centre)
        + difficulty[None, :]
        + rng.normal(0, noise_sd, (len(latent), k))
    )
    step = rs.step if rs.is_continuous else 1.0
    keyed = rs.min + np.round((keyed - rs.min) / step) * step
    keyed = np.clip(keyed, rs.min, rs.max)
    reverse = np.array([item.reverse for item in instrument.items])
    return np.where(reverse[None, :], rs.min + rs.max - keyed, keyed)


def _modes(rng: np.random.Generator, usual: np.ndarray, member: np.ndarray) -> np.ndarray:
    """Mostly the member's usual mode; one administration in 20 entered by staff from paper."""
    mode = usual[member].copy()
    mode[rng.random(len(member)) < 0.05] = 2
    return mode


#: Timepoint labels by time order: 0 is pre, 1-12 the sessions, 13 post.
TIMEPOINTS = np.array(
    [PRE, *(f"session-{s}" for s in range(1, SESSIONS_PER_GROUP + 1)), POST], dtype=object
)


def _texts(labels: np.ndarray, codes: np.ndarray) -> pd.Series:
    """A text column from a few distinct labels and one code per row (fast for millions)."""
    return pd.Series(labels, dtype="str").take(codes).reset_index(drop=True)


def _dates_as_text(dates: np.ndarray) -> pd.Series:
    unique, codes = np.unique(dates, return_inverse=True)
    return _texts(np.datetime_as_string(unique, unit="D").astype(object), codes.ravel())


def _sessions_column(time_order: np.ndarray) -> pd.Series:
    """The session number of check-in rows; empty for pre (0) and post (13)."""
    session = pd.Series(pd.array(time_order, dtype="Int64"))
    return session.mask((time_order == 0) | (time_order > SESSIONS_PER_GROUP))


def _identifiers(
    roster: pd.DataFrame,
    member: np.ndarray,
    time_order: np.ndarray,
    date: np.ndarray,
    mode: np.ndarray,
) -> dict[str, pd.Series]:
    """Identifying columns for rows given as roster row numbers and codes."""
    return {
        "member": _texts(roster["member"].to_numpy(dtype=object), member),
        "timepoint": _texts(TIMEPOINTS, time_order),
        "group": _texts(roster["group"].to_numpy(dtype=object), member),
        "program": _texts(roster["program"].to_numpy(dtype=object), member),
        "session": _sessions_column(time_order),
        "date": _dates_as_text(date),
        "mode": _texts(np.array(MODES, dtype=object), mode),
    }


def _answer_column(values: np.ndarray) -> pd.Series:
    """Whole-point answers as nullable integers (a skipped item is <NA>)."""
    missing = np.isnan(values)
    return pd.Series(pd.arrays.IntegerArray(np.where(missing, 0, values).astype("int64"), missing))


# ----------------------------------------------------------------------------- program


def _long_table(roster: pd.DataFrame, blocks: list[tuple]) -> pd.DataFrame:
    """Every answer of every instrument, one row each, in the long spreadsheet format.

    Rows run member by member in time order (pre, session 1-12, post), then instrument and
    item order. Built from integer codes and sorted once, so millions of rows take seconds.
    """
    columns: dict[str, list[np.ndarray]] = {
        key: [] for key in ("member", "time", "instrument", "item", "date", "mode", "value")
    }
    item_labels: list[str] = []
    for instrument_number, instrument, member, time_order, date, mode, answers in blocks:
        k = len(instrument.item_ids)
        columns["member"].append(np.repeat(member, k))
        columns["time"].append(np.repeat(time_order, k))
        columns["instrument"].append(np.full(len(member) * k, instrument_number))
        columns["item"].append(np.tile(np.arange(k) + len(item_labels), len(member)))
        columns["date"].append(np.repeat(date, k))
        columns["mode"].append(np.repeat(mode, k))
        columns["value"].append(answers.ravel())
        item_labels.extend(instrument.item_ids)
    joined = {key: np.concatenate(parts) for key, parts in columns.items()}
    order = np.lexsort((joined["item"], joined["instrument"], joined["time"], joined["member"]))
    joined = {key: values[order] for key, values in joined.items()}
    ids = _identifiers(roster, joined["member"], joined["time"], joined["date"], joined["mode"])
    instruments = np.array([block[1].id for block in blocks], dtype=object)
    long = pd.DataFrame(
        {
            "member": ids["member"],
            "timepoint": ids["timepoint"],
            "item": _texts(np.array(item_labels, dtype=object), joined["item"]),
            "value": _answer_column(joined["value"]),
            "instrument": _texts(instruments, joined["instrument"]),
            "group": ids["group"],
            "program": ids["program"],
            "session": ids["session"],
            "date": ids["date"],
            "mode": ids["mode"],
        }
    )
    return long[LONG_COLUMNS]


def generate_program(
    seed: int = DEFAULT_SEED,
    n_members: int | None = None,
    scale: float = 1.0,
) -> DemoProgram:
    """Generate the synthetic demo program.

    Parameters
    ----------
    seed
        Seed of numpy's PCG64 generator; the same seed gives identical tables.
    n_members
        Members in all; by default ``round(100 * scale)``. Groups hold about 12 members
        each, split 3:3:2 over the prison re-entry, substance-use recovery and community
        women's programs.
    scale
        Size multiplier used when `n_members` is not given (``scale=200`` is about 20,000
        members, for benchmarks).

    Returns
    -------
    DemoProgram
        Roster, sessions, attendance, long answers of every instrument (check-in every
        attended session, relational connection and CORE-10 at ``pre`` and ``post``) and
        the planted disconnections.

    Notes
    -----
    The model is :class:`Model` (:data:`MODEL`). Each part (layout, members, attendance,
    disconnections, pre/post, answers of each instrument, skips, modes) draws from its own
    child of ``numpy.random.SeedSequence(seed)``, so changing one part leaves the others'
    draws alone.

    Raises
    ------
    ValueError
        When there would be fewer than four members.
    """
    if n_members is None:
        if not scale > 0:
            raise ValueError(f"scale must be a positive number, not {scale!r}")
        n_members = round(DEFAULT_MEMBERS * scale)
    if n_members < 4:
        raise ValueError(
            f"the demo program needs at least 4 members (two groups of two), not {n_members}"
        )
    model = MODEL
    parts = (
        "layout",
        "members",
        "attendance",
        "disconnections",
        "prepost",
        "modes",
        "skips",
        *INSTRUMENTS,
    )
    children = np.random.SeedSequence(seed).spawn(len(parts))
    rngs = {name: np.random.default_rng(child) for name, child in zip(parts, children, strict=True)}

    groups, roster = _layout(rngs["layout"], n_members)
    group_index = {g: i for i, g in enumerate(groups["group"])}
    group_of = roster["group"].map(group_index).to_numpy()
    dates = _session_dates(groups)
    state = _trajectories(rngs, groups, group_of, model)
    n = len(roster)
    present = state["present"]

    sessions = pd.DataFrame(
        {
            "program": np.repeat(groups["program"].to_numpy(), SESSIONS_PER_GROUP),
            "group": np.repeat(groups["group"].to_numpy(), SESSIONS_PER_GROUP),
            "session": np.tile(np.arange(1, SESSIONS_PER_GROUP + 1), len(groups)),
            "date": np.datetime_as_string(dates.ravel(), unit="D"),
            "facilitator": np.repeat(groups["facilitator"].to_numpy(), SESSIONS_PER_GROUP),
        }
    )
    attendance = pd.DataFrame(
        {
            "group": np.repeat(roster["group"].to_numpy(), SESSIONS_PER_GROUP),
            "session": np.tile(np.arange(1, SESSIONS_PER_GROUP + 1), n),
            "date": np.datetime_as_string(dates[group_of].ravel(), unit="D"),
            "member": np.repeat(roster["member"].to_numpy(), SESSIONS_PER_GROUP),
            "present": present.ravel().astype(int),
        }
    )

    usual_mode = rngs["modes"].choice(3, size=n, p=[0.85, 0.10, 0.05])
    noise = dict(model.item_noise)
    wide: dict[str, pd.DataFrame] = {}
    blocks = []  # per instrument: administration arrays for the long table
    for instrument_number, instrument_id in enumerate(INSTRUMENTS):
        instrument = load_instrument(instrument_id)
        if instrument_id in PER_SESSION:
            member, at = np.nonzero(present)  # member by member, sessions in order
            connection = state["latent"][member, at]
            time_order = at + 1
            date = dates[group_of[member], at]
        else:
            # Everyone answers before session 1; those who stay answer after session 12.
            stays = np.flatnonzero(~state["dropout"])
            member = np.concatenate([np.arange(n), stays])
            is_post = np.arange(len(member)) >= n
            connection = np.where(is_post, state["post"][member], state["pre"][member])
            time_order = np.where(is_post, SESSIONS_PER_GROUP + 1, 0)
            # Pre a week before session 1; post a week after session 12.
            date = np.where(
                is_post, dates[group_of[member], -1] + 7, dates[group_of[member], 0] - 7
            )
            sort = np.lexsort((time_order, member))
            member, connection, time_order, date = (
                member[sort],
                connection[sort],
                time_order[sort],
                date[sort],
            )
        answers = item_answers(
            rngs[instrument_id],
            _on_instrument_scale(connection, instrument),
            instrument,
            noise[instrument_id],
        )
        answers[rngs["skips"].random(answers.shape) < model.skipped] = np.nan
        mode = _modes(rngs["modes"], usual_mode, member)
        frame = pd.DataFrame(_identifiers(roster, member, time_order, date, mode))
        for k, item in enumerate(instrument.item_ids):
            frame[item] = _answer_column(answers[:, k])
        wide[instrument_id] = frame
        blocks.append((instrument_number, instrument, member, time_order, date, mode, answers))

    long = _long_table(roster, blocks)
    disconnections = pd.DataFrame(
        {
            "member": roster["member"].to_numpy()[state["disconnected"]],
            "group": roster["group"].to_numpy()[state["disconnected"]],
            "session": state["drop_session"].astype(int),
            "kind": state["kinds"],
            "drop": model.disconnection_drop,
        }
    )
    return DemoProgram(
        roster=roster,
        sessions=sessions,
        attendance=attendance,
        responses_long=long,
        disconnections=disconnections,
        responses_wide=wide,
    )
