"""Scale benchmarks: Mutuality against a plain baseline, side by side, on a state-wide program.

Usage::

    python bench/run.py            # 20,000 members x 12 sessions (about 3 million answers)
    python bench/run.py --quick    # a tenth: 2,000 members
    python bench/run.py --json     # one JSON object on stdout, progress on stderr

The program comes from ``sample_data.generator.generate_program`` (seed 2026): a 10-item
check-in at every attended session and a 24-item relational-connection measure (and CORE-10)
before and after. Generated inputs (the tables, a 100,000-row xlsx, the SQLite database) are
cached under ``bench/out/<members>/``. Delete the folder, or pass ``--rebuild``, to generate
afresh.

Every scenario times Mutuality's way and a baseline in the same run with ``bench.harness``;
``ratio`` = baseline_seconds / seconds. The baselines are documented in :data:`BASELINES`
and in bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import math
import os
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench.harness import Result, compare, peak_memory_mb  # noqa: E402
from measures import CHECKIN, CONNECTION  # noqa: E402

FULL_MEMBERS = 20_000
XLSX_ROWS = 100_000
SEED = 2026
DISTRESS = "core10"
INSTRUMENT_IDS = (CHECKIN, CONNECTION, DISTRESS)
#: Seconds the whole analysis pipeline may take on the large program (issue 8).
PIPELINE_SECONDS = 10.0
#: Seconds a page may take to render on the large database.
PAGE_SECONDS = 2.0
#: Peak resident memory of the benchmark process, MB.
MEMORY_MB = 2048.0

#: What each baseline is, in words (also in bench/RESULTS.md).
BASELINES = {
    "import": "pandas.read_excel(path) with its default engine (openpyxl)",
    "scoring_reliability": "pandas item sums + pingouin.cronbach_alpha, scale by scale and "
    "timepoint by timepoint (alpha only; Mutuality also computes omega, lambda-6, item stats)",
    "reliable_change": "a per-member Python loop applying each method's formula row by row, "
    "plus statsmodels MixedLM (default fit) and its random effects for HLM",
    "trend": "statsmodels MixedLM with default settings (.fit()) of the same model "
    "(members nested in groups, random member intercept and slope) on the raw scores",
    "page": "the same page's first render, caches empty",
}


def in_child(function: Callable[[], object], timeout: float) -> Callable[[], bool]:
    """`function` run in a forked child process, stopped after `timeout` seconds.

    The returned callable reports whether the child finished in time. Used for baselines
    that take many minutes at full scale: their time is then a lower bound.
    """
    import multiprocessing

    def run() -> bool:
        child = multiprocessing.get_context("fork").Process(target=function, daemon=True)
        child.start()
        child.join(timeout)
        if child.is_alive():
            child.kill()
            child.join()
            return False
        return child.exitcode == 0

    return run


def compare_capped(
    name: str,
    ours: Callable[[], object],
    baseline_name: str,
    baseline: Callable[[], object],
    *,
    timeout: float,
    repeat: int,
    **targets,
) -> Result:
    """`compare`, with the baseline in a child process stopped after `timeout` seconds."""
    finished: list[bool] = []
    child = in_child(baseline, timeout)
    result = compare(name, ours, baseline_name, lambda: finished.append(child()), **targets)
    if not all(finished):
        result.baseline += f" [stopped after {timeout:g} s: baseline_seconds is a lower bound]"
    return result


def log(message: str) -> None:
    """Progress on stderr (stdout carries only the JSON with --json)."""
    print(message, file=sys.stderr, flush=True)


# Inputs ------------------------------------------------------------------------------------


@dataclass
class Inputs:
    """The generated program and the files made from it."""

    members: int
    folder: Path
    roster: pd.DataFrame
    sessions: pd.DataFrame
    attendance: pd.DataFrame
    long: pd.DataFrame
    wide: dict[str, pd.DataFrame]
    xlsx: Path
    xlsx_rows: int
    sqlite_url: str


def _tables_path(folder: Path, name: str) -> Path:
    return folder / f"{name}.parquet"


def _restore_types(long: pd.DataFrame) -> pd.DataFrame:
    long["value"] = long["value"].astype("Int64")
    long["session"] = long["session"].astype("Int64")
    return long


def generate_inputs(members: int, out: Path, rebuild: bool = False) -> Inputs:
    """Generate (or reuse from `out`) the program, the xlsx and the SQLite database."""
    from sample_data.generator import INSTRUMENTS, generate_program

    folder = out / str(members)
    folder.mkdir(parents=True, exist_ok=True)
    names = ["roster", "sessions", "attendance", "long", *INSTRUMENTS]
    if rebuild or not all(_tables_path(folder, n).exists() for n in names):
        started = time.perf_counter()
        program = generate_program(seed=SEED, n_members=members)
        tables = {
            "roster": program.roster,
            "sessions": program.sessions,
            "attendance": program.attendance,
            "long": program.responses_long,
            **{i: program.wide(i) for i in INSTRUMENTS},
        }
        for name, frame in tables.items():
            frame.to_parquet(_tables_path(folder, name), index=False)
        log(f"generated {members} members in {time.perf_counter() - started:.1f} s")
        for stale in ("responses.xlsx", "mutuality.sqlite"):
            (folder / stale).unlink(missing_ok=True)
    tables = {n: pd.read_parquet(_tables_path(folder, n)) for n in names}
    long = _restore_types(tables["long"])
    wide = {}
    for instrument in INSTRUMENTS:
        frame = tables[instrument]
        for column in frame.columns:
            if column == "session" or column.startswith(instrument.replace("-", "")):
                frame[column] = frame[column].astype("Int64")
        wide[instrument] = frame
    xlsx_rows = max(1000, round(XLSX_ROWS * members / FULL_MEMBERS))
    xlsx = folder / "responses.xlsx"
    if not xlsx.exists():
        _write_xlsx(long, xlsx, xlsx_rows)
    sqlite_path = folder / "mutuality.sqlite"
    sqlite_url = f"sqlite:///{sqlite_path}"
    if not sqlite_path.exists():
        _load_database(sqlite_url, tables["roster"], tables["sessions"], tables["attendance"], long)
    return Inputs(
        members=members,
        folder=folder,
        roster=tables["roster"],
        sessions=tables["sessions"],
        attendance=tables["attendance"],
        long=long,
        wide=wide,
        xlsx=xlsx,
        xlsx_rows=xlsx_rows,
        sqlite_url=sqlite_url,
    )


def _write_xlsx(long: pd.DataFrame, path: Path, rows: int) -> None:
    """The first `rows` check-in answers as a long-format workbook (openpyxl write-only)."""
    from openpyxl import Workbook

    started = time.perf_counter()
    part = long[long["instrument"] == CHECKIN].head(rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Responses")
    sheet.append(list(part.columns))
    for record in part.astype(object).itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in record])
    partial = path.with_suffix(".partial.xlsx")
    book.save(partial)
    partial.replace(path)
    log(f"wrote {path.name} ({len(part)} rows) in {time.perf_counter() - started:.1f} s")


def _load_database(url: str, roster, sessions_table, attendance_table, long) -> None:
    """Store the whole program through store/ (the demo loader's path), once."""
    from ingest.administrations import administrations_from_table
    from store.bulk_load import count_rows, load_program
    from store.db import connect

    started = time.perf_counter()
    engine = connect(url)
    if count_rows(engine)["administrations"]:
        return
    batch = administrations_from_table(long, source="bench", entered_by="bench")
    log(f"  {len(batch)} administrations prepared in {time.perf_counter() - started:.1f} s")
    load_program(
        engine,
        roster,
        sessions_table,
        attendance_table,
        batch,
        only_into_empty=True,
        source="bench",
    )
    log(f"loaded {url.rsplit('/', 1)[-1]} in {time.perf_counter() - started:.1f} s")


# Scenarios ---------------------------------------------------------------------------------


def _instruments():
    from measures import load_instrument

    return {i: load_instrument(i) for i in INSTRUMENT_IDS}


def scenario_import(inputs: Inputs, repeat: int) -> Result:
    """Reading the 100,000-row xlsx: ingest.read_responses against pandas.read_excel."""
    from ingest import read_responses

    def ours():
        table = read_responses(inputs.xlsx, instrument=CHECKIN, max_bytes=200 * 2**20)
        assert len(table.long) == inputs.xlsx_rows

    def baseline():
        frame = pd.read_excel(inputs.xlsx)
        assert len(frame) == inputs.xlsx_rows

    return compare(
        f"import xlsx {inputs.xlsx_rows} rows",
        ours,
        BASELINES["import"],
        baseline,
        repeat=repeat,
        target_ratio=5,
    )


def _score_and_reliability(wide: dict[str, pd.DataFrame], instruments) -> dict:
    from analysis.reliability import reliability_table
    from measures import score

    results = {}
    for instrument_id, instrument in instruments.items():
        scores = score(wide[instrument_id], instrument)
        results[instrument_id] = (scores, reliability_table(wide[instrument_id], instrument))
    return results


def _pingouin_alphas(wide: dict[str, pd.DataFrame], instruments) -> list[float]:
    import pingouin

    alphas = []
    for instrument_id, instrument in instruments.items():
        frame = wide[instrument_id]
        low, high = instrument.response_scale.min, instrument.response_scale.max
        for scale in instrument.scales:
            items = frame[scale.items].astype(float)
            for item in scale.items:
                if instrument.item(item).reverse:
                    items[item] = low + high - items[item]
            frame = frame.assign(**{f"__{scale.id}": items.mean(axis=1)})
            for _, rows in items.groupby(frame["timepoint"].to_numpy(), sort=False):
                alphas.append(pingouin.cronbach_alpha(data=rows)[0])
    return alphas


def scenario_scoring_reliability(inputs: Inputs, repeat: int) -> Result:
    """Scores and reliability of every scale at every timepoint of the three instruments."""
    instruments = _instruments()
    return compare(
        "scoring and reliability, every scale and timepoint",
        lambda: _score_and_reliability(inputs.wide, instruments),
        BASELINES["scoring_reliability"],
        lambda: _pingouin_alphas(inputs.wide, instruments),
        repeat=repeat,
    )


def _checkin_scores(inputs: Inputs, instruments) -> pd.DataFrame:
    from measures import score

    return score(inputs.wide[CHECKIN], instruments[CHECKIN])


def _reliable_change_all(connection_scores, checkin_scores, reliability: float) -> dict:
    """Mutuality's way: paired scores, then every method on the whole table at once."""
    from analysis.change import paired_change
    from analysis.reliable_change import METHODS, reliable_change, reliable_change_hlm

    change = paired_change(connection_scores, "total", "pre", "post")
    results = {}
    for method in METHODS:
        if method == "hlm":
            hlm = pd.DataFrame(
                {
                    "member": checkin_scores["member"],
                    "time": checkin_scores["session"].astype(float),
                    "score": checkin_scores["total"],
                }
            )
            results[method] = reliable_change_hlm(hlm, higher_is="better")
        else:
            results[method] = reliable_change(
                change.pairs, method=method, reliability=reliability, higher_is="better"
            )
    return results


def _loop_reliable_change(connection_scores, checkin_scores, reliability: float) -> dict:
    """The naive way: pair members in a dict, then each formula member by member."""
    import statsmodels.formula.api as smf

    pre, post = {}, {}
    for row in connection_scores.itertuples(index=False):
        if row.timepoint == "pre":
            pre[row.member] = row.total
        elif row.timepoint == "post":
            post[row.member] = row.total
    pairs = [(m, pre[m], post[m]) for m in pre if m in post]
    pairs = [(m, x, y) for m, x, y in pairs if not (math.isnan(x) or math.isnan(y))]
    x1 = np.array([p[1] for p in pairs])
    x2 = np.array([p[2] for p in pairs])
    m1, m2, s1, s2 = x1.mean(), x2.mean(), x1.std(ddof=1), x2.std(ddof=1)
    r = reliability
    se = s1 * math.sqrt(1 - r)
    se_pred = s1 * math.sqrt(1 - r * r)
    r12 = float(np.corrcoef(x1, x2)[0, 1])
    rxx1, rxx2 = (s1**2 - se**2) / s1**2, (s2**2 - se**2) / s2**2
    rdd = (s1**2 * rxx1 + s2**2 * rxx2 - 2 * s1 * s2 * r12) / (s1**2 + s2**2 - 2 * s1 * s2 * r12)
    categories: dict[str, list] = {m: [] for m in ("jt", "gln", "hll", "en", "nk", "ha")}
    for _member, a, b in pairs:
        rcis = {
            "jt": (b - a) / math.sqrt(2 * se**2),
            "gln": ((b - m1) - r * (a - m1)) / se_pred,
            "hll": ((b - m2) - r * (a - m1)) / se_pred,
            "en": (b - (r * (a - m1) + m1)) / se,
            "nk": (b - (r * (a - m1) + m1)) / math.sqrt(r**2 * s1**2 * (1 - r) + s1**2 * (1 - r)),
            "ha": ((b - a) * rdd + (m2 - m1) * (1 - rdd)) / (math.sqrt(rdd) * math.sqrt(2 * se**2)),
        }
        for method, rci in rcis.items():
            critical = 1.645 if method == "ha" else 1.96
            label = (
                "improved" if rci > critical else "deteriorated" if rci < -critical else "unchanged"
            )
            categories[method].append(label)
    data = pd.DataFrame(
        {
            "member": checkin_scores["member"].astype(str),
            "time": checkin_scores["session"].astype(float),
            "score": checkin_scores["total"].astype(float),
        }
    ).dropna()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = smf.mixedlm("score ~ time", data, groups=data["member"], re_formula="~time").fit()
        effects = fit.random_effects
    categories["hlm"] = [float(effects[m].iloc[1]) for m in effects]
    return categories


def scenario_reliable_change(inputs: Inputs, repeat: int, timeout: float) -> Result:
    """Reliable change of every member by all seven methods."""
    from analysis.reliable_change import sample_reliability
    from measures import keyed_items, score

    instruments = _instruments()
    connection = instruments[CONNECTION]
    wide = inputs.wide[CONNECTION]
    connection_scores = score(wide, connection)
    pre_rows = wide[wide["timepoint"] == "pre"]
    reliability = sample_reliability(
        keyed_items(pre_rows, connection, connection.scale("total").items)
    )
    checkin_scores = _checkin_scores(inputs, instruments)
    return compare_capped(
        f"reliable change, {inputs.members} members, all methods",
        lambda: _reliable_change_all(connection_scores, checkin_scores, reliability),
        BASELINES["reliable_change"],
        lambda: _loop_reliable_change(connection_scores, checkin_scores, reliability),
        timeout=timeout,
        repeat=repeat,
    )


def scenario_trend(inputs: Inputs, repeat: int, timeout: float) -> Result:
    """The trend mixed model on every check-in score."""
    import statsmodels.formula.api as smf

    from analysis.trend import session_trend

    scores = _checkin_scores(inputs, _instruments())
    data = scores[["member", "group", "session", "total"]].dropna()
    data = data.rename(columns={"total": "score"}).astype({"session": float})

    def baseline():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = smf.mixedlm(
                "score ~ session",
                data,
                groups=data["group"],
                re_formula="1",
                vc_formula={"member": "0 + C(member)", "member_slope": "0 + C(member):session"},
            )
            return model.fit(reml=True)

    return compare_capped(
        f"trend mixed model, {len(scores)} check-in scores",
        lambda: session_trend(scores, "total"),
        BASELINES["trend"],
        baseline,
        timeout=timeout,
        repeat=repeat,
    )


PAGES = {
    "over_time": "app_pages/over_time.py",
    "reliability": "app_pages/reliability.py",
    "change": "app_pages/change.py",
    "groups": "app_pages/groups.py",
}
BENCH_USER, BENCH_PASSWORD = "bench-admin", "bench lantern kettle orchard"


def _signed_in_app(url: str):
    """The app (router included) with the benchmark's administrator signed in."""
    from streamlit.testing.v1 import AppTest

    from access import accounts, browser
    from store.db import connect
    from ui import state as keys

    engine = connect(url)
    try:
        user = accounts.sign_in(engine, BENCH_USER, BENCH_PASSWORD)
    except ValueError:
        accounts.add_user(engine, BENCH_USER, BENCH_PASSWORD, "administrator", by="bench")
        user = accounts.sign_in(engine, BENCH_USER, BENCH_PASSWORD)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
    browser.remember_sign_in(at.session_state, keys.STAFF_SESSION, user)
    return at


def scenario_pages(url: str) -> list[Result]:
    """Each analysis page through the app's router (AppTest): warm render vs its first one."""
    import streamlit as st

    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("MUTUALITY_DATA_DIR", str(Path(url.removeprefix("sqlite:///")).parent))
    results = []
    for name, path in PAGES.items():
        if not (ROOT / path).exists():
            log(f"{path} does not exist yet; its scenario is left out")
            continue

        def render(page: str = path):
            at = _signed_in_app(url)
            at.run()
            started = time.perf_counter()
            at.switch_page(page).run()
            seconds = time.perf_counter() - started
            if at.exception:
                raise RuntimeError(f"{page} raised: {at.exception[0].value}")
            return seconds

        st.cache_data.clear()
        st.cache_resource.clear()
        first = render()
        warm = min(render() for _ in range(2))
        results.append(
            Result(
                name=f"page {name} (AppTest), large database",
                seconds=round(warm, 4),
                baseline=BASELINES["page"],
                baseline_seconds=round(first, 4),
                ratio=round(first / warm, 2) if warm > 0 else math.inf,
                target=f"seconds <= {PAGE_SECONDS:g}",
                met=warm <= PAGE_SECONDS,
            )
        )
    return results


def pipeline_result(results: list[Result]) -> Result:
    """The analysis pipeline: scoring, reliability, reliable change and trend, summed."""
    parts = [r for r in results if r.name.startswith(("scoring", "reliable change", "trend"))]
    seconds = sum(r.seconds for r in parts)
    baseline_seconds = sum(r.baseline_seconds for r in parts)
    return Result(
        name="analysis pipeline (scoring + reliability + reliable change + trend)",
        seconds=round(seconds, 4),
        baseline="sum of the three baselines above",
        baseline_seconds=round(baseline_seconds, 4),
        ratio=round(baseline_seconds / seconds, 2) if seconds > 0 else math.inf,
        target=f"seconds <= {PIPELINE_SECONDS:g}",
        met=seconds <= PIPELINE_SECONDS,
    )


SCENARIOS = ("import", "scoring", "reliable_change", "trend", "pages")


def run(
    members: int,
    out: Path,
    *,
    repeat: int = 1,
    only: tuple[str, ...] = SCENARIOS,
    rebuild: bool = False,
    baseline_timeout: float = 600.0,
) -> dict:
    """Run the scenarios and return the --json payload."""
    inputs = generate_inputs(members, out, rebuild=rebuild)
    # Import the heavy libraries first (pingouin alone takes seconds), so that no scenario
    # pays for a one-off import a running app or CLI session has already paid.
    import pingouin  # noqa: F401
    import statsmodels.formula.api  # noqa: F401

    import analysis.reliability  # noqa: F401
    import analysis.trend  # noqa: F401

    results: list[Result] = []

    def step(label: str, action: Callable[[], Result | list[Result] | None]) -> None:
        log(f"{label} ...")
        outcome = action()
        for result in outcome if isinstance(outcome, list) else [outcome]:
            if result is not None:
                results.append(result)
                log(
                    f"  {result.name}: {result.seconds:.3f} s vs {result.baseline_seconds:.3f} s"
                    f" (ratio {result.ratio:g}) {result.target} met={result.met}"
                )

    if "import" in only:
        step("import", lambda: scenario_import(inputs, repeat))
    if "scoring" in only:
        step("scoring and reliability", lambda: scenario_scoring_reliability(inputs, repeat))
    if "reliable_change" in only:
        step("reliable change", lambda: scenario_reliable_change(inputs, repeat, baseline_timeout))
    if "trend" in only:
        step("trend", lambda: scenario_trend(inputs, repeat, baseline_timeout))
    if {"scoring", "reliable_change", "trend"} <= set(only):
        results.append(pipeline_result(results))
    if "pages" in only:
        step("pages", lambda: scenario_pages(inputs.sqlite_url))
    memory = peak_memory_mb()
    log(f"{members} members, {len(inputs.long)} item responses; peak memory {memory:.0f} MB")
    return {"scenarios": [r.as_dict() for r in results], "peak_memory_mb": round(memory, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the full scale")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--members", type=int, help="members in the program (overrides --quick)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="cache folder")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per side")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--rebuild", action="store_true", help="generate the inputs afresh")
    parser.add_argument(
        "--baseline-timeout",
        type=float,
        default=600.0,
        help="stop a statsmodels baseline after this many seconds (its time is then a bound)",
    )
    args = parser.parse_args(argv)
    members = args.members or (FULL_MEMBERS // 10 if args.quick else FULL_MEMBERS)
    # Libraries that print (streamlit, statsmodels) must not spoil the JSON on stdout.
    with contextlib.redirect_stdout(io.StringIO() if args.json else sys.stdout):
        payload = run(
            members,
            args.out,
            repeat=args.repeat,
            only=tuple(args.only),
            rebuild=args.rebuild,
            baseline_timeout=args.baseline_timeout,
        )
    if args.json:
        print(json.dumps(payload))
    else:
        for s in payload["scenarios"]:
            flag = "" if s["met"] is None else ("  MET" if s["met"] else "  MISSED")
            print(
                f"{s['name']}: {s['seconds']:.3f} s; baseline {s['baseline_seconds']:.3f} s; "
                f"ratio {s['ratio']:g}; {s['target']}{flag}"
            )
        print(f"peak memory {payload['peak_memory_mb']:.0f} MB (target <= {MEMORY_MB:g} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
