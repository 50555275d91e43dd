"""Fixtures of the page tests: the bytes of every download button a page offers.

AppTest keeps a download's data in its mock media storage; `downloads` records it there.
"""

from __future__ import annotations

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """File name -> the bytes its download button would give, for every button shown."""
    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return offered
