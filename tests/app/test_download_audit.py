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
