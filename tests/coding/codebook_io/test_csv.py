import pytest

from coding.codebook_io import CodebookFormatError, CodeNode, read_csv, write_csv

HEADER = "path,definition,inclusion,exclusion,example,colour,shortcut,memo,guid\r\n"


def sample_tree():
    return [
        CodeNode(
            "Actors",
            definition="Who the municipality works with.",
            colour="#1F77B4",
            children=[
                CodeNode(
                    "Academia",
                    definition="Universities, colleges, research institutes.",
                    inclusion="Named institutions.\nAlso labs.",
                    exclusion='Schools ("grunnskole").',
                    example="«samarbeid med NTNU», cooperation",
                    shortcut="a",
                    memo="Merged from 'University' and 'Research'.",
                    guid="0f8fad5b-d9cb-469f-a165-70867728950e",
                    children=[CodeNode("Universities")],
                ),
            ],
        ),
        CodeNode("Perceived value", children=[CodeNode("Quantitative / financial")]),
    ]


def test_csv_round_trip_keeps_the_tree():
    roots = sample_tree()
    text = write_csv(roots)
    result = read_csv(text)
    assert result.roots == roots
    assert result.clean
    assert write_csv(result.roots) == text


def test_csv_has_one_row_per_code_with_escaped_paths():
    lines = write_csv(sample_tree()).split("\r\n")
    assert lines[0] + "\r\n" == HEADER
    assert lines[1].startswith("Actors,Who the municipality works with.,")
    assert "Perceived value/Quantitative \\/ financial,,,,,,,," in lines


def test_parents_implied_by_paths_are_created_and_reported():
    text = "path,definition\nActors/Academia/Universities,Higher education\nActors,Who\n"
    result = read_csv(text)
    assert [str(p) for p in result.changed] == [
        "row 2: parent “Actors/Academia” has no row of its own; created empty"
    ]
    (actors,) = result.roots
    assert actors.definition == "Who"  # the later row fills the implied parent
    assert actors.children[0].children[0].definition == "Higher education"


def test_bad_rows_are_skipped_and_reported_with_row_numbers():
    text = (
        "Path,Definition,Colour,Notes\n"  # row 1: header, case-insensitive, unknown column
        "Actors,ok,#abc,\n"  # row 2
        "Actors//Academia,,,\n"  # row 3: empty segment
        ",orphan,,\n"  # row 4: no path
        "Actors,again,,\n"  # row 5: duplicate
        "Actors/Industry,,red,\n"  # row 6: bad colour, code taken without it
        "\n"  # blank line: ignored (still counts as a row)
        '"Actors/Society",x,,,extra\n'  # row 8: extra cell
        "Actors/,x,,\n"  # row 9: trailing slash
    )
    result = read_csv(text)
    assert [str(p) for p in result.not_taken] == [
        "row 1: unknown column “Notes” ignored",
        "row 3: path “Actors//Academia” has an empty segment (segment 2); row skipped",
        "row 4: path is empty; row skipped",
        "row 5: duplicate path “Actors” (first in row 2); row skipped",
        "row 6: colour “red” is not #RRGGBB; colour not taken",
        "row 8: 1 cell(s) beyond the header's columns ignored",
        "row 9: path “Actors/” has an empty segment (segment 2); row skipped",
    ]
    (actors,) = result.roots
    assert actors.definition == "ok"
    assert actors.colour == "#AABBCC"
    assert [c.name for c in actors.children] == ["Industry", "Society"]
    assert actors.children[0].colour == ""


def test_missing_path_column_is_an_error():
    with pytest.raises(CodebookFormatError) as error:
        read_csv("name,definition\nActors,x\n")
    assert (
        str(error.value.problems[0]) == "row 1: no “path” column (columns found: name, definition)"
    )


def test_empty_file_is_an_error():
    with pytest.raises(CodebookFormatError, match="empty"):
        read_csv("")


def test_semicolon_csv_from_a_norwegian_spreadsheet_with_bom_is_read():
    text = "\ufeffpath;definition;colour\r\nAktører/Akademia;Universiteter, høgskoler;#ff0000\r\n"
    result = read_csv(text)
    assert result.roots[0].children[0].definition == "Universiteter, høgskoler"
    assert result.roots[0].children[0].colour == "#FF0000"


def test_names_and_texts_are_normalised_on_import():
    text = 'path,definition\r\n" Actors / Academia ","line one\r\nline two  "\r\n'
    (actors,) = read_csv(text).roots
    assert actors.name == "Actors"
    assert actors.children[0].name == "Academia"
    assert actors.children[0].definition == "line one\nline two"


def test_too_long_names_and_bad_guids_are_reported():
    long = "x" * 201
    text = (
        f"path,guid\n{long},\nA,not-a-guid\n"
        "B,0f8fad5b-d9cb-469f-a165-70867728950e\n"
        "C,{0F8FAD5B-D9CB-469F-A165-70867728950E}\n"
    )
    result = read_csv(text)
    assert [str(p) for p in result.not_taken] == [
        "row 2: segment 1 of the path is longer than 200 characters; row skipped",
        "row 3: guid “not-a-guid” is not a GUID; not taken",
        "row 5: guid {0F8FAD5B-D9CB-469F-A165-70867728950E} already used by “B”; not taken",
    ]


def test_write_csv_refuses_an_invalid_tree():
    with pytest.raises(CodebookFormatError, match="not unique among its siblings"):
        write_csv([CodeNode("A"), CodeNode("A")])
