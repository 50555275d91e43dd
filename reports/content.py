"""What a report says: every analysis of one response file, computed once.

The Excel workbook (``reports.excel``) and the PDF (``reports.pdf``) both present a
:class:`ReportContent`, so the two never disagree and the statistics run once. Each section
that cannot be computed (one timepoint, a single group, no session numbers, ...) carries a
``problem`` in plain words instead of raising, so one unusable section never stops a report.

Decisions, for a reader of the report:

- **Pre and post** follow the program-wide rule of ``analysis.timepoints.default_pre_post``:
  timepoints labelled ``pre`` and ``post`` (any case); otherwise the first and the last
  timepoint, in time order, that most members reached (at least half as many members as the
  best-attended one), so a small new session never becomes "post". Time order is by session
  number when every label carries one (``session-1`` ... ``session-12``), else the order of
  first appearance in the file. With a single timepoint there is no change section. The
  rule, with the members at each chosen timepoint, is printed in the report.
- **Change, reliable change and clinical significance** come from the one pre/post pipeline
  (``analysis.pre_post.pre_post_change``) that the Change page and ``cli.py change`` call,
  so the report's counts are theirs for the same file and choices.
- **Reliability for reliable change**: the instrument's published reliability for the scale
  (its norms), else the sample's Cronbach's alpha at the pre timepoint, as ``cli.py change``;
  both reports say which, in the page's words.
- **Cutoff**: by default the instrument's published cutoff for the scale when it has one,
  else none (no recovered / harmed categories), as the Change page starts; ``report_content``
  takes any other choice of the page (a, b, c, a number, none). Both reports say which
  cutoff value they used.
- **HLM reliable change** uses session numbers as time (the ``session`` column, else numbered
  timepoints) and needs three or more per member.
- **Groups**: ICC and group means of every scale at the pre and the post timepoint (or the
  only timepoint), when a ``group`` column has two or more groups.
- **Session trends**: administrations with a session number (the ``session`` column, or a
  timepoint such as ``session-3``); the others (``pre``, ``post``) are left out and counted.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from analysis.change import PairedChange, normalise_timepoint
from analysis.groups import GroupStructure, group_structure
from analysis.pre_post import PrePostChange, default_cutoff, parse_cutoff, pre_post_change
from analysis.reliability import ScaleReliability, reliability_table
from analysis.reliable_change import METHOD_NAMES as METHOD_NAMES
from analysis.reliable_change import METHODS, ReliableChange
from analysis.timepoints import PrePost, default_pre_post, ordered_timepoints, pre_post_rule
from analysis.trend import TrendResult, session_number, session_trend
from analysis.words import p_words as p_words
from measures import Instrument, ScoringError, score
from privacy.suppression import Suppressor

#: The report's cutoff unless told otherwise: the published one when the norms have it.
DEFAULT_CUTOFF = "default"


@dataclass
class ChangeSection:
    """Pre/post change and reliable change of one scale (``problem`` says why when absent)."""

    scale: str
    scale_name: str
    pre: str | None
    post: str | None
    change: PairedChange | None = None
    reliability: float | None = None
    reliability_source: str | None = None  # in words, as the Change page says it
    cutoff: float | None = None  # the cutoff value used (None: no cutoff)
    methods: dict[str, ReliableChange] = field(default_factory=dict)
    problem: str | None = None
    cutoff_type: str | None = None  # "published", "a", "b", "c", "number" (None: no cutoff)
    cutoff_words: str | None = None  # the cutoff used, as the Change page says it
    cutoff_problem: str | None = None  # why the chosen cutoff could not be used
    #: The pipeline's result, with the two sentences on reliability and cutoff.
    pre_post: PrePostChange | None = None

    @property
    def used(self) -> list[str]:
        """The sentences on the reliability and the cutoff used (the page's words)."""
        return [] if self.pre_post is None else self.pre_post.used


@dataclass
class GroupSection:
    """Group structure of one scale at one timepoint."""

    scale: str
    timepoint: str
    structure: GroupStructure | None = None
    problem: str | None = None


@dataclass
class TrendSection:
    """Session trend of one scale."""

    scale: str
    scale_name: str
    result: TrendResult | None = None
    n_left_out: int = 0
    problem: str | None = None


@dataclass
class RepairSection:
    """Does repair matter here? Pre/post change by how members' disconnections ended.

    ``table`` for the workbook's reader, ``published`` with small cells hidden (the PDF);
    both worded, one row per kind of member. ``problem`` says why there is no table.
    """

    table: pd.DataFrame
    published: pd.DataFrame
    words: str
    caveat: str
    problem: str | None = None


@dataclass
class ContextSection:
    """Outcomes by one grouping (services.context): tables already worded and suppressed.

    ``tables`` are (heading, table) pairs; ``readings`` the differences and flagged items
    in words; ``notes`` what a reader must know (intervals, criterion, what is hidden).
    """

    title: str
    tables: list[tuple[str, pd.DataFrame]]
    readings: list[str]
    notes: list[str]


@dataclass
class ReportContent:
    """Everything a report of one response file shows.

    ``scored`` is ``measures.score`` of the file (one row per administration);
    ``reliability`` has one entry per scale and timepoint; ``change`` one per scale;
    ``groups`` one per scale and timepoint used; ``trends`` one per scale. A ``*_problem``
    text says why a whole section is empty.
    """

    instrument: Instrument
    source: str
    made: dt.date
    scored: pd.DataFrame
    timepoints: list[str]
    programs: list[str]
    n_members: int
    n_administrations: int
    n_groups: int
    reliability: list[ScaleReliability]
    reliability_problem: str | None
    pre: str | None
    post: str | None
    pre_post_rule: str
    change: list[ChangeSection]
    groups: list[GroupSection]
    groups_problem: str | None
    trends: list[TrendSection]
    trends_problem: str | None
    notes: list[str] = field(default_factory=list)
    #: The 42 CFR Part 2 redisclosure notice (privacy.notice) when the answers include a
    #: substance-use program's; both report builders then print it.
    notice: str | None = None
    #: The choice `pre_post_rule` words (`analysis.timepoints.PrePost`): a report fit to
    #: publish words the rule again from its counts (`analysis.timepoints.pre_post_rule`).
    pre_post_choice: PrePost | None = None
    #: The repair loop's comparison (a report of stored answers; None for a file).
    repair: RepairSection | None = None
    #: Outcomes by a chosen grouping (a report of stored answers), for the workbook's reader
    #: and fit to publish (small groupings hidden: the PDF, and an evaluator's workbook).
    context: ContextSection | None = None
    context_published: ContextSection | None = None

    def key_results(self) -> list[str]:
        """A few sentences on the instrument's first scale, in plain words."""
        return key_results(self)


def words(value: float | None, digits: int = 2) -> str:
    """A number for a sentence: ``n/a`` when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "n/a"
    return f"{value:.{digits}f}"


def published_rule(content: ReportContent, suppressor: Suppressor) -> str:
    """The pre/post rule worded with `suppressor`'s count of members (none of 1 to 4)."""
    if content.pre_post_choice is None:
        return content.pre_post_rule
    return pre_post_rule(content.pre_post_choice, suppressor.members)


def _session_numbers(scored: pd.DataFrame) -> pd.Series:
    numbers = pd.Series(math.nan, index=scored.index, dtype=float)
    if "session" in scored.columns:
        numbers = scored["session"].map(session_number).astype(float)
    if "timepoint" in scored.columns:
        numbers = numbers.fillna(scored["timepoint"].map(session_number).astype(float))
    return numbers


def _change_section(
    instrument: Instrument,
    scale_id: str,
    wide: pd.DataFrame,
    scored: pd.DataFrame,
    pre: str | None,
    post: str | None,
    rule: str,
    cutoff: object = DEFAULT_CUTOFF,
) -> ChangeSection:
    scale = instrument.scale(scale_id)
    section = ChangeSection(scale.id, scale.name, pre, post)
    if pre is None or post is None:
        section.problem = rule
        return section
    if cutoff == DEFAULT_CUTOFF:
        cutoff = default_cutoff(instrument, scale.id)
    try:
        result = pre_post_change(
            scored, wide, instrument, scale.id, pre, post, methods=METHODS, cutoff=cutoff
        )
    except ValueError as error:
        section.problem = str(error)
        return section
    section.change = result.change
    if result.change.n_pairs == 0:
        section.problem = f"no member has a {scale.id} score at both {pre} and {post}"
        return section
    section.pre_post = result
    section.reliability, section.reliability_source = result.reliability, result.reliability_words
    section.methods = result.methods
    if result.cutoff is not None:
        section.cutoff, section.cutoff_type = result.cutoff.value, result.cutoff.type
    section.cutoff_words, section.cutoff_problem = result.cutoff_words, result.cutoff_problem
    return section


def _group_sections(
    instrument: Instrument, scored: pd.DataFrame, timepoints: list[str]
) -> tuple[list[GroupSection], str | None]:
    if "group" not in scored.columns:
        return [], "The file has no group column, so there is no group comparison."
    n_groups = scored["group"].dropna().nunique()
    if n_groups < 2:
        return [], (f"The file has {n_groups} group, and group comparisons (ICC) need two or more.")
    sections = []
    labels = scored["timepoint"].map(normalise_timepoint)
    for scale in instrument.scales:
        for timepoint in timepoints:
            rows = scored[labels == normalise_timepoint(timepoint)]
            section = GroupSection(scale.id, timepoint)
            try:
                section.structure = group_structure(rows, scale.id)
            except ValueError as error:
                section.problem = str(error)
            sections.append(section)
    return sections, None


def _trend_sections(
    instrument: Instrument, scored: pd.DataFrame, sessions: pd.Series
) -> tuple[list[TrendSection], str | None]:
    numbered = sessions.notna()
    if not numbered.any():
        return [], (
            "No administration carries a session number (a session column, or timepoints "
            "such as session-3), so there are no session trends."
        )
    rows = scored[numbered].copy()
    rows["session"] = sessions[numbered]
    if rows["session"].nunique() < 2:
        return [], "All administrations are from one session; a trend needs two or more."
    sections = []
    for scale in instrument.scales:
        section = TrendSection(scale.id, scale.name, n_left_out=int((~numbered).sum()))
        try:
            section.result = session_trend(rows, scale.id)
        except ValueError as error:
            section.problem = str(error)
        sections.append(section)
    return sections, None


def report_content(
    wide: pd.DataFrame,
    instrument: Instrument,
    *,
    source: str = "",
    made: dt.date | None = None,
    notice: str | None = None,
    cutoff: object = DEFAULT_CUTOFF,
) -> ReportContent:
    """Compute every section of a report of one instrument's answers.

    Parameters
    ----------
    wide
        One row per administration (``ingest.ResponseTable.wide()``): ``member``,
        ``timepoint``, optional ``group``/``program``/``session``/``date``/``mode``, then one
        column per item id.
    instrument
        The instrument the answers belong to.
    source
        The file name shown in the report.
    made
        The date the report is made (today by default).
    notice
        The 42 CFR Part 2 redisclosure notice (``privacy.notice.notice_for``) when the
        answers include a substance-use program's; None otherwise.
    cutoff
        The clinical cutoff of reliable change, as on the Change page: ``"published"``,
        ``"a"``, ``"b"``, ``"c"``, a number or None; by default the published cutoff of each
        scale that has one, else none. A choice a scale's norms cannot serve leaves that
        scale without recovered and harmed, and its section says why.

    Returns
    -------
    ReportContent
        Scored data, reliability, change with every reliable change method, group structure
        and session trends; sections that cannot be computed say why (see the module notes
        for how pre/post, reliability and cutoff are chosen).

    Raises
    ------
    measures.ScoringError
        When an answer is not on the instrument's response scale.
    """
    if cutoff != DEFAULT_CUTOFF:
        cutoff = parse_cutoff(cutoff)  # a choice that is no cutoff at all is refused here
    scored = score(wide, instrument)
    reliability_problem = None
    try:
        reliability = reliability_table(wide, instrument)
    except ScoringError:
        raise
    except ValueError as error:
        reliability, reliability_problem = [], str(error)
    timepoints = ordered_timepoints(
        [t for t in scored["timepoint"].map(normalise_timepoint) if t is not None]
    )
    choice = default_pre_post(scored)
    pre, post, rule = choice.pre, choice.post, choice.rule
    sessions = _session_numbers(scored)
    change = [
        _change_section(instrument, s.id, wide, scored, pre, post, rule, cutoff)
        for s in instrument.scales
    ]
    group_timepoints = [pre, post] if pre is not None else timepoints[:1]
    groups, groups_problem = _group_sections(instrument, scored, group_timepoints)
    trends, trends_problem = _trend_sections(instrument, scored, sessions)
    programs = sorted({str(p) for p in scored["program"].dropna()}) if "program" in scored else []
    n_groups = int(scored["group"].dropna().nunique()) if "group" in scored else 0
    return ReportContent(
        instrument=instrument,
        source=source,
        made=made or dt.date.today(),
        scored=scored,
        timepoints=timepoints,
        programs=programs,
        n_members=int(scored["member"].nunique()),
        n_administrations=len(scored),
        n_groups=n_groups,
        reliability=reliability,
        reliability_problem=reliability_problem,
        pre=pre,
        post=post,
        pre_post_rule=rule,
        change=change,
        groups=groups,
        groups_problem=groups_problem,
        trends=trends,
        trends_problem=trends_problem,
        notice=notice,
        pre_post_choice=choice,
    )


def key_results(content: ReportContent, suppressor: Suppressor | None = None) -> list[str]:
    """Plain-word sentences on the instrument's first scale (usually its total).

    With a `suppressor` (privacy.suppression) the sentences are fit to publish: a result
    resting on too few members says so instead of its numbers, and reliable change counts
    get complementary suppression.
    """
    instrument = content.instrument
    scale = instrument.scales[0]
    lines = []
    at_pre = [
        r
        for r in content.reliability
        if r.scale == scale.id and r.timepoint in (content.pre, content.timepoints[0])
    ]
    if at_pre and at_pre[0].alpha is not None:
        r = at_pre[0]
        if suppressor is not None and suppressor.hides(r.n):
            lines.append(f"Reliability of {scale.name} at {r.timepoint}: {suppressor.label}.")
        else:
            lines.append(
                f"Reliability of {scale.name} at {r.timepoint}: Cronbach's alpha "
                f"{words(r.alpha)} ({r.n} administrations)."
            )
    change = next(c for c in content.change if c.scale == scale.id)
    c = change.change
    if c is None or change.problem is not None:
        problem = change.problem if suppressor is None else suppressor.words(change.problem)
        lines.append(f"Change: {problem}")
    elif suppressor is not None and suppressor.hides(c.n_pairs):
        lines.append(f"Change in {scale.name}: {suppressor.label} (members with both).")
    else:
        direction = "higher" if instrument.higher_is == "better" else "lower"
        lines.append(
            f"{scale.name} went from a mean of {words(c.mean_pre)} at {c.pre} to "
            f"{words(c.mean_post)} at {c.post} ({c.n_pairs} members with both; "
            f"d_z {words(c.d_z)}, {p_words(c.p)}); {direction} scores are better."
        )
        jt = change.methods.get("jt")
        if jt is not None and jt.counts:
            shown = {k: v for k, v in jt.counts.items() if v is not None}
            cells = (
                suppressor.counts(list(shown.values()))
                if suppressor is not None
                else [str(v) for v in shown.values()]
            )
            counts = ", ".join(f"{k} {cell}" for k, cell in zip(shown, cells, strict=True))
            used = f" ({change.cutoff_words})" if change.cutoff is not None else ""
            lines.append(f"Reliable change (Jacobson-Truax): {counts}{used}.")
    trend = next((t for t in content.trends if t.scale == scale.id), None)
    if trend is not None and trend.result is not None and math.isfinite(trend.result.slope):
        r = trend.result
        if suppressor is not None and suppressor.hides(r.n_members):
            lines.append(f"Change over sessions in {scale.name}: {suppressor.label} (members).")
        else:
            lines.append(
                f"Over sessions, {scale.name} changed by {words(r.slope, 3)} points per session "
                f"(95% CI {words(r.slope_ci[0], 3)} to {words(r.slope_ci[1], 3)}, "
                f"{p_words(r.slope_p)}), {r.n_members} members."
            )
    group = next(
        (g for g in content.groups if g.scale == scale.id and g.structure is not None), None
    )
    if group is not None and math.isfinite(group.structure.icc1_reml):
        icc = group.structure.icc1_reml
        lines.append(
            f"At {group.timepoint}, ICC(1) of {scale.name} is {words(icc)}: about "
            f"{icc * 100:.0f}% of the differences between members lie between groups."
        )
    return lines
