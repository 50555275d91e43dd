"""The PDF report: a few printable pages for an institution's review of a program.

Pages: program summary and key results; reliability; change with the Jacobson plot;
scores over sessions (means with 95% CI band); group means. Built with reportlab's platypus
and matplotlib (Agg backend): no browser and no internet. Charts are embedded as 300 dpi PNG
images (reportlab cannot place a matplotlib PDF page without svglib/pdfrw, which this project
does not install), which print sharply at their printed size.

Privacy: the PDF shows no member codes. In aggregate tables, a group or a cell with fewer
than ``min_cell_size`` members (5 by default) is replaced by "fewer than 5: not shown"
(counts of zero are shown), a chart point from fewer than that many answers is not drawn,
and the first page says whether suppression applied. Counts that add up to a total shown
beside them (reliable change categories, groups' members) get complementary suppression: when
one is hidden, the next smallest is hidden too, so the first cannot be worked out by
subtraction. A substance-use program's report carries the 42 CFR Part 2 notice on its first
page (``ReportContent.notice``). The Excel report suppresses the same way for a
user who may not see member codes (privacy.suppression).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet  # noqa: E402
from reportlab.lib.units import cm  # noqa: E402
from reportlab.platypus import (  # noqa: E402
    CondPageBreak,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from measures import score_range  # noqa: E402
from privacy.suppression import MIN_CELL_SIZE, Suppressor  # noqa: E402
from reports.content import (  # noqa: E402
    METHOD_NAMES,
    ChangeSection,
    ReportContent,
    key_results,
    p_words,
    published_rule,
    words,
)

DPI = 300
#: Said in place of the Jacobson plot when one of its categories would be countable.
JACOBSON_NOT_DRAWN = (
    "Jacobson plot: not drawn. Each point is one member, so the points of a category with "
    "fewer than {n} members could be counted; the table above gives the categories."
)
PAGE_WIDTH = A4[0] - 4 * cm

#: Marker and colour of each reliable change category: shape carries the meaning, colour
#: (Okabe-Ito, as in charts/) only repeats it.
CATEGORY_MARKERS = {
    "recovered": ("*", "#009E73"),
    "improved": ("^", "#0072B2"),
    "unchanged": ("o", "#999999"),
    "deteriorated": ("v", "#E69F00"),
    "harmed": ("X", "#D55E00"),
}

_styles = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=_styles["BodyText"], fontName="Helvetica", fontSize=10)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=10.5)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=8.5, leading=10)
H1 = ParagraphStyle("h1", parent=_styles["Title"], fontName="Helvetica-Bold", fontSize=18)
H2 = ParagraphStyle("h2", parent=_styles["Heading2"], fontName="Helvetica-Bold", fontSize=13)
H3 = ParagraphStyle("h3", parent=BODY, fontName="Helvetica-Bold", fontSize=10.5)
BULLET = ParagraphStyle("bullet", parent=BODY, leftIndent=12, bulletIndent=2)


def _text(value: object) -> str:
    return escape(str(value))


def _table(
    header: list[str], rows: list[list[str]], widths: list[float], spans: list[int] = ()
) -> Table:
    """A table with a shaded header; `spans` are row numbers (1-based) merged across."""
    data = [[Paragraph(f"<b>{_text(h)}</b>", CELL) for h in header]]
    for row in rows:
        data.append([Paragraph(_text(cell), CELL) for cell in row])
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE5F0")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for index in spans:
        style.append(("SPAN", (1, index), (-1, index)))
    table.setStyle(TableStyle(style))
    return table


def _suppressed_row(first: list[str], suppressor: Suppressor, width: int) -> list[str]:
    return first + [suppressor.label] + [""] * (width - len(first) - 1)


def _figure_image(figure, width: float) -> Image:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    plt.close(figure)
    buffer.seek(0)
    image = Image(buffer)
    scale = width / image.imageWidth
    image.drawWidth, image.drawHeight = width, image.imageHeight * scale
    return image


# Sections ------------------------------------------------------------------------------


def _chosen_timepoints(content: ReportContent) -> list[str]:
    if content.pre is not None:
        return [content.pre, content.post]
    return content.timepoints[:1]


def _reliability(content: ReportContent, suppressor: Suppressor) -> list:
    story = [Paragraph("Reliability", H2)]
    if not content.reliability:
        return story + [Paragraph(_text(f"Not computed: {content.reliability_problem}"), BODY)]
    shown = _chosen_timepoints(content)
    story.append(
        Paragraph(
            "How consistently the items of each scale measure the same thing (Cronbach's "
            "alpha with its 95% confidence interval, and McDonald's omega). Values of 0.70 or "
            "more are usually taken as adequate for group comparisons. Shown at "
            + _text(" and ".join(shown))
            + (
                "; the Excel report has every timepoint."
                if len(content.timepoints) > len(shown)
                else "."
            ),
            BODY,
        )
    )
    rows, spans = [], []
    for r in content.reliability:
        if r.timepoint not in shown:
            continue
        name = content.instrument.scale(r.scale).name
        cells = suppressor.row(
            r.n,
            [
                name,
                r.timepoint,
                str(r.n),
                str(r.k),
                words(r.alpha),
                (f"{words(r.alpha_ci[0])} to {words(r.alpha_ci[1])}" if r.alpha_ci else "-"),
                words(r.omega_total),
            ],
        )
        if cells is None:
            spans.append(len(rows) + 1)
            cells = _suppressed_row([name], suppressor, 7)
        rows.append(cells)
    widths = [4.2 * cm, 2.6 * cm, 1.9 * cm, 1.4 * cm, 1.6 * cm, 2.8 * cm, 1.6 * cm]
    header = ["Scale", "Timepoint", "Answers", "Items", "Alpha", "Alpha 95% CI", "Omega"]
    story.append(Spacer(1, 6))
    story.append(_table(header, rows, widths, spans))
    return story


def _category_cells(section: ChangeSection, suppressor: Suppressor, method: str) -> list[str]:
    result = section.methods.get(method)
    if result is None or not result.counts:
        return ["-"] * 5
    # The categories add up to the members with both timepoints, shown in the change table.
    return suppressor.counts(
        [
            result.counts.get(c)
            for c in ("recovered", "improved", "unchanged", "deteriorated", "harmed")
        ]
    )


def _jacobson_figure(section: ChangeSection, higher_is: str):
    jt = section.methods["jt"]
    members = jt.members.dropna(subset=["pre", "post"])
    band = jt.critical_value * jt.details["s_diff"]
    low = float(min(members["pre"].min(), members["post"].min()))
    high = float(max(members["pre"].max(), members["post"].max()))
    pad = (high - low) * 0.08 + band
    low, high = low - pad, high + pad
    figure, axes = plt.subplots(figsize=(6.2, 5.4))
    edge = [low, high]
    axes.fill_between(
        edge,
        [low - band, high - band],
        [low + band, high + band],
        color="#BBBBBB",
        alpha=0.35,
        linewidth=0,
        label=f"no reliable change (within ±{band:.2f})",
    )
    axes.plot(edge, edge, linestyle="--", color="#444444", linewidth=1, label="no change")
    if section.cutoff is not None:
        axes.axhline(section.cutoff, color="#D55E00", linestyle=":", linewidth=1.3)
        axes.axvline(section.cutoff, color="#D55E00", linestyle=":", linewidth=1.3)
        axes.plot([], [], color="#D55E00", linestyle=":", label=f"cutoff {section.cutoff:g}")
    for category, (marker, colour) in CATEGORY_MARKERS.items():
        rows = members[members["category"] == category]
        if rows.empty:
            continue
        axes.scatter(
            rows["pre"],
            rows["post"],
            marker=marker,
            s=60 if marker == "*" else 34,
            color=colour,
            edgecolor="#222222",
            linewidth=0.5,
            label=category,
            zorder=3,
        )
    axes.set_xlim(edge)
    axes.set_ylim(edge)
    axes.set_aspect("equal")
    axes.set_xlabel(f"{section.scale_name} at {section.pre}", fontsize=10)
    axes.set_ylabel(f"{section.scale_name} at {section.post}", fontsize=10)
    better = "above" if higher_is == "better" else "below"
    axes.text(
        0.02 if better == "above" else 0.98,
        0.97 if better == "above" else 0.03,
        f"improved: {better} the band",
        transform=axes.transAxes,
        ha="left" if better == "above" else "right",
        va="top" if better == "above" else "bottom",
        fontsize=9,
        color="#333333",
    )
    axes.grid(color="#EEEEEE", linewidth=0.6)
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9, frameon=False)
    axes.set_title(f"{section.scale_name}: each member before and after", fontsize=11)
    return figure


def _change(content: ReportContent, suppressor: Suppressor) -> list:
    story = [Paragraph("Change from pre to post", H2)]
    # The rule and the problems quote members per timepoint: 1 to 4 are not printed.
    story.append(Paragraph(_text(published_rule(content, suppressor)), BODY))
    usable = [s for s in content.change if s.change is not None and s.problem is None]
    if not usable:
        problems = {suppressor.words(s.problem) for s in content.change if s.problem}
        return story + [Paragraph(_text("Not computed: " + "; ".join(sorted(problems))), BODY)]
    direction = "Higher" if content.instrument.higher_is == "better" else "Lower"
    story.append(
        Paragraph(
            f"Members with a score at both timepoints. {direction} scores are better. d_z is "
            "the mean change divided by the SD of the changes (0.2 small, 0.5 medium, 0.8 "
            "large); p is from the paired t test.",
            BODY,
        )
    )
    rows, spans = [], []
    for s in content.change:
        c = s.change
        if c is None or s.problem:
            rows.append(
                [s.scale_name, f"not computed: {suppressor.words(s.problem)}", "", "", "", "", ""]
            )
            spans.append(len(rows))
            continue
        cells = suppressor.row(
            c.n_pairs,
            [
                s.scale_name,
                str(c.n_pairs),
                f"{words(c.mean_pre)} ({words(c.sd_pre)})",
                f"{words(c.mean_post)} ({words(c.sd_post)})",
                words(c.mean_change),
                f"{words(c.d_z)} [{words(c.d_z_ci[0])}, {words(c.d_z_ci[1])}]",
                p_words(c.p).replace("p ", "", 1).lstrip("= "),
            ],
        )
        if cells is None:
            spans.append(len(rows) + 1)
            cells = _suppressed_row([s.scale_name], suppressor, 7)
        rows.append(cells)
    header = ["Scale", "Members", "Pre mean (SD)", "Post mean (SD)", "Change", "d_z [95% CI]", "p"]
    widths = [3.6 * cm, 1.9 * cm, 2.5 * cm, 2.5 * cm, 1.7 * cm, 2.9 * cm, 1.6 * cm]
    story += [Spacer(1, 6), _table(header, rows, widths, spans), Spacer(1, 10)]

    story.append(
        Paragraph(
            "<b>Reliable change</b> (Jacobson-Truax): a member improved or deteriorated when "
            "their change is larger than measurement error explains (95% level). Recovered "
            "and harmed need a clinical cutoff"
            + (
                "."
                if any(s.cutoff is not None for s in usable)
                else "; none is in play here, so they are not shown."
            ),
            BODY,
        )
    )
    # The reliability and the cutoff used, in the Change page's words.
    used = [
        f"{s.scale_name}: {sentence}"
        for s in usable
        for sentence in [*s.used, *([s.cutoff_problem] if s.cutoff_problem else [])]
    ]
    story += [Paragraph(_text(sentence), SMALL) for sentence in used]
    rows = []
    for s in usable:
        rows.append([s.scale_name, *_category_cells(s, suppressor, "jt")])
    header = ["Scale", "Recovered", "Improved", "Unchanged", "Deteriorated", "Harmed"]
    widths = [4.2 * cm] + [2.46 * cm] * 5
    story += [Spacer(1, 6), _table(header, rows, widths), Spacer(1, 10)]

    first = usable[0]
    rows = []
    for method, result in first.methods.items():
        if result.counts:
            rows.append([METHOD_NAMES[method], *_category_cells(first, suppressor, method)])
        else:
            problem = suppressor.words(result.problem)
            rows.append([METHOD_NAMES[method], f"not computed: {problem}"] + [""] * 4)
    spans = [i + 1 for i, row in enumerate(rows) if row[1].startswith("not computed")]
    story.append(
        Paragraph(
            f"Every reliable change method on {_text(first.scale_name)}:",
            BODY,
        )
    )
    header = ["Method", "Recovered", "Improved", "Unchanged", "Deteriorated", "Harmed"]
    story += [Spacer(1, 6), _table(header, rows, widths, spans)]

    jt = first.methods.get("jt")
    if jt is not None and jt.counts and "s_diff" in jt.details:
        if first.change.n_pairs < suppressor.min_cell_size:
            story.append(Paragraph(_text(f"Jacobson plot: {suppressor.label}."), BODY))
        elif not suppressor.allows_points(list(jt.counts.values())):
            story.append(
                Paragraph(_text(JACOBSON_NOT_DRAWN.format(n=suppressor.min_cell_size)), BODY)
            )
        else:
            figure = _jacobson_figure(first, content.instrument.higher_is)
            caption = Paragraph(
                "Each mark is one member (no codes shown): score before (across) and after "
                "(up). On the dashed line nothing changed; inside the grey band the change is "
                "within measurement error. Marker shape shows the category."
                + (" Dotted lines: the clinical cutoff." if first.cutoff is not None else ""),
                SMALL,
            )
            story += [
                PageBreak(),
                Paragraph(f"Jacobson plot: {_text(first.scale_name)}", H2),
                _figure_image(figure, PAGE_WIDTH * 0.95),
                caption,
            ]
    return story


def _sessions_figure(
    sessions: pd.DataFrame,
    scale_name: str,
    trend,
    y_range: tuple[float, float] | None = None,
) -> object:
    """Mean per session with its 95% CI band and the mixed-model trend (a matplotlib figure).

    `y_range` is the scale's lowest and highest possible score (``measures.score_range``):
    the y-axis then runs over the whole scale, as the text beside the chart says, so a
    change of 0.3 points does not look like a climb from the floor to the ceiling.
    """
    figure, axes = plt.subplots(figsize=(7.0, 3.6))
    axes.fill_between(
        sessions["session"],
        sessions["ci_low"],
        sessions["ci_high"],
        color="#0072B2",
        alpha=0.18,
        linewidth=0,
        label="95% confidence interval",
    )
    axes.plot(
        sessions["session"],
        sessions["mean"],
        marker="o",
        color="#0072B2",
        linewidth=1.6,
        label="mean",
    )
    if trend is not None and math.isfinite(trend.slope):
        xs = sessions["session"].astype(float)
        axes.plot(
            xs,
            trend.intercept + trend.slope * xs,
            linestyle="--",
            color="#444444",
            linewidth=1,
            label="mixed-model trend",
        )
    axes.set_xlabel("Session", fontsize=10)
    axes.set_ylabel(f"{scale_name} (mean)", fontsize=10)
    axes.set_xticks(sessions["session"])
    if y_range is not None:
        low, high = y_range
        margin = (high - low) * 0.04  # room for a marker on the scale's edge
        axes.set_ylim(low - margin, high + margin)
    axes.grid(color="#EEEEEE", linewidth=0.6)
    axes.legend(fontsize=8.5, frameon=False, loc="best")
    return figure


def _session_label(value: object) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _sessions(content: ReportContent, suppressor: Suppressor) -> list:
    name = (
        "Mutuality over sessions"
        if "mutuality" in content.instrument.id
        else f"{content.instrument.name} over sessions"
    )
    story = [Paragraph(_text(name), H2)]
    if content.trends_problem:
        return story + [Paragraph(_text(content.trends_problem), BODY)]
    first = next((t for t in content.trends if t.result is not None), None)
    if first is None:
        problems = "; ".join(t.problem for t in content.trends if t.problem)
        return story + [Paragraph(_text(f"Not computed: {problems}"), BODY)]
    r = first.result
    low, high = score_range(content.instrument, first.scale)
    sessions = r.sessions
    hidden = sessions["n"] < suppressor.min_cell_size
    shown = sessions[~hidden]
    if suppressor.hides(r.n_members):
        # A slope of 1 to 4 members is theirs: neither it nor their number is printed.
        suppressor.suppressed += 1
        model = f"The mixed model's change per session: {suppressor.label} (members)."
    else:
        model = (
            f"A mixed model (each member's own starting point and rate of change"
            f"{', members within groups' if r.n_groups > 1 else ''}) estimates a change of "
            f"<b>{words(r.slope, 3)}</b> points per session (95% CI {words(r.slope_ci[0], 3)} "
            f"to {words(r.slope_ci[1], 3)}, {p_words(r.slope_p)}; {r.n_members} members, "
            f"{r.n_observations} answers)."
        )
    story.append(
        Paragraph(
            f"Mean {_text(first.scale_name)} at each session with its 95% confidence "
            f"interval, on the whole scale ({low:g} to {high:g}). {model}",
            BODY,
        )
    )
    if hidden.any():
        suppressor.suppressed += int(hidden.sum())
        story.append(
            Paragraph(
                _text(
                    f"{int(hidden.sum())} session(s) with fewer than {suppressor.min_cell_size} "
                    "answers are not drawn or listed."
                ),
                SMALL,
            )
        )
    if len(shown) >= 2:
        figure = _sessions_figure(shown, first.scale_name, r, y_range=(low, high))
        story.append(_figure_image(figure, PAGE_WIDTH))
    rows = []
    for _, s in sessions.iterrows():
        n = int(s["n"])
        cells = suppressor.row(
            n,
            [
                _session_label(s["session"]),
                str(n),
                words(s["mean"]),
                f"{words(s['ci_low'])} to {words(s['ci_high'])}",
            ],  # fmt: skip
        )
        if cells is None:
            suppressor.suppressed -= 1  # already counted with the chart
            cells = [_session_label(s["session"]), suppressor.label, "", ""]
        rows.append(cells)
    spans = [i + 1 for i, row in enumerate(rows) if row[1] == suppressor.label]
    table = _table(
        ["Session", "Answers", "Mean", "95% CI"], rows, [2 * cm, 2 * cm, 2 * cm, 4 * cm], spans
    )
    story += [Spacer(1, 6), table]
    others = [t for t in content.trends if t.result is not None and t is not first]
    if others:
        rows = [
            suppressor.row(
                t.result.n_members,
                [
                    t.scale_name,
                    str(t.result.n_members),
                    words(t.result.slope, 3),
                    f"{words(t.result.slope_ci[0], 3)} to {words(t.result.slope_ci[1], 3)}",
                    p_words(t.result.slope_p),
                ],
            )
            or _suppressed_row([t.scale_name], suppressor, 5)
            for t in [first, *others]
        ]
        story += [
            Spacer(1, 8),
            Paragraph("Change per session, every scale:", BODY),
            Spacer(1, 4),
            _table(
                ["Scale", "Members", "Per session", "95% CI", "p"],
                rows,
                [5 * cm, 2 * cm, 2.4 * cm, 3.6 * cm, 2.4 * cm],
            ),
        ]
    return story


def _groups(content: ReportContent, suppressor: Suppressor) -> list:
    story = [Paragraph("Groups", H2)]
    if content.groups_problem:
        return story + [Paragraph(_text(content.groups_problem), BODY)]
    scale = content.instrument.scales[0]
    sections = [g for g in content.groups if g.scale == scale.id and g.structure is not None]
    if not sections:
        return story + [Paragraph("Not computed for this file.", BODY)]
    for section in sections:
        s = section.structure
        story.append(
            Paragraph(
                f"<b>{_text(scale.name)} at {_text(section.timepoint)}</b>: ICC(1) "
                f"{words(s.icc1_reml)} (share of the differences between members that lies "
                f"between groups), ICC(2) {words(s.icc2)} (how reliably group means differ); "
                f"{s.n_groups} groups, {s.n_members} members.",
                BODY,
            )
        )
        rows, spans = [], []
        # The groups' members add up to the total above: one hidden group alone would be
        # that total minus the others, so a second one is hidden with it.
        hidden = suppressor.hidden_parts([int(n) for n in s.groups["n"]])
        for position, (_, g) in enumerate(s.groups.iterrows()):
            n = int(g["n"])
            cells = [
                str(g["group"]),
                str(n),
                f"{words(g['mean'])} ({words(g['sd'])})",
                f"{words(g['ci_low'])} to {words(g['ci_high'])}",
            ]
            if position in hidden:
                suppressor.suppressed += 1
                cells = None
            if cells is None:
                spans.append(len(rows) + 1)
                cells = [str(g["group"]), suppressor.label_for(n), "", ""]
            rows.append(cells)
        table = _table(
            ["Group", "Members", "Mean (SD)", "95% CI"],
            rows,
            [4 * cm, 2 * cm, 3 * cm, 4 * cm],
            spans,
        )
        story += [Spacer(1, 4), KeepTogether(table), Spacer(1, 10)]
    return story


def _summary(content: ReportContent, suppressor: Suppressor, key_lines: list[str]) -> list:
    instrument = content.instrument
    story = [
        Paragraph(_text(f"Outcome report: {instrument.name}"), H1),
        Paragraph(_text(", ".join(content.programs) or "Program not named in the file"), H2),
        Spacer(1, 6),
    ]
    facts = [
        ["Instrument", f"{instrument.name} ({instrument.id}, version {instrument.version})"],
        ["File", content.source or "(not named)"],
        ["Members", str(content.n_members)],
        ["Administrations", f"{content.n_administrations} (questionnaires filled in)"],
        ["Groups", str(content.n_groups)],
        ["Timepoints", f"{len(content.timepoints)}: {', '.join(content.timepoints)}"],
        ["Report made on", content.made.isoformat()],
    ]
    table = Table(
        [[Paragraph(f"<b>{_text(a)}</b>", CELL), Paragraph(_text(b), CELL)] for a, b in facts],
        colWidths=[3.6 * cm, PAGE_WIDTH - 3.6 * cm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#CCCCCC")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [table, Spacer(1, 10), Paragraph("Key results", H2)]
    story += [Paragraph(_text(line), BULLET, bulletText="•") for line in key_lines]
    story += [Spacer(1, 10), Paragraph("Privacy", H2)]
    privacy = suppressor.summary()
    story.append(
        Paragraph(
            _text(privacy) + " No member codes appear in this report. The Jacobson plot "
            "shows one unlabelled point per member and is drawn only when every category "
            f"has at least {suppressor.min_cell_size} members.",
            BODY,
        )
    )
    if content.notice:
        # 42 CFR 2.32: a substance-use program's records travel with the redisclosure notice.
        box = Table(
            [[Paragraph(_text(content.notice), SMALL)]], colWidths=[PAGE_WIDTH], hAlign="LEFT"
        )
        box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.black)]))
        story += [Spacer(1, 8), Paragraph("Redisclosure notice", H2), box]
    return story


def _footer(text: str, notice: bool = False):
    def draw(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(2 * cm, 1.2 * cm, text)
        if notice:
            canvas.drawString(
                2 * cm,
                0.8 * cm,
                "Protected by 42 CFR part 2: redisclosure prohibited (notice on page 1).",
            )
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Page {document.page}")
        canvas.restoreState()

    return draw


def _repair(content: ReportContent) -> list:
    """Does repair matter here? Counts only, small cells hidden (the PDF is published)."""
    section = content.repair
    story = [Paragraph("Does repair matter here?", H2)]
    if section.problem:
        return story + [Paragraph(_text(section.problem), BODY)]
    story += [Paragraph(_text(section.words), BODY), Spacer(1, 4)]
    frame = section.published
    header = list(frame.columns)
    widths = [3.2 * cm] + [(PAGE_WIDTH - 3.2 * cm) / (len(header) - 1)] * (len(header) - 1)
    story.append(_table(header, frame.astype(str).values.tolist(), widths))
    return story + [Spacer(1, 4), Paragraph(_text(section.caveat), SMALL)]


def _context(content: ReportContent) -> list:
    """Outcomes by a grouping, fit to publish (groupings of fewer than 5 members hidden)."""
    section = content.context_published
    story = [Paragraph(_text(section.title), H2)]
    for reading in section.readings:
        story.append(Paragraph(_text(reading), BODY))
    for heading, frame in section.tables:
        story += [Spacer(1, 4), Paragraph(_text(heading), H3)]
        header = list(frame.columns)
        first = 4.2 * cm
        widths = [first] + [(PAGE_WIDTH - first) / (len(header) - 1)] * (len(header) - 1)
        cells = frame.astype(object).where(frame.notna(), "-").astype(str).values.tolist()
        story.append(_table(header, cells, widths))
    for line in section.notes:
        story += [Spacer(1, 2), Paragraph(_text(line), SMALL)]
    return story


def write_pdf_report(
    content: ReportContent, path: str | Path, *, min_cell_size: int = MIN_CELL_SIZE
) -> Path:
    """Write the PDF report of `content` to `path` and return the path.

    Parameters
    ----------
    content
        Output of ``reports.content.report_content``.
    path
        The ``.pdf`` file to write.
    min_cell_size
        Groups and cells with fewer members than this are not shown in aggregate tables
        (and session means from fewer answers are not drawn); 1 shows everything.

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    if path.suffix.lower() != ".pdf":
        raise ValueError(f"{path}: the PDF report must be named ....pdf")
    suppressor = Suppressor(min_cell_size)
    # The sections run first so that the first page can say whether suppression applied.
    sections = [CondPageBreak(7 * cm), *_reliability(content, suppressor)]
    sections += [PageBreak(), *_change(content, suppressor)]
    sections += [PageBreak(), *_sessions(content, suppressor)]
    sections += [CondPageBreak(9 * cm), *_groups(content, suppressor)]
    if content.repair is not None:
        sections += [CondPageBreak(8 * cm), *_repair(content)]
    if content.context_published is not None:
        sections += [PageBreak(), *_context(content)]
    key_lines = key_results(content, suppressor)
    story = _summary(content, suppressor, key_lines) + sections
    footer = _footer(
        f"Mutuality outcome report: {content.instrument.name}, made {content.made.isoformat()}",
        notice=bool(content.notice),
    )
    document = SimpleDocTemplate(
        str(path),
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=2 * cm,
        title=f"Mutuality outcome report: {content.instrument.name}",
        author="Mutuality",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return path
