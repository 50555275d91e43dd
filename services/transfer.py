"""Offline transfer between installations: an encrypted bundle out, a verified bundle in.

`bundle export` and `bundle import` call these. A bundle holds programs, groups, members,
sessions, attendance and answers (store.transfer), sealed with a passphrase
(privacy.bundle), with the 42 CFR Part 2 notice when a substance-use program is in it.

Audited once each: a written bundle (BUNDLE_EXPORT, here), a stored one (BUNDLE_IMPORT, in
the same transaction as the data, store.transfer) and a refused one (BUNDLE_REFUSED, here:
a wrong passphrase, a damaged file, or conflicts with stored data).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from services.selection import engine_for
from store import audit


@dataclass(frozen=True)
class BundleWritten:
    """What `export_bundle` wrote: the file, rows per table, and the notice it carries."""

    path: Path
    counts: dict[str, int]
    notice: str | None


@dataclass(frozen=True)
class BundleImported:
    """What `import_bundle` did: rows added per table, or the conflicts that stopped it."""

    added: dict[str, int]
    conflicts: list[str] = field(default_factory=list)
    notice: str | None = None

    @property
    def committed(self) -> bool:
        """True when the bundle was stored (nothing is stored when it conflicts)."""
        return not self.conflicts

    @property
    def added_nothing(self) -> bool:
        """True when everything in the bundle was already stored."""
        return self.committed and not any(self.added.values())


def export_bundle(
    out: str | Path, url: str | None, *, by: str | None, passphrase: str
) -> BundleWritten:
    """Write the whole database, encrypted with `passphrase`, to `out` (audited)."""
    from privacy.bundle import write_bundle
    from privacy.notice import notice_for
    from store.roster import list_programs
    from store.transfer import dump_database

    engine = engine_for(url)
    tables = dump_database(engine)
    notice = notice_for(list_programs(engine), [p["name"] for p in tables["programs"]])
    payload = {
        "kind": "mutuality-transfer",
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "part2_notice": notice,
        "tables": tables,
    }
    path = write_bundle(out, payload, passphrase)
    counts = {table: len(rows) for table, rows in tables.items()}
    audit.record(engine, by, audit.BUNDLE_EXPORT, {"file": path.name, "rows": counts})
    return BundleWritten(path=path, counts=counts, notice=notice)


def import_bundle(
    bundle: str | Path,
    url: str | None,
    *,
    by: str | None,
    passphrase: str | None = None,
    passphrase_file: str | Path | None = None,
) -> BundleImported:
    """Verify and decrypt a bundle, then store it in one transaction (idempotent).

    The passphrase is given, or read from `passphrase_file`. Raises
    privacy.bundle.BundleError for a wrong passphrase, a missing passphrase file or a
    damaged bundle (audited BUNDLE_REFUSED). Conflicts with stored data store nothing and
    are returned (audited BUNDLE_REFUSED too).
    """
    from privacy.bundle import BundleError, read_bundle, read_passphrase
    from store.transfer import load_dump

    engine = engine_for(url)
    name = Path(bundle).name
    try:
        if passphrase is None:
            passphrase = read_passphrase(passphrase_file)
        opened = read_bundle(bundle, passphrase)
    except BundleError as error:
        audit.record(engine, by, audit.BUNDLE_REFUSED, {"file": name, "reason": str(error)})
        raise
    result = load_dump(engine, opened.payload.get("tables"), who=by, source=name)
    notice = opened.payload.get("part2_notice") or None
    if not result.committed:
        audit.record(
            engine,
            by,
            audit.BUNDLE_REFUSED,
            {"file": name, "reason": "conflicts", "conflicts": len(result.conflicts)},
        )
        return BundleImported(added={}, conflicts=list(result.conflicts), notice=notice)
    return BundleImported(added=dict(result.added), notice=notice)
