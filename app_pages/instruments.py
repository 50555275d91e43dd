"""The instrument library: what each questionnaire measures and how it is scored."""

import streamlit as st

from measures import builtin_instruments

st.title("Instrument library")
st.caption(
    "Questionnaires Mutuality can score. The two written for Mutuality can be given in the "
    "app in English and Spanish; the published ones are scoring-only (their wording is licensed)."
)

for instrument in builtin_instruments():
    written_for_us = not instrument.normed
    badge = "written for Mutuality; not normed" if written_for_us else "published, scoring only"
    with st.expander(f"**{instrument.name}** (`{instrument.id}`) — {badge}"):
        rs = instrument.response_scale
        st.markdown(
            f"**Used** {instrument.use.replace('-', '/')} · **items** {len(instrument.items)} · "
            f"**answers** {rs.min:g} to {rs.max:g} · **higher scores are** {instrument.higher_is}"
        )
        st.dataframe(
            [
                {
                    "scale": s.name,
                    "id": s.id,
                    "items": len(s.items),
                    "scored as": s.method,
                    "may skip": s.max_missing,
                }
                for s in instrument.scales
            ],
            hide_index=True,
        )
        if any(item.text for item in instrument.items):
            st.dataframe(
                [
                    {
                        "item": item.id,
                        "English": (item.text or {}).get("en", ""),
                        "Español": (item.text or {}).get("es", ""),
                        "reverse-keyed": "yes" if item.reverse else "",
                    }
                    for item in instrument.items
                ],
                hide_index=True,
            )
        st.caption(f"Source: {instrument.citation}  \nLicense: {instrument.license}")
