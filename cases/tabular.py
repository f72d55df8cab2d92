"""Cases and attribute values to and from CSV/XLSX (pure: no Django).

Layout (one case per row): name, pseudonym, kind, description, part of, then one column per
attribute, headed by the attribute's name. Rows are numbered as a spreadsheet shows them
(the header is row 1), so a problem reads "Row 4, column population: …".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from coding.spreadsheets import openpyxl_text
from coding.wording import Notice, gettext_noop

TEXT, NUMBER, BOOLEAN, CHOICE, DATE = "text", "number", "boolean", "choice", "date"
FIXED_COLUMNS = ["name", "pseudonym", "kind", "description", "part of"]
YES = {"yes", "y", "true", "1", "x", "ja", "j"}
NO = {"no", "n", "false", "0", "nei", ""}
MAX_ROWS = 5000


class TableError(Exception):
    """The file as a whole cannot be read. `notice` says why (a message id with parameters,
    worded in the reader's language by the Django layer); `str()` is the English sentence."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.notice = Notice(msgid, params)
        super().__init__(str(self.notice))


class CellError(ValueError):
    """A cell's text is not a value of its attribute's type; `notice` says why."""

    def __init__(self, msgid: str, **params: Any) -> None:
        self.notice = Notice(msgid, params)
        super().__init__(str(self.notice))


@dataclass(frozen=True)
class AttributeSpec:
    name: str
    type: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One problem of an import: where (row, column) and what (a message id with parameters,
    or a sentence already worded). `notice` is the whole line; `str()` is it in English."""

    row: int
    column: str
    message: Notice | str

    @property
    def notice(self) -> Notice:
        what = self.message if isinstance(self.message, Notice) else Notice(self.message)
        if self.column:
            return Notice(
                gettext_noop("Row %(row)d, column %(column)s: %(problem)s"),
                {"row": self.row, "column": self.column, "problem": what},
            )
        return Notice(gettext_noop("Row %(row)d: %(problem)s"), {"row": self.row, "problem": what})

    def __str__(self) -> str:
        return str(self.notice)


def _problem(row: int, column: str, msgid: str, **params: Any) -> Problem:
    return Problem(row, column, Notice(msgid, params))


@dataclass
class CaseRecord:
    row: int
    name: str
    pseudonym: str = ""
    kind: str = ""
    description: str = ""
    parent: str = ""
    attributes: dict[str, Any] = field(default_factory=dict)


def parse_value(kind: str, raw: str, choices: Sequence[str] = ()) -> Any:
    """A typed value from a cell's text; raises CellError (a ValueError) with the reason.
    Blank → None."""
    text = raw.strip()
    if kind == BOOLEAN:
        lowered = text.casefold()
        if lowered in YES:
            return True
        if lowered in NO:
            return None if not lowered else False
        raise CellError(gettext_noop("“%(value)s” is not yes or no"), value=text)
    if not text:
        return None
    if kind == NUMBER:
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", text)
        if "," in cleaned and "." not in cleaned:
            cleaned = cleaned.replace(",", ".")  # Norwegian decimal comma
        try:
            value = float(cleaned)
        except ValueError:
            raise CellError(gettext_noop("“%(value)s” is not a number"), value=text) from None
        if value != value or value in (float("inf"), float("-inf")):
            raise CellError(gettext_noop("“%(value)s” is not a number"), value=text)
        return value
    if kind == DATE:
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise CellError(gettext_noop("“%(value)s” is not a date (use YYYY-MM-DD)"), value=text)
    if kind == CHOICE:
        for choice in choices:
            if choice.casefold() == text.casefold():
                return choice
        if not choices:
            raise CellError(
                gettext_noop("“%(value)s” is not one of the choices (none defined)"), value=text
            )
        raise CellError(
            gettext_noop("“%(value)s” is not one of the choices (%(allowed)s)"),
            value=text,
            allowed=", ".join(choices),
        )
    return text


def format_value(kind: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if kind == BOOLEAN:
        return "yes" if value else "no"
    if kind == NUMBER:
        number = float(value)
        return str(int(number)) if number.is_integer() else f"{number:g}"
    if kind == DATE:
        return value.isoformat()
    return str(value)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        # openpyxl leaves a workbook's _xHHHH_ escapes as they are (our own exports write
        # control characters so, and an escape-lookalike's underscore as _x005F_).
        from openpyxl.utils.escape import unescape

        return unescape(value)
    return str(value)


def read_table(data: bytes, filename: str) -> list[list[str]]:
    """The rows of a CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file."""
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:
            raise TableError(gettext_noop("This is not a readable XLSX workbook.")) from None
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TableError(
                gettext_noop("The CSV file is not UTF-8 text; save it as “CSV UTF-8”.")
            ) from None
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows = [row for row in rows if any(cell.strip() for cell in row)] if rows else []
    if not rows:
        raise TableError(gettext_noop("The file is empty."))
    if len(rows) > MAX_ROWS + 1:
        raise TableError(gettext_noop("The file has more than %(limit)d rows."), limit=MAX_ROWS)
    return rows


def parse_cases(
    rows: list[list[str]],
    attributes: Iterable[AttributeSpec],
    kinds: Mapping[str, str],
    column_names: Mapping[str, str] | None = None,
) -> tuple[list[CaseRecord], list[Problem]]:
    """Check every row; return the records and every problem found (not just the first).

    `kinds` maps each accepted spelling (value and label, case-folded) to the stored kind;
    `column_names` maps other names of the fixed columns (case-folded: a workbook exported in
    Norwegian says "navn") to theirs.
    """
    aliases = dict(column_names or {})
    header = [h.strip() for h in rows[0]]
    by_name = {a.name.casefold(): a for a in attributes}
    problems: list[Problem] = []
    columns: list[tuple[int, str, AttributeSpec | None]] = []
    seen: set[str] = set()
    for index, title in enumerate(header):
        key = title.casefold()
        if not key:
            continue
        if key not in FIXED_COLUMNS and key not in by_name:  # an attribute's name wins
            key = aliases.get(key, key)
        if key in seen:
            problems.append(_problem(1, title, gettext_noop("this column appears twice")))
            continue
        seen.add(key)
        if key in FIXED_COLUMNS:
            columns.append((index, key, None))
        elif key in by_name:
            columns.append((index, by_name[key].name, by_name[key]))
        else:
            problems.append(
                _problem(
                    1,
                    title,
                    gettext_noop("no case attribute has this name; define it first or remove it"),
                )
            )
    if "name" not in seen:
        problems.append(_problem(1, "name", gettext_noop("the header needs a “name” column")))
    if problems:
        return [], problems
    records: list[CaseRecord] = []
    names: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        record = CaseRecord(row=number, name="")
        for index, key, spec in columns:
            raw = row[index].strip() if index < len(row) else ""
            if spec is not None:
                try:
                    value = parse_value(spec.type, raw, spec.choices)
                except CellError as exc:
                    problems.append(Problem(number, spec.name, exc.notice))
                    continue
                if value is not None:
                    record.attributes[spec.name] = value
            elif key == "kind":
                if raw and raw.casefold() not in kinds:
                    allowed = ", ".join(sorted(set(kinds.values())))
                    problems.append(
                        _problem(
                            number,
                            "kind",
                            gettext_noop("“%(value)s” is not a kind (%(allowed)s)"),
                            value=raw,
                            allowed=allowed,
                        )
                    )
                record.kind = kinds.get(raw.casefold(), "")
            elif key == "part of":
                record.parent = raw
            else:
                setattr(record, key, raw)
        if not record.name:
            problems.append(_problem(number, "name", gettext_noop("a case needs a name")))
        elif record.name.casefold() in names:
            problems.append(
                _problem(
                    number,
                    "name",
                    gettext_noop("same name as row %(other)d"),
                    other=names[record.name.casefold()],
                )
            )
        else:
            names[record.name.casefold()] = number
        records.append(record)
    return records, problems


def write_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def write_xlsx(rows: Sequence[Sequence[Any]], *, title: str = "Cases") -> bytes:
    """The rows as a workbook: numbers, dates and yes/no as typed cells (`read_table` reads
    them back), text never as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    # Cell by cell at a known row: reading back `sheet[sheet.max_row]` after each append scans
    # the whole sheet (quadratic in the rows).
    for row_number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if isinstance(value, str):
                cell = sheet.cell(row=row_number, column=column, value=openpyxl_text(value))
                cell.data_type = TYPE_STRING
            else:
                sheet.cell(row=row_number, column=column, value=value)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
