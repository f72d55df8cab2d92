import json

import pytest

from coding.codebook_io import CodebookFormatError, CodeNode, read_json, write_json

from .test_csv import sample_tree


def test_json_round_trip_keeps_the_tree():
    roots = sample_tree()
    text = write_json(roots)
    result = read_json(text)
    assert result.roots == roots
    assert result.clean
    assert read_json(text.encode()).roots == roots


def test_json_is_nested_and_versioned():
    document = json.loads(write_json([CodeNode("A", children=[CodeNode("B")])]))
    assert document["format"] == "concord-codebook"
    assert document["version"] == 1
    assert document["codes"][0]["children"][0]["name"] == "B"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "line 1: not valid JSON"),
        ("[]", "not a Concord codebook"),
        ('{"format": "concord-codebook", "version": 2, "codes": []}', "unsupported version 2"),
        ('{"format": "concord-codebook", "version": true, "codes": []}', "unsupported version"),
        ('{"format": "concord-codebook", "version": 1, "codes": {}}', '"codes" must be a list'),
    ],
)
def test_unreadable_json_is_an_error(text, message):
    with pytest.raises(CodebookFormatError, match=message):
        read_json(text)


def test_json_problems_are_reported_by_location():
    document = {
        "format": "concord-codebook",
        "version": 1,
        "extra": True,
        "codes": [
            {"name": "A", "colour": "blue", "children": [{"name": "  "}, {"name": "B"}]},
            {"name": "A", "definition": 3, "shape": "round"},
            "not a code",
            {"children": [{"name": "lost"}]},
        ],
    }
    result = read_json(json.dumps(document))
    assert [str(p) for p in result.not_taken] == [
        "(top level): unknown field “extra” ignored",
        "codes[0]: colour “blue” of “A” is not #RRGGBB; colour not taken",
        "codes[0].children[0]: code name is empty; skipped",
        "codes[1]: unknown field “shape” of “A (2)” ignored",
        "codes[1]: definition of “A (2)” is not a string; not taken",
        "codes[2]: not a code object; skipped",
        "codes[3]: code has no name; skipped with its 1 sub-code(s)",
    ]
    assert [str(p) for p in result.changed] == [
        "codes[1]: a sibling is already named “A”; renamed to “A (2)”"
    ]
    assert [r.name for r in result.roots] == ["A", "A (2)"]
    assert [c.name for c in result.roots[0].children] == ["B"]


def test_json_deeper_than_the_limit_is_cut_and_reported():
    code: dict = {"name": "leaf"}
    for level in range(60):
        code = {"name": f"level {level}", "children": [code]}
    document = {"format": "concord-codebook", "version": 1, "codes": [code]}
    result = read_json(json.dumps(document))
    assert len(result.not_taken) == 1
    assert "deeper than 50 levels; skipped with its 10 sub-code(s)" in str(result.not_taken[0])
