"""Keeping members' data private when it leaves: pseudonyms, notice, encrypted bundles.

De-identification, the 42 CFR Part 2 notice and encrypted transfer bundles.

Streamlit-free and SQL-free (DataFrames and bytes in and out); `commands/` and
`access.scope` wire these to `store/`. See docs/security.md.

- `privacy.deidentify`: keyed pseudonyms, date shifting or coarsening, small-cell suppression.
- `privacy.notice`: the 42 CFR Part 2 redisclosure notice and when it is required.
- `privacy.exports`: writing an export (csv/xlsx) with formulas neutralised and the notice.
- `privacy.bundle`: AES-GCM encrypted, authenticated offline transfer bundles.
- `privacy.safety`: text that a spreadsheet would run as a formula, neutralised (any layer).
- `privacy.suppression`: small-cell suppression of counts, before any sentence is worded.
"""
