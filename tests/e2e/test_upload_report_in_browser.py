"""The Upload page's validation report in a real browser at 1366 px (issue 12, item 3).

The report used to be a grid whose "what to do" column was cut off after a few words. Now
every cell wraps: each "What to do" cell shows its whole text inside the window, and the
rows come sorted by spreadsheet row.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.e2e.member_steps import TIMEOUT, sign_in_and_open_run_session, wait_for_app

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LAPTOP_1366 = {"width": 1366, "height": 768}
ITEMS = [f"phq9_{i}" for i in range(1, 10)]


def problem_file(path) -> None:
    rows = [
        {"member": "M01", "timepoint": "pre", "notes": "ok"} | {i: 1 for i in ITEMS},
        {"member": "M02", "timepoint": "pre", "notes": ""} | {i: 1 for i in ITEMS} | {"phq9_9": 7},
        {"member": "M03", "timepoint": None, "notes": ""} | {i: 1 for i in ITEMS},
        {"member": "M04", "timepoint": "pre", "notes": ""} | {i: 1 for i in ITEMS} | {"phq9_1": 5},
    ]
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, index=False)
    path.write_text(buffer.getvalue())


#: For each cell of the report's "What to do" column: its text, and whether any of it is cut
#: off (wider than its cell, or beyond the right edge of the window).
CELLS = """() => {
  const table = document.querySelector("[data-testid='stTable'] table");
  const headers = [...table.querySelectorAll("thead th")].map(h => h.innerText.trim());
  const todo = headers.indexOf("What to do");
  const row = headers.indexOf("Row");
  return [...table.querySelectorAll("tbody tr")].map(tr => {
    const cells = tr.querySelectorAll("th, td");
    const cell = cells[todo];
    const box = cell.getBoundingClientRect();
    return {
      row: cells[row].innerText.trim(),
      text: cell.innerText.trim(),
      clipped: cell.scrollWidth > cell.clientWidth + 1 || box.right > window.innerWidth + 1,
    };
  });
}"""


def test_what_to_do_is_shown_whole_and_sorted(chromium, running_app, tmp_path, artifacts):
    page = chromium.new_page(viewport=LAPTOP_1366)
    sign_in_and_open_run_session(page, running_app.url)
    page.get_by_role("link", name="Upload").click()
    expect(page.get_by_role("heading", name="Upload answers")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    path = tmp_path / "answers.csv"
    problem_file(path)
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(str(path))
    table = page.locator("[data-testid='stTable']")
    expect(table).to_be_visible(timeout=60_000)
    expect(table.get_by_role("columnheader", name="What to do")).to_be_visible(timeout=TIMEOUT)
    wait_for_app(page)
    cells = page.evaluate(CELLS)
    table.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "upload-report-1366.png"))
    assert [c["row"] for c in cells] == ["1", "3", "4", "5"]
    assert not [c for c in cells if c["clipped"]], cells
    # The longest advice, word for word to its end (nothing cut off after a few words).
    unused = cells[0]["text"]
    assert unused.endswith("choose which in its selector under 2. Columns"), unused
    scale = cells[1]["text"]
    assert scale.endswith("if the member skipped the item"), scale
    page.close()
