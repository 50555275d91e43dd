"""What the analysis pages share on screen: the filters, cached results, charts with downloads.

The cached functions are `services` functions wrapped in ``st.cache_data``. Each takes a
`selection.Scope` (or the database URL and data version), so a result is reused until the
filters or the stored data change; `selection.data_version` is read once per run (a few
counts), which is how a new upload or a finished session clears every cached result.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from privacy.safety import neutralise_formulas
from services import admin, analyses, catalog, labels, overview, repairs, reporting, selection
from services import context as context_service
from ui import state as keys

_cache = st.cache_data(show_spinner=False, max_entries=64)
_slow_cache = st.cache_data(show_spinner="Computing… (only the first time)", max_entries=32)

filter_choices = _cache(selection.filter_choices)
home = _slow_cache(overview.home)
reliability = _slow_cache(analyses.reliability)
change = _slow_cache(analyses.change)
over_time = _slow_cache(analyses.over_time)
trend = _slow_cache(analyses.trend)
groups = _slow_cache(analyses.groups)
context = _slow_cache(context_service.context_view)
timepoints = _cache(selection.timepoints)
pre_post = _cache(selection.pre_post)
attendance = _cache(analyses.attendance)
#: Disconnection records: keyed by the data version, which every recorded step changes.
repairs = _slow_cache(repairs.follow_up)


def database() -> tuple[str, str]:
    """The database URL and the current version of its data."""
    url = selection.database_url()
    return url, selection.data_version(url)


def user():
    """The signed-in staff member (the router has checked the sign-in), or None."""
    signed_in = st.session_state.get(keys.STAFF_SESSION)
    return getattr(signed_in, "user", None)


def _index(options: list, value) -> int:
    return options.index(value) if value in options else 0


def filters(
    *, scale: bool = True, dates: bool = True, use: str | None = None
) -> tuple[selection.Scope, str | None]:
    """The shared filters in the sidebar: program, group, instrument, scale, date range.

    Values are copied into the FILTER_* keys of ui.state so they survive a page switch.
    `use` (``pre-post`` or ``per-session``) lists instruments of that use first.
    """
    state = st.session_state
    url, version = database()
    choices = filter_choices(url, version, user())
    with st.sidebar:
        st.subheader("Filters")
        programs = [None, *choices.programs]
        program = st.selectbox(
            "Program",
            programs,
            index=_index(programs, state[keys.FILTER_PROGRAM]),
            format_func=lambda v: "All programs" if v is None else v,
            key=keys.W_FILTER_PROGRAM,
        )
        state[keys.FILTER_PROGRAM] = program
        group_names = [None, *choices.groups_of(program)]
        group = st.selectbox(
            "Group",
            group_names,
            index=_index(group_names, state[keys.FILTER_GROUP]),
            format_func=lambda v: "All groups" if v is None else v,
            key=keys.group_widget(program),
        )
        state[keys.FILTER_GROUP] = group
        instruments = choices.instruments
        if use is not None:
            instruments = sorted(instruments, key=lambda i: i.use != use)
        names = {i.id: i.name for i in instruments}
        ids = list(names)
        instrument_id = st.selectbox(
            "Questionnaire",
            ids,
            index=_index(ids, state[keys.FILTER_INSTRUMENT]),
            format_func=names.get,
            key=keys.W_FILTER_INSTRUMENT,
        )
        state[keys.FILTER_INSTRUMENT] = instrument_id
        chosen_scale = None
        if scale:
            instrument = catalog.instrument_by_id(instrument_id)
            scales = {s.id: s.name for s in instrument.scales}
            scale_ids = list(scales)
            chosen_scale = st.selectbox(
                "Scale",
                scale_ids,
                index=_index(scale_ids, state[keys.FILTER_SCALE]),
                format_func=scales.get,
                key=keys.scale_widget(instrument_id),
            )
            state[keys.FILTER_SCALE] = chosen_scale
        date_from = date_to = None
        if dates and choices.first_date is not None:
            first = min(choices.first_date, choices.first_date - dt.timedelta(days=31))
            last = choices.last_date + dt.timedelta(days=31)
            kept = state[keys.FILTER_DATES]
            picked = st.date_input(
                "Dates",
                value=tuple(kept) if kept else (first, last),
                min_value=first - dt.timedelta(days=3650),
                max_value=last + dt.timedelta(days=3650),
                key=keys.W_FILTER_DATES,
                help="Only answers given between these dates (inclusive).",
            )
            if isinstance(picked, tuple) and len(picked) == 2:
                state[keys.FILTER_DATES] = picked
                if picked != (first, last):
                    date_from, date_to = picked
    scope = selection.Scope(
        url=url,
        version=version,
        instrument=instrument_id,
        program=program,
        group=group,
        date_from=date_from,
        date_to=date_to,
        user=user(),
    )
    return scope, chosen_scale


def reading(text: str) -> None:
    """The one-line plain-words reading of a result."""
    st.info(text, icon=":material/lightbulb:")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A frame as CSV with formulas neutralised (privacy.safety), for st.download_button."""
    return neutralise_formulas(frame).to_csv(index=False).encode("utf-8")


def record_download(file_name: str, rows: int | None = None) -> None:
    """Write an audit entry for a file the signed-in user downloads (an export of data)."""
    admin.record_download(
        selection.database_url(), getattr(user(), "username", None), file_name, rows
    )


def download_table(frame: pd.DataFrame, name: str, label: str = "Download the table (CSV)"):
    """A download button for `frame` as CSV (formulas neutralised); the download is audited."""
    st.download_button(
        label,
        csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"csv_{name}",
        icon=":material/download:",
        on_click=record_download,
        args=(f"{name}.csv", len(frame)),
    )


#: Columns shown with three decimals (p values and slopes); other decimals get two.
_THREE_DECIMALS = ("p", "slope", "slope_se", "slope_p", "wilcoxon_p")


def table(frame: pd.DataFrame, instrument_id: str | None = None, **options) -> None:
    """`frame` as a table a person reads: columns in words (`services.labels`), numbers rounded.

    An ``item`` column gets the item's wording beside it when `instrument_id` is given.
    Decimal numbers show two decimals (three for p values and slopes); `options` go to
    ``st.dataframe`` (``hide_index`` defaults to True).
    """
    instrument = catalog.instrument_by_id(instrument_id) if instrument_id else None
    config = {}
    for name in frame.columns:
        if pd.api.types.is_float_dtype(frame[name]):
            digits = 3 if name in _THREE_DECIMALS else 2
            config[labels.column_word(name, instrument)] = st.column_config.NumberColumn(
                format=f"%.{digits}f"
            )
    options.setdefault("hide_index", True)
    options["column_config"] = config | options.get("column_config", {})
    st.dataframe(labels.page_table(frame, instrument_id), **options)


def chart(figure: go.Figure, data: pd.DataFrame, name: str) -> None:
    """A Plotly chart with its data as CSV; the PNG comes from the chart's own camera button."""
    st.plotly_chart(
        figure,
        config={
            "displaylogo": False,
            "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
        },
        key=f"chart_{name}",
    )
    left, right = st.columns([1, 3])
    with left:
        download_table(data, name, "Chart data (CSV)")
    with right:
        st.caption("To save the chart as a PNG picture, use the camera button at its top right.")


report_files = _slow_cache(reporting.report_files)
