"""What a facilitator sees of a session's round robin (Run a session): map and reciprocity."""

from __future__ import annotations

import streamlit as st

from charts.connections import connection_map, reciprocity_chart
from services import connections
from services.sessions import SessionInfo


def show_connections(url: str, user, session: SessionInfo) -> None:
    """The session's connection map, reciprocity over sessions and who seems isolated."""
    view = connections.session_connections(url, user, session)
    st.info(view.reading, icon=":material/diversity_1:")
    for note in view.notes:
        st.caption(note)
    if view.raters:
        members = sorted(set(view.ratings["perceiver"]) | set(view.ratings["target"]))
        st.plotly_chart(
            connection_map(members, view.ties, view.isolated),
            config={"displaylogo": False},
            key=f"connection_map_{session.id}",
        )
        st.caption(
            "A line joins two members when one felt connected with the other (4 or 5): thick "
            "and solid when both did, dashed with an arrow when one did."
        )
    if view.isolated:
        st.warning(
            "Feel connected to few, and few feel connected to them: "
            + ", ".join(view.isolated)
            + ". A word with them, or a way into the group's talk, may help.",
            icon=":material/person_off:",
        )
    if len(view.reciprocity) > 1:
        st.plotly_chart(
            reciprocity_chart(view.reciprocity),
            config={"displaylogo": False},
            key=f"reciprocity_{session.id}",
        )


def paper_entry(url: str, session: SessionInfo) -> None:
    """Staff type in a paper round robin of the members present (Run a session → Paper)."""
    with st.expander("Round robin on paper"):
        grid = connections.paper_grid(url, session)
        if len(grid) < 2:
            st.caption("Mark who is here first: the grid lists the members present.")
            return
        st.caption(
            "Each row is one member's sheet: how connected they felt with each other member "
            "(1 Not at all to 5 Very much); leave a cell empty when they skipped someone."
        )
        config = {"rater": st.column_config.TextColumn("Rater", disabled=True)}
        for code in grid.columns[1:]:
            config[code] = st.column_config.TextColumn(code, max_chars=1)
        edited = st.data_editor(
            grid,
            column_config=config,
            hide_index=True,
            num_rows="fixed",
            key=f"rr_paper_{session.id}",
        )
        if st.button("Save the round robin", icon=":material/save:", key=f"rr_save_{session.id}"):
            try:
                stored = connections.save_paper_ratings(url, session, edited)
            except ValueError as error:
                st.error(str(error))
            else:
                st.success(f"Stored {stored} rating(s) as typed in from paper.")
