"""Case import parsing: typed values and precise errors (no database)."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from cases import tabular
from cases.tabular import AttributeSpec, parse_cases, parse_value, read_table

ATTRIBUTES = [
    AttributeSpec("Population", "number"),
    AttributeSpec("County", "choice", ("Vestland", "Rogaland")),
    AttributeSpec("Adopted digitalization plan", "boolean"),
    AttributeSpec("Plan adopted on", "date"),
    AttributeSpec("Notes", "text"),
]
KINDS = {"municipality": "municipality", "region": "region", "region of municipalities": "region"}


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("number", "12 345", 12345.0),
        ("number", "1,5", 1.5),
        ("number", "", None),
        ("boolean", "Ja", True),
        ("boolean", "no", False),
        ("boolean", "", None),
        ("date", "2019-03-01", dt.date(2019, 3, 1)),
        ("date", "01.03.2019", dt.date(2019, 3, 1)),
        ("choice", "vestland", "Vestland"),
        ("text", " Bergen ", "Bergen"),
    ],
)
def test_parse_value_by_type(kind, raw, expected):
    assert parse_value(kind, raw, ("Vestland", "Rogaland")) == expected


@pytest.mark.parametrize(
    ("kind", "raw", "reason"),
    [
        ("number", "many", "“many” is not a number"),
        ("number", "nan", "“nan” is not a number"),
        ("boolean", "maybe", "“maybe” is not yes or no"),
        ("date", "March", "“March” is not a date (use YYYY-MM-DD)"),
        ("choice", "Oslo", "“Oslo” is not one of the choices (Vestland, Rogaland)"),
    ],
)
def test_parse_value_errors_say_why(kind, raw, reason):
    with pytest.raises(ValueError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        parse_value(kind, raw, ("Vestland", "Rogaland"))


def test_format_value_round_trips():
    assert tabular.format_value("number", 12345.0) == "12345"
    assert tabular.format_value("number", 1.5) == "1.5"
    assert tabular.format_value("boolean", False) == "no"
    assert tabular.format_value("date", dt.date(2019, 3, 1)) == "2019-03-01"


def test_good_rows_parse():
    rows = read_table(
        b"name;kind;Population;County;Part of\nAlpha;Municipality;12 000;vestland;Region\n"
        b"Region;region of municipalities;;;\n",
        "cases.csv",
    )
    records, problems = parse_cases(rows, ATTRIBUTES, KINDS)
    assert problems == []
    assert records[0].name == "Alpha" and records[0].kind == "municipality"
    assert records[0].attributes == {"Population": 12000.0, "County": "Vestland"}
    assert records[0].parent == "Region"
    assert records[1].kind == "region"


def test_every_problem_is_reported_with_row_and_column():
    rows = read_table(
        b"name,kind,Population,Adopted digitalization plan\n"
        b"Alpha,municipality,many,yes\n"
        b",planet,1,maybe\n"
        b"alpha,,2,no\n",
        "cases.csv",
    )
    _records, problems = parse_cases(rows, ATTRIBUTES, KINDS)
    assert [str(p) for p in problems] == [
        "Row 2, column Population: “many” is not a number",
        "Row 3, column kind: “planet” is not a kind (municipality, region)",
        "Row 3, column Adopted digitalization plan: “maybe” is not yes or no",
        "Row 3, column name: a case needs a name",
        "Row 4, column name: same name as row 2",
    ]


def test_unknown_or_repeated_columns_stop_the_import():
    rows = read_table(b"name,Inhabitants,name\nAlpha,3,Alpha\n", "cases.csv")
    records, problems = parse_cases(rows, ATTRIBUTES, KINDS)
    assert records == []
    assert [str(p) for p in problems] == [
        "Row 1, column Inhabitants: no case attribute has this name; define it first or remove it",
        "Row 1, column name: this column appears twice",
    ]


def test_missing_name_column():
    _records, problems = parse_cases([["pseudonym"], ["Alpha"]], ATTRIBUTES, KINDS)
    assert str(problems[0]) == "Row 1, column name: the header needs a “name” column"


def test_xlsx_is_read_with_types():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "Population", "Plan adopted on"])
    sheet.append(["Beta", 4200, dt.datetime(2020, 5, 17)])
    out = io.BytesIO()
    workbook.save(out)
    rows = read_table(out.getvalue(), "cases.xlsx")
    assert rows == [["name", "Population", "Plan adopted on"], ["Beta", "4200", "2020-05-17"]]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "c.csv", "The file is empty."),
        (b"\xff\xfe\x00", "c.csv", "not UTF-8"),
        (b"not a zip", "c.xlsx", "not a readable XLSX"),
    ],
)
def test_unreadable_files(data, name, message):
    with pytest.raises(tabular.TableError, match=message):
        read_table(data, name)
