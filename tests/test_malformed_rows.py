"""Every way a malformed CSV or XLSX row could load silently is a bad row named by file and row:
ragged rows, a delimiter inside an unquoted value, mixed delimiters, an unclosed quote, a total
row, a repeated header; a workbook that lies about its size is refused within bounded memory."""

from __future__ import annotations

import resource
import time
import zipfile

import pytest

from dashboard.ingest.extracts import load_extracts
from dashboard.ingest.plan import load_plan
from dashboard.ingest.readers import ReadError, read_table
from tests.conftest import TINY

HEADER = "date;implementer_id;cost_category;amount_eur;voucher_id;description\n"
GOOD = ["2020-09-30;a;salaries;100,00;V1;Pay\n", "2020-10-31;a;salaries;200,00;V2;Pay\n"]


@pytest.fixture(scope="module")
def plan():
    loaded, problems = load_plan(TINY / "plan")
    assert not problems
    return loaded


def loaded(tmp_path, plan, body: str, name: str = "spending.csv"):
    (tmp_path / name).write_text(body, encoding="utf-8")
    extracts = load_extracts(tmp_path, plan)
    problems = [(p.file.rsplit("/", 1)[-1], p.row, p.column, p.code) for p in extracts.problems]
    return extracts, problems


def amounts(extracts) -> list[float]:
    return extracts.tables["spending"]["amount_eur"].tolist()


def test_row_with_two_extra_fields_after_an_unquoted_comma_is_set_aside(tmp_path, plan):
    # The reported case: a ',' file whose amount has a decimal comma written without quotes.
    body = "date,implementer_id,cost_category,amount_eur\n2020-09-30,a,salaries,100\n2020-10-31,a,salaries,1,234,56\n"
    extracts, problems = loaded(tmp_path, plan, body)
    assert problems == [("spending.csv", 3, "-", "field_count")]
    assert amounts(extracts) == [100.0]  # never shifted into the wrong columns, never counted
    assert "4" in extracts.problems[0].message() and "6" in extracts.problems[0].message()
    assert extracts.files[0].rows_set_aside == 1


def test_row_with_too_few_fields_is_set_aside(tmp_path, plan):
    extracts, problems = loaded(tmp_path, plan, HEADER + GOOD[0] + "2020-10-31;a;salaries\n" + GOOD[1])
    assert problems == [("spending.csv", 3, "-", "field_count")]
    assert amounts(extracts) == [100.0, 200.0]


def test_row_in_another_delimiter_is_named_as_such(tmp_path, plan):
    extracts, problems = loaded(tmp_path, plan, HEADER + GOOD[0] + "2020-10-31,a,salaries,5,V9,Pay\n")
    assert problems == [("spending.csv", 3, "-", "other_delimiter")]
    assert "','" in extracts.problems[0].message() and amounts(extracts) == [100.0]


def test_unclosed_quote_that_swallows_the_rows_after_it(tmp_path, plan):
    # The quote opens in the last column, so the merged record still has the right field count.
    body = HEADER + GOOD[0] + '2020-10-15;a;salaries;50,00;V3;"Coffee\n' + GOOD[1] + "2020-11-30;a;salaries;300,00;V4;Pay\n"
    extracts, problems = loaded(tmp_path, plan, body)
    assert problems == [("spending.csv", 3, "-", "unclosed_quote")]
    assert amounts(extracts) == [100.0]


def test_unclosed_quote_in_a_middle_column(tmp_path, plan):
    body = HEADER + GOOD[0] + '2020-10-15;a;"salaries;50,00;V3;Pay\n' + GOOD[1]
    extracts, problems = loaded(tmp_path, plan, body)
    assert problems == [("spending.csv", 3, "-", "unclosed_quote")]
    assert amounts(extracts) == [100.0]


def test_quoted_line_break_in_a_description_is_a_value_not_a_fault(tmp_path, plan):
    body = HEADER + '2020-09-30;a;salaries;100,00;V1;"Pay,\nSeptember"\n' + GOOD[1]
    extracts, problems = loaded(tmp_path, plan, body)
    assert problems == [] and amounts(extracts) == [100.0, 200.0]


def test_total_row_is_not_a_record(tmp_path, plan):
    extracts, problems = loaded(tmp_path, plan, HEADER + GOOD[0] + GOOD[1] + ";Yhteensä;;300,00;;\n")
    assert problems == [("spending.csv", 4, "-", "total_row")]  # one problem, not one per empty cell
    assert amounts(extracts) == [100.0, 200.0]


