"""Every file a signed-in user downloads from the app leaves an audit entry (issue 7)."""

from streamlit.testing.v1 import AppTest

from store import audit
from store.db import connect, dispose
from tests.access.signed_in import staff_session
from ui import state as keys


def _download_script():
    from ui import dashboard

    dashboard.record_download("mutuality-core10-all.xlsx")
    dashboard.record_download("change-members.csv", 14)


def test_downloads_are_recorded_as_exports_with_who_and_what(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'audit.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_function(_download_script)
    at.session_state[keys.STAFF_SESSION] = staff_session("evaluator", username="eva")
    at.run(timeout=60)
    assert not at.exception
    events = audit.load_audit(connect(url), action=audit.EXPORT)
    assert list(events["who"]) == ["eva", "eva"]
    details = sorted(events["detail"], key=lambda d: d["file"])
    assert details == [
        {"file": "change-members.csv", "page": "app", "rows": 14},
        {"file": "mutuality-core10-all.xlsx", "page": "app"},
    ]
    dispose(url)


#: Downloads that hold no stored data: an empty data-entry template.
NO_STORED_DATA = {"download_template"}


def _download_buttons():
    """Every st.download_button call in the app's pages and ui/, with its keyword arguments."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for path in sorted([*root.glob("app_pages/*.py"), *root.glob("ui/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "download_button"
            ):
                yield (
                    f"{path.parent.name}/{path.name}:{node.lineno}",
                    {k.arg: k.value for k in node.keywords},
                )


def test_every_download_button_of_stored_data_writes_an_audit_entry():
    """A download without an on_click callback (or with on_click="ignore") leaves no trace."""
    import ast

    found = list(_download_buttons())
    assert len(found) >= 6  # the scan sees the app's buttons
    unaudited = []
    for where, keywords in found:
        key = keywords.get("key")
        if isinstance(key, ast.Constant) and key.value in NO_STORED_DATA:
            continue
        on_click = keywords.get("on_click")
        if on_click is None or isinstance(on_click, ast.Constant):
            unaudited.append(where)
    assert not unaudited, f"downloads without an audit callback: {unaudited}"
