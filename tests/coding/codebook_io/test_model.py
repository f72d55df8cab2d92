import re
from pathlib import Path

import pytest

from coding.codebook_io import (
    CodeNode,
    assign_guids,
    format_path,
    merge_plan,
    split_path,
    stable_guid,
    validate_name,
    validate_tree,
)
from tests.shared import shared_path


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("Actors", "Academia"), "Actors/Academia"),
        (("Quantitative / financial",), "Quantitative \\/ financial"),
        (("back\\slash", "end\\"), "back\\\\slash/end\\\\"),
        (("a/", "/b"), "a\\//\\/b"),
    ],
)
def test_paths_escape_slashes_and_backslashes_reversibly(path, text):
    assert format_path(path) == text
    assert tuple(split_path(text)) == path


def test_lone_backslash_is_kept_as_written():
    assert split_path("C:\\data/x") == ["C:\\data", "x"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "name is empty"),
        (" Actors", "name has surrounding whitespace"),
        ("x" * 201, "name is longer than 200 characters"),
        ("a\x00b", "name contains control characters"),
        ("x" * 200, None),
        ('Æøå / 🙂, "quoted"\nsecond line', None),
    ],
)
def test_validate_name(name, reason):
    found = validate_name(name)
    assert (str(found) if found else None) == reason


def test_validate_tree_finds_sibling_duplicates_bad_colours_and_guids():
    guid = "0f8fad5b-d9cb-469f-a165-70867728950e"
    roots = [
        CodeNode("A", colour="red", guid=guid, children=[CodeNode("x"), CodeNode("x")]),
        CodeNode("B", guid=guid.upper()),
        CodeNode("C", guid="nope"),
        CodeNode("x"),  # same name as a grandchild: fine
    ]
    assert [str(p) for p in validate_tree(roots)] == [
        "A: colour “red” is not #RRGGBB",
        "A/x: name is not unique among its siblings",
        f"B: guid {guid.upper()} is also used by A",
        "C: guid “nope” is not a GUID",
    ]


def test_assign_guids_is_stable_and_keeps_existing_guids():
    roots = [CodeNode("A", children=[CodeNode("B", guid="0f8fad5b-d9cb-469f-a165-70867728950e")])]
    first, second = assign_guids(roots), assign_guids(roots)
    assert first == second
    assert first[0].guid == stable_guid(("A",))
    assert first[0].children[0].guid == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert roots[0].guid == ""  # the input is not changed


def test_assign_guids_avoids_a_guid_already_taken_by_a_moved_code():
    taken = stable_guid(("A",))
    roots = [CodeNode("Moved", guid=taken), CodeNode("A")]
    assigned = assign_guids(roots)
    assert assigned[1].guid not in ("", taken)
    assert validate_tree(assigned) == []


def test_merge_plan_reports_added_and_existing_paths_parents_first():
    incoming = [
        CodeNode(
            "Actors",
            children=[CodeNode("Academia"), CodeNode("Industry", children=[CodeNode("Partners")])],
        ),
        CodeNode("Value"),
    ]
    plan = merge_plan({("Actors",), ("Actors", "Academia")}, incoming)
    assert plan.existing == [("Actors",), ("Actors", "Academia")]
    assert plan.added == [("Actors", "Industry"), ("Actors", "Industry", "Partners"), ("Value",)]
    assert plan.nodes[("Value",)] is incoming[1]


def test_merge_plan_into_empty_codebook_adds_everything():
    plan = merge_plan(set(), [CodeNode("A", children=[CodeNode("B")])])
    assert plan.added == [("A",), ("A", "B")]
    assert plan.existing == []


PACKAGE = Path(__file__).resolve().parents[3] / "coding" / "codebook_io"


def test_the_package_stays_free_of_django():
    sources = {p.name: p.read_text(encoding="utf-8") for p in PACKAGE.glob("*.py")}
    assert "qdc.py" in sources
    imports_django = re.compile(r"^\s*(from|import)\s+django", re.MULTILINE)
    assert [name for name, text in sources.items() if imports_django.search(text)] == []


def test_vendored_schemas_are_unmodified_copies_with_their_licence():
    for name in ("Codebook-mrt2019.xsd", "Project-mrt2019.xsd"):
        vendored = (PACKAGE / "schemas" / name).read_bytes()
        assert b"This specification is licensed under the MIT license." in vendored


def test_vendored_schemas_are_the_shared_materials_copies():
    for name in ("Codebook-mrt2019.xsd", "Project-mrt2019.xsd"):
        vendored = (PACKAGE / "schemas" / name).read_bytes()
        assert vendored == shared_path("refi-qda", name).read_bytes()