def test_header_repeated_in_the_middle_after_two_sheets_were_pasted_together(tmp_path, plan):
    extracts, problems = loaded(tmp_path, plan, HEADER + GOOD[0] + HEADER.upper() + GOOD[1])
    assert problems == [("spending.csv", 3, "-", "repeated_header")]
    assert amounts(extracts) == [100.0, 200.0]


def test_row_numbers_stay_right_after_a_set_aside_row(tmp_path, plan):
    body = HEADER + GOOD[0] + "x;y\n" + "\n" + "2020-10-31;a;salaries;ten;V2;Pay\n"
    _, problems = loaded(tmp_path, plan, body)
    assert problems == [("spending.csv", 3, "-", "field_count"), ("spending.csv", 5, "amount_eur", "bad_number")]


def test_empty_and_header_only_files(tmp_path, plan):
    (tmp_path / "spending.csv").write_bytes(b"")
    (tmp_path / "person_days.csv").write_text("date,implementer_id,municipality,day_type,days\n")
    extracts = load_extracts(tmp_path, plan)
    assert [(p.file.rsplit("/", 1)[-1], p.code) for p in extracts.problems] == [("spending.csv", "unreadable")]
    assert extracts.tables["person_days"].empty and extracts.tables["spending"].empty


def test_xlsx_row_longer_than_its_header_is_set_aside(tmp_path, plan):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["date", "implementer_id", "cost_category", "amount_eur"])
    sheet.append(["2020-09-30", "a", "salaries", 100])
    sheet.append(["2020-10-31", "a", "salaries", 1, 234])
    book.save(tmp_path / "spending.xlsx")
    extracts = load_extracts(tmp_path, plan)
    assert [(p.row, p.code) for p in extracts.problems] == [(3, "field_count")]
    assert amounts(extracts) == [100.0]


SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<dimension ref="A1:XFD1048576"/><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>date</t></is></c><c r="B1" t="inlineStr"><is><t>implementer_id</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>cost_category</t></is></c><c r="D1" t="inlineStr"><is><t>amount_eur</t></is></c></row>'
    '<row r="2"><c r="A2" t="inlineStr"><is><t>2020-09-30</t></is></c><c r="B2" t="inlineStr"><is><t>a</t></is></c>'
    '<c r="C2" t="inlineStr"><is><t>salaries</t></is></c><c r="D2"><v>7</v></c></row>'
    "</sheetData></worksheet>"
)


def write_lying_workbook(path) -> None:
    """A valid two-row workbook whose sheet declares itself a million rows by 16 384 columns."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": SHEET,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)


def test_xlsx_whose_declared_size_is_false_reads_within_bounded_memory_and_time(tmp_path, plan):
    write_lying_workbook(tmp_path / "spending.xlsx")
    assert (tmp_path / "spending.xlsx").stat().st_size < 3000
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    extracts = load_extracts(tmp_path, plan)
    assert time.monotonic() - started < 20  # bounded: the declared size would take hours and ~137 GB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB
    assert amounts(extracts) == [7.0] and not extracts.problems


def test_xlsx_that_unpacks_to_too_much_is_refused(tmp_path, monkeypatch):
    from dashboard.ingest import readers

    write_lying_workbook(tmp_path / "spending.xlsx")
    monkeypatch.setattr(readers, "XLSX_MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(ReadError, match="unpacks to more than"):
        read_table(tmp_path / "spending.xlsx")


def test_a_repeated_header_whose_cell_reads_like_a_total_is_reported_once(tmp_path, plan):
    # "Summa" is both a Finnish header for amount_eur and a word of total rows.
    header = "Pvm;Toteuttaja;Kustannuslaji;Summa\n"
    extracts, problems = loaded(tmp_path, plan, header + "2020-09-30;a;palkat;100\n" + header + "2020-10-31;a;palkat;200\n")
    assert problems == [("spending.csv", 3, "-", "repeated_header")]
    assert amounts(extracts) == [100.0, 200.0]


def test_a_header_with_two_empty_names_is_reported_not_a_crash(tmp_path):
    """Found by the property test: two empty header cells made a column name the frame held twice."""
    from dashboard import contract
    from dashboard.ingest.readers import read_table
    from dashboard.ingest.validate import validate

    path = tmp_path / "spending.csv"
    path.write_bytes(b";ate;implementer_id;cost_category;\nmount_eur;description\r\n2.1.2020;a;salaries;12,50;x")
    checked = validate(read_table(path), contract.EXTRACTS["spending"], {}, str(path))
    assert checked.rejected and {p.code for p in checked.problems} >= {"missing_column"}
    assert len(checked.set_aside) >= 1 and checked.set_aside.columns.is_unique
