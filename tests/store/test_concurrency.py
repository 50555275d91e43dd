"""Many writers at once, and a writer killed mid-transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from store import Administration, save_administration
from store.administrations import save_administrations
from store.bulk_load import count_rows
from store.schema import administrations, item_responses, members

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 16
PER_WRITER = 500
SHARED = 100  # administrations every writer saves (in its own order)
ITEMS = ["q1", "q2", "q3"]
ONE_AT_A_TIME = 100  # saved one per transaction; the rest in batches of BATCH
BATCH = 50


def administration(
    member: str, timepoint: str, group: str, seed: int, program: str
) -> Administration:
    return Administration(
        member=member,
        instrument="mutuality-checkin",
        instrument_version="1",
        timepoint=timepoint,
        answers={item: (seed + i) % 5 + 1 for i, item in enumerate(ITEMS)},
        group=group,
        program=program,
    )


def writer_plan(writer: int) -> list[Administration]:
    """400 administrations of the writer's own, and the 100 shared ones, interleaved."""
    own = [
        administration(
            f"W{writer:02d}-{k // 2:03d}", f"t{k % 2}", f"G{writer % 4}", k, f"P{writer % 2}"
        )
        for k in range(PER_WRITER - SHARED)
    ]
    # Shared members are spread over the same groups as everyone's, so group and program
    # creation also race.
    shared = [
        administration(f"S-{k:03d}", "pre", f"G{k % 4}", k, f"P{k % 2}") for k in range(SHARED)
    ]
    if writer % 2:
        shared.reverse()
    plan = []
    for k, item in enumerate(own):
        plan.append(item)
        if k % 4 == 3:
            plan.append(shared[k // 4])
    return plan


@pytest.mark.slow
def test_16_concurrent_writers_store_every_administration_exactly_once(engine):
    plans = [writer_plan(w) for w in range(WRITERS)]
    assert all(len(p) == PER_WRITER for p in plans)
    statuses: list[Counter] = [Counter() for _ in range(WRITERS)]
    errors: list[BaseException] = []
    go = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        try:
            go.wait()
            plan = plans[writer]
            # One at a time (the member form) first, then files of 50 (an upload).
            for item in plan[:ONE_AT_A_TIME]:
                statuses[writer][save_administration(engine, item).status] += 1
            for start in range(ONE_AT_A_TIME, len(plan), BATCH):
                result = save_administrations(engine, plan[start : start + BATCH])
                assert result.committed
                statuses[writer].update(r.status for r in result.results)
        except BaseException as error:  # reported below, with the writer's number
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    total = sum(statuses, Counter())
    distinct = WRITERS * (PER_WRITER - SHARED) + SHARED
    # Each distinct administration stored once; every other save of a shared one unchanged.
    assert total == {"stored": distinct, "unchanged": WRITERS * SHARED - SHARED}
    counts = count_rows(engine)
    assert counts["administrations"] == distinct
    assert counts["item_responses"] == distinct * len(ITEMS)
    assert counts["groups"] == 4  # G0 and G2 in P0, G1 and G3 in P1
    with engine.connect() as connection:
        incomplete = connection.execute(
            sa.select(administrations.c.id)
            .outerjoin(item_responses)
            .group_by(administrations.c.id)
            .having(sa.func.count(item_responses.c.item) != len(ITEMS))
        ).all()
        codes = connection.execute(sa.select(sa.func.count(members.c.id))).scalar_one()
    assert incomplete == []
    assert codes == WRITERS * (PER_WRITER - SHARED) // 2 + SHARED


# A writer process that stops inside its transaction, after the administrations and their
# items are written but before COMMIT, and waits there to be killed.
KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from store import Administration, connect
    from store import administrations

    engine = connect({url!r})
    original = administrations._insert_items
    calls = []

    def insert_then_hang(connection, rows):
        original(connection, rows)
        calls.append(len(rows))
        if len(calls) == 1:
            print("inside the transaction", flush=True)
            time.sleep(120)

    administrations._insert_items = insert_then_hang
    batch = [
        Administration(f"K-{{i}}", "mutuality-checkin", "1", "pre", {{"q1": 1, "q2": 2}},
                       group="G1", program="P1")
        for i in range({size})
    ]
    if len(batch) == 1:
        administrations.save_administration(engine, batch[0])
    else:
        administrations.save_administrations(engine, batch)
    print("committed - should never happen", flush=True)
    """
)


@pytest.mark.parametrize("size", [1, 5], ids=["one", "file-of-five"])
def test_writer_killed_mid_transaction_leaves_nothing(engine, database_url, size):
    script = KILLED_WRITER.format(root=str(ROOT), url=database_url, size=size)
    writer = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = writer.stdout.readline()
        assert line.strip() == "inside the transaction", writer.stderr.read()
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == -signal.SIGKILL
    counts = count_rows(engine)
    assert counts["administrations"] == 0
    assert counts["item_responses"] == 0
    assert counts["members"] == 0 and counts["groups"] == 0
    # The database is usable at once: the same administrations can now be saved in full.
    again = [
        Administration(
            f"K-{i}", "mutuality-checkin", "1", "pre", {"q1": 1, "q2": 2}, group="G1", program="P1"
        )
        for i in range(size)
    ]
    result = save_administrations(engine, again)
    assert result.committed and len(result.stored) == size
    assert count_rows(engine)["item_responses"] == 2 * size


PROCESSES = 3
PROCESS_WRITER = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {root!r})
    from collections import Counter
    from store import Administration, connect, save_administration

    engine = connect({url!r})
    writer = int(sys.argv[1])
    own = [(f"X{{writer}}-{{k:03d}}", k) for k in range(60)]
    shared = [(f"SHARED-{{k:03d}}", k) for k in range(30)]
    plan = own[:20] + (shared if writer % 2 else shared[::-1]) + own[20:]
    statuses = Counter()
    for member, k in plan:
        answers = {{"q1": k % 5 + 1, "q2": (k + 1) % 5 + 1}}
        administration = Administration(member, "mutuality-checkin", "1", "pre", answers,
                                        group=f"G{{k % 3}}")
        statuses[save_administration(engine, administration).status] += 1
    print(json.dumps(statuses), flush=True)
    """
)


@pytest.mark.slow
def test_writer_processes_store_every_administration_exactly_once(engine, database_url):
    """Separate processes (separate SQLite locks, separate PostgreSQL sessions) at once."""
    script = PROCESS_WRITER.format(root=str(ROOT), url=database_url)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(w)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(PROCESSES)
    ]
    total = Counter()
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err[-2000:]
        total.update(json.loads(out))
    distinct = PROCESSES * 60 + 30
    assert total == {"stored": distinct, "unchanged": (PROCESSES - 1) * 30}
    counts = count_rows(engine)
    assert counts["administrations"] == distinct
    assert counts["item_responses"] == 2 * distinct
