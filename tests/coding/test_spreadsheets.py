"""Many rows at once (coding.spreadsheets.with_rows, the agreement run's disagreements sheet):
the workbook must hold, part for part, what XlsxWriter's own cell-by-cell writes make,
whatever mix of plain and special values the batches hold; and one row at a time
(coding.spreadsheets.write_row) the same for numbers that are no integers."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from coding import spreadsheets
from tests.coding.excerpts.test_export_xlsx import TRICKY

#: What XlsxWriter would write as a rich string (<r>…</r>) rather than as the text it is.
RICH = "<r>looks like a rich string</r>"


def _workbook(*writers) -> io.BytesIO:
    """A workbook with a sheet written by each of `writers` (None: left empty)."""
    output = io.BytesIO()
    workbook = spreadsheets.workbook(output)
    for number, write in enumerate(writers, start=1):
        sheet = workbook.add_worksheet(f"Sheet {number}")
        if write is not None:
            write(sheet)
    workbook.close()
    return output


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # docProps/core.xml holds the time of writing.
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def _cell_by_cell(rows: list[list]):
    def write(sheet):
        for row_number, row in enumerate(rows):
            for column_number, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(row_number, column_number, value)
                elif value is not None:
                    sheet.write_number(row_number, column_number, value)

    return write


def _rows(count: int, special: dict[int, list] | None = None) -> list[list]:
    rows: list[list] = [["code", "document", "page", "start", "end", "context"]]
    for n in range(1, count):
        page = None if n % 5 == 0 else n % 7
        rows.append([f"Kode {n % 13}", "Intervju 1 & <2>", page, n, n + 40, f" tekst {n}\n"])
    for n, row in (special or {}).items():
        rows[n] = row
    return rows


def _filled(rows: list[list], sheet: int = 1, others: int = 0) -> bytes:
    writers = [None] * max(sheet, others)
    return spreadsheets.with_rows(_workbook(*writers), sheet=sheet, rows=iter(rows))


def test_many_plain_rows_are_written_as_xlsxwriter_writes_them():
    rows = _rows(3 * spreadsheets.BATCH + 17)
    written = _filled(rows)
    assert _parts(written) == _parts(_workbook(_cell_by_cell(rows)).getvalue())
    # A file like XlsxWriter's others in the archive, compressed.
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
        other = archive.getinfo("xl/workbook.xml")
        assert sheet.compress_type == zipfile.ZIP_DEFLATED
        assert sheet.external_attr == other.external_attr
        assert archive.testzip() is None


def test_batches_with_special_values_are_written_as_xlsxwriter_writes_them():
    # Each tricky text in a batch of its own (some make the batch XlsxWriter's treatment of
    # its strings), and rows that are empty, start with an empty cell, are shorter or longer,
    # hold a float or a bool.
    special = {1 + n * 97: ["x", text, n] for n, text in enumerate(TRICKY)}
    special[2] = [None, None, None]
    special[3] = [None, "starts in B", 1]
    special[4] = ["short"]
    special[5] = ["long", *range(20)]
    special[6] = ["float", 1.5, -0.1, 1e300]
    special[7] = ["bool", True, False]
    special[spreadsheets.BATCH] = []
    special[spreadsheets.BATCH + 1] = [None]
    rows = _rows(len(TRICKY) * 97 + 50, special)
    assert _parts(_filled(rows)) == _parts(_workbook(_cell_by_cell(rows)).getvalue())


def test_a_sheet_among_others_keeps_them_as_xlsxwriter_wrote_them():
    before, after = _rows(3), [["methods"]]
    rows = _rows(spreadsheets.BATCH + 3)
    book = _workbook(_cell_by_cell(before), None, _cell_by_cell(after))
    written = spreadsheets.with_rows(book, sheet=2, rows=rows)
    expected = _workbook(_cell_by_cell(before), _cell_by_cell(rows), _cell_by_cell(after))
    assert _parts(written) == _parts(expected.getvalue())


@pytest.mark.parametrize("rows", [[], [[]], [[None, None]], [[], [None]]])
def test_rows_without_cells_leave_the_sheet_as_xlsxwriter_writes_it(rows):
    assert _parts(_filled(rows)) == _parts(_workbook(None).getvalue())


def test_a_single_cell_not_in_a1():
    rows = [[], [None, None, "C2"]]
    assert _parts(_filled(rows)) == _parts(_workbook(_cell_by_cell(rows)).getvalue())


def test_text_that_looks_like_a_rich_string_is_written_as_text():
    rows = [["a", RICH], ["b", f"{RICH} & more"]]
    sheet = load_workbook(io.BytesIO(_filled(rows))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == rows


def test_the_disagreements_open_in_a_spreadsheet_program():
    rows = _rows(spreadsheets.BATCH * 2, {7: ["x", " æøå 😀 & <b>\n", 3, None, 4, "y"]})
    sheet = load_workbook(io.BytesIO(_filled(rows))).active
    assert sheet.max_row == len(rows)
    assert [cell.value for cell in sheet[2]] == rows[1]
    assert [cell.value for cell in sheet[8]] == rows[7]


def test_a_cell_that_no_spreadsheet_takes_is_refused():
    with pytest.raises(TypeError):
        _filled([["a", float("nan")]])
    with pytest.raises(TypeError):
        _filled([["a", {"not": "a cell"}]])


def test_one_row_with_floats_and_bools_is_written_as_xlsxwriter_writes_it():
    rows = [["float", 1.5, -0.1, 1e300, 2**60 + 0.5], ["bool", True, False, None, 7]]

    def one_by_one(sheet):
        for row_number, row in enumerate(rows):
            spreadsheets.write_row(sheet, row_number, row)

    written = _workbook(one_by_one).getvalue()
    assert _parts(written) == _parts(_workbook(_cell_by_cell(rows)).getvalue())


def test_a_sheet_that_already_has_cells_is_refused():
    # What XlsxWriter writes for an empty sheet is what the rows go into: a sheet with cells
    # (or an XlsxWriter that writes empty sheets otherwise) is an error, never a broken file.
    book = _workbook(_cell_by_cell([["a"]]))
    with pytest.raises(ValueError, match="sheet1.xml"):
        spreadsheets.with_rows(book, sheet=1, rows=[["b"]])


def test_rows_with_formats_write_text_that_looks_like_a_rich_string_as_text():
    # The agreement table's rows (code names, number formats) go through XlsxWriter cell by
    # cell: a code named like a rich string's XML gave a file no program opened.
    rows = [["code", "units"], [RICH, 3], [f"{RICH} & more", 4]]

    output = io.BytesIO()
    book = spreadsheets.workbook(output)
    sheet = book.add_worksheet()
    formats = [None, book.add_format({"num_format": "0"})]
    for row_number, row in enumerate(rows):
        spreadsheets.write_row(sheet, row_number, row, formats if row_number else None)
    book.close()
    read = load_workbook(output).active
    assert [[cell.value for cell in row] for row in read.iter_rows()] == rows


def test_a_text_sheet_refuses_rich_strings():
    book = spreadsheets.workbook(io.BytesIO())
    with pytest.raises(TypeError):
        book.add_worksheet().write_rich_string(0, 0, "a", "b", "c")
    book.close()
