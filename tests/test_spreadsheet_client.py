"""The downloads as a Finnish office opens them: LibreOffice Calc (Debian's libreoffice-calc-nogui,
headless) imports each CSV with `;`, UTF-8 and the Finnish locale, formulas evaluated as Excel does
by default, and saves it as XLSX, which openpyxl reads back. Numbers must arrive as numbers (decimal
comma), the marks "<5" and ".." and the legend under a table as text, and no plan name as a formula."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

import dashboard.pages  # noqa: F401 - registers the downloads
from dashboard import state
from dashboard.exports import EXPORTS, download_for
from dashboard.url_state import ViewFilters
from tests.conftest import formula_named_world

SOFFICE = shutil.which("soffice")
# Skipped on a machine without LibreOffice, never in CI (.ci/run installs it; CI=true there).
pytestmark = pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed")
# Separator ;, text in ", UTF-8, from line 1, no column types, Finnish (1035), quoted as text, formulas evaluated.
FINNISH_CSV = "CSV:59,34,76,1,,1035,false,true"


def opened_in_calc(text: str, folder: Path, name: str) -> list[list[tuple[object, str]]]:
    source = folder / f"{name}.csv"
    source.write_bytes(text.encode("utf-8"))
    done = subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{folder}/profile", f"--infilter={FINNISH_CSV}",
         "--convert-to", "xlsx", "--outdir", str(folder), str(source)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (folder / f"{name}.xlsx").exists(), done.stdout + done.stderr
    sheet = openpyxl.load_workbook(folder / f"{name}.xlsx").active
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    return formula_named_world(tmp_path_factory.mktemp("hostile"))


def test_every_download_opens_with_no_formula_and_numbers_as_numbers(hostile, tmp_path, monkeypatch):
    monkeypatch.setattr(state, "current", lambda: hostile)
    seen_marks, numbers = set(), 0
    for name in sorted(EXPORTS):
        text = download_for(EXPORTS[name], ViewFilters())["content"]
        cells = [cell for row in opened_in_calc(text, tmp_path, name) for cell in row if cell[0] is not None]
        assert not [c for c in cells if c[1] == "f"], name  # nothing runs
        assert not [c for c in cells if isinstance(c[0], str) and c[0].startswith(("=", "+", "@"))], name
        seen_marks |= {c[0] for c in cells if c[0] in ("<5", "..")}
        numbers += sum(c[1] == "n" for c in cells)
        if "\r\n\r\n<5 = " in text:  # the legend under the table arrives as text
            assert any(isinstance(c[0], str) and c[0].startswith("<5 = 1–4 henkilöä") for c in cells), name
    assert "<5" in seen_marks and numbers > 50


def test_finnish_amounts_arrive_as_the_numbers_they_are(tiny, tmp_path, monkeypatch):
    """Tiny world by hand: other costs 25,50 €, net 885,50 €, revenue −20 € (a minus, not a formula)."""
    monkeypatch.setattr(state, "current", lambda: tiny)
    text = download_for(EXPORTS["finance-categories"], ViewFilters())["content"]
    assert "Muut kustannukset;100;25,5;25,5" in text  # written with a decimal comma …
    rows = {row[0][0]: [value for value, _ in row[1:4]] for row in opened_in_calc(text, tmp_path, "categories")}
    assert rows["Muut kustannukset"] == [100, 25.5, 25.5]  # … and read as numbers
    assert rows["Nettokustannukset"] == [3800, 885.5, 23.3]
    assert rows["Tulot"] == [-100, -20, 20]
