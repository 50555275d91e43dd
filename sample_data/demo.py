"""Create the database and, on its first run, load the synthetic demo program.

``python -m sample_data.demo`` (run by ``make run``) migrates the database chosen by
``$DATABASE_URL`` (default ``data/mutuality.sqlite``). Into an empty database it loads the
demo program from ``sample_data/``: ``demo_roster.csv``, ``demo_sessions.csv``,
``demo_attendance.csv`` and ``demo_long.csv`` (all synthetic; member codes, no names). When
those files are missing the same program is generated in memory by
``sample_data.generator.generate_program``. Every demo member gets synthetic about-me
answers (`sample_data.context`), their check-ins the language they answer in, and members
answering in Spanish answer one check-in item a point higher (the planted language
difference the Context page's DIF table finds). Two groups' members rated their connection
with each other at four sessions (``demo_roundrobin.csv``, with synthetic display names). A
database that already holds data is left as it is, so running this again adds nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ingest.administrations import administrations_from_table
from sample_data.context import (
    DEMO_QUESTIONS,
    about_me_answers,
    answer_languages,
    plant_in_long,
    self_descriptions,
)
from sample_data.generator import generate_program
from sample_data.roundrobin import ROUND_ROBIN_FILE, display_names
from store.bulk_load import count_rows, load_program
from store.connections import load_demo_ratings
from store.db import connect
from store.descriptions import load_demo_descriptions
from store.engines import database_url

SAMPLE_DATA = Path(__file__).resolve().parent
DEMO_FILES = {
    "roster": "demo_roster.csv",
    "sessions": "demo_sessions.csv",
    "attendance": "demo_attendance.csv",
    "responses": "demo_long.csv",
}
#: Synthetic repair steps of the demo's disconnections (keys: group, member, session, kind).
DEMO_REPAIRS = "demo_repairs.csv"


def demo_tables(folder: Path = SAMPLE_DATA) -> tuple[dict[str, pd.DataFrame], str]:
    """The demo program's four tables, from the files in `folder` or generated; and the source."""
    paths = {name: folder / filename for name, filename in DEMO_FILES.items()}
    if all(path.exists() for path in paths.values()):
        tables = {
            name: pd.read_csv(path, dtype=str, keep_default_na=False).replace("", None)
            for name, path in paths.items()
        }
        return tables, str(folder.name)
    program = generate_program()
    tables = {
        "roster": program.roster,
        "sessions": program.sessions,
        "attendance": program.attendance,
        "responses": program.responses_long,
    }
    return tables, "sample_data.generator"


def load_demo(url: str | None = None, folder: Path = SAMPLE_DATA) -> dict[str, int] | None:
    """Migrate the database at `url` and load the demo program if the database is empty.

    Returns the rows added per table, or None when the database already held data.
    """
    engine = connect(url)
    if _has_data(engine):
        return None
    tables, source = demo_tables(folder)
    described = self_descriptions(tables["roster"])
    responses = plant_in_long(tables["responses"], described)
    batch = administrations_from_table(responses, source=source, entered_by="demo loader")
    added = load_program(
        engine,
        tables["roster"],
        tables["sessions"],
        tables["attendance"],
        batch,
        only_into_empty=True,
        source=source,
    )
    added["about-me answers"] = load_demo_descriptions(
        engine,
        about_me_answers(described),
        answer_languages(described),
        list(DEMO_QUESTIONS.values()),
    )
    round_robin = folder / f"{ROUND_ROBIN_FILE}.csv"
    if round_robin.exists():
        ratings = pd.read_csv(round_robin, dtype={"group": str, "perceiver": str, "target": str})
        added["round-robin ratings"] = load_demo_ratings(engine, ratings, display_names(ratings))
    repairs = folder / DEMO_REPAIRS
    if repairs.exists():
        added["repair steps"] = load_repair_steps(engine, repairs)
    return added


def load_repair_steps(engine, path: Path) -> int:
    """The demo's synthetic repair steps (what facilitators saw and tried); how many."""
    import datetime as dt

    from store.repairs import record_step
    from store.roster import list_groups

    steps = pd.read_csv(path, dtype=str, keep_default_na=False)
    ids = {row.name: int(row.id) for row in list_groups(engine).itertuples()}
    for row in steps.itertuples(index=False):
        record_step(
            engine,
            group_id=ids[row.group],
            member=row.member or None,
            session=int(row.session),
            kind=row.kind,
            step=row.step,
            actions=[a.strip() for a in row.actions.split(";") if a.strip()],
            note=row.note or None,
            who=row.who or None,
            at=dt.datetime.fromisoformat(row.at),
        )
    return len(steps)


def _has_data(engine) -> bool:
    counts = count_rows(engine)
    return bool(counts["programs"] or counts["administrations"])


def main(url: str | None = None, folder: Path = SAMPLE_DATA) -> int:
    """Run the loader and say what it did."""
    target = database_url(url)
    try:
        added = load_demo(url, folder)
    except (ValueError, OSError) as error:
        print(f"error: the demo program could not be loaded: {error}", file=sys.stderr)
        return 2
    shown = target.split("@")[-1]
    if added is None:
        print(f"Database ready ({shown}); it already holds data, so no demo program was added.")
    else:
        print(
            f"Database created ({shown}) with the synthetic demo program: "
            + ", ".join(f"{n} {table}" for table, n in added.items())
            + "."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
