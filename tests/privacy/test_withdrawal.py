"""Withdrawal deletes a member's data everywhere and leaves an audit entry without data."""

import pytest
import sqlalchemy as sa

from store import audit
from store.bulk_load import count_rows
from store.db import StoreError
from store.responses import load_responses
from store.roster import list_members
from store.withdrawal import withdraw_member
from tests.access.seed import seed


def _rows_mentioning(engine, member_id):
    with engine.connect() as connection:
        return {
            "administrations": connection.execute(
                sa.text("SELECT count(*) FROM administrations WHERE member_id = :m"),
                {"m": member_id},
            ).scalar_one(),
            "attendance": connection.execute(
                sa.text("SELECT count(*) FROM attendance WHERE member_id = :m"), {"m": member_id}
            ).scalar_one(),
        }


def test_withdrawal_deletes_everything_of_that_member_only(engine):
    seed(engine)
    member_id = int(list_members(engine).set_index("code").loc["R01", "id"])
    before = count_rows(engine)
    result = withdraw_member(engine, "R01", who="admin")
    assert (result.administrations, result.answers, result.attendance) == (2, 6, 2)
    assert "R01" not in list_members(engine)["code"].tolist()
    assert "R01" not in load_responses(engine)["member"].tolist()
    assert _rows_mentioning(engine, member_id) == {"administrations": 0, "attendance": 0}
    after = count_rows(engine)
    assert before["members"] - after["members"] == 1
    assert before["item_responses"] - after["item_responses"] == 6
    # The other members of the group keep their data.
    assert {"R02", "R03"} <= set(load_responses(engine)["member"])


def test_the_audit_entry_holds_no_data_about_the_person(engine):
    seed(engine)
    withdraw_member(engine, "R01", who="admin")
    event = audit.load_audit(engine, action=audit.WITHDRAWAL).iloc[0]
    assert event["who"] == "admin"
    assert event["detail"]["summary"] == (
        "a member was withdrawn from group R-1 of program Recovery; 2 administration(s), "
        "6 answer(s) and 2 attendance mark(s) deleted"
    )
    text = str(event["detail"])
    assert "R01" not in text and "2025" not in text


def test_an_unknown_code_deletes_nothing(engine):
    seed(engine)
    before = count_rows(engine)
    with pytest.raises(StoreError, match="there is no member 'R99'"):
        withdraw_member(engine, "R99", who="admin")
    assert count_rows(engine) == before
    assert audit.load_audit(engine, action=audit.WITHDRAWAL).empty


def _text_cells(engine) -> dict[str, list[str]]:
    """Every text-like value of every table (json details included), as 'table.column: value'."""
    found: dict[str, list[str]] = {}
    inspector = sa.inspect(engine)
    with engine.connect() as connection:
        for table in inspector.get_table_names():
            columns = [c["name"] for c in inspector.get_columns(table)]
            quoted = ", ".join(f'"{c}"' for c in columns)
            for row in connection.execute(sa.text(f'SELECT {quoted} FROM "{table}"')):
                for column, value in zip(columns, row, strict=True):
                    if value is not None and not isinstance(value, int | float):
                        found.setdefault(f"{table}.{column}", []).append(str(value))
    return found


def test_a_withdrawn_member_with_a_replaced_administration_leaves_no_trace(engine):
    """The store's 'replace administration' event used to keep the code and the answers."""
    import datetime as dt

    from store.administrations import save_administration
    from tests.access.seed import checkin

    seed(engine)
    replaced = save_administration(
        engine,
        checkin("R01", "R-1", "Recovery", "pre", dt.date(2025, 3, 4), (4, 4, 4), 1),
        replace=True,
    )
    assert replaced.status == "replaced"
    event = audit.load_audit(engine, action=audit.REPLACE_ADMINISTRATION).iloc[0]
    assert set(event["detail"]) == {"administration_id", "instrument", "changed_items"}

    withdraw_member(engine, "R01", who="admin")

    mentions = {
        where: values
        for where, values in _text_cells(engine).items()
        if any("R01" in value for value in values)
    }
    assert mentions == {}
    # The scan does read the audit trail and the other members' codes.
    cells = _text_cells(engine)
    assert any("withdraw" in value for value in cells["audit_events.action"])
    assert "R02" in cells["members.code"]
