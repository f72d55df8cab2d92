"""Round trips on random codebooks: whatever a valid tree holds survives every format."""

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coding.codebook_io import (
    CodeNode,
    assign_guids,
    format_path,
    iter_codes,
    merge_plan,
    read_csv,
    read_json,
    read_qdc,
    split_path,
    validate_tree,
    write_csv,
    write_json,
    write_qdc,
)
from coding.codebook_io.model import MAX_NAME_LENGTH, clean_text

# Characters that stress the formats: path separator and escape, CSV delimiters and quotes,
# line breaks, the QDC section headings, XML specials, and non-ASCII text.
TRICKY = ["/", "\\", ",", ";", '"', "'", "\n", "\t", "<", "&", "]]>", "æøå", "e\u0301", "🙂"]
HEADINGS = ["Inclusion criteria:", "Exclusion criteria:", "Example:", "Memo:", "\\Example:"]
characters = st.one_of(
    st.sampled_from(TRICKY),
    st.characters(blacklist_categories=("Cs", "Cc")),
)
raw_text = st.lists(characters, max_size=25).map("".join)


def canonical(text: str) -> str:
    return clean_text(text)[0]


names = (
    st.lists(characters, min_size=1, max_size=20)
    .map(lambda chars: canonical("".join(chars))[:MAX_NAME_LENGTH].strip())
    .filter(bool)
)
lines = st.one_of(raw_text, st.sampled_from(HEADINGS))
# Mostly empty, as in real codebooks; generating eight rich texts per code is slow.
texts = st.one_of(
    st.just(""), st.just(""), st.lists(lines, max_size=3).map(lambda ls: canonical("\n".join(ls)))
)
colours = st.one_of(
    st.just(""),
    st.text("0123456789ABCDEF", min_size=6, max_size=6).map(lambda h: "#" + h),
)
guids = st.one_of(st.just(""), st.uuids().map(str))


def code(children: st.SearchStrategy) -> st.SearchStrategy:
    return st.builds(
        CodeNode,
        name=names,
        definition=texts,
        inclusion=texts,
        exclusion=texts,
        example=texts,
        colour=colours,
        shortcut=st.one_of(st.just(""), names),
        memo=texts,
        guid=guids,
        children=children,
    )


def siblings(nodes: st.SearchStrategy, min_size: int = 0) -> st.SearchStrategy:
    return st.lists(nodes, min_size=min_size, max_size=4, unique_by=lambda n: n.name)


def _unique_guids(roots: list[CodeNode]) -> list[CodeNode]:
    roots = copy.deepcopy(roots)
    seen = set()
    for _, node in iter_codes(roots):
        if node.guid in seen:
            node.guid = ""
        seen.add(node.guid)
    return roots


trees = st.recursive(
    siblings(code(st.just([])), min_size=1),
    lambda kids: siblings(code(kids), min_size=1),
    max_leaves=8,
).map(_unique_guids)

PROPERTY = settings(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(trees)
def test_csv_round_trip(roots):
    assert validate_tree(roots) == []  # the generator makes only valid codebooks
    result = read_csv(write_csv(roots))
    assert result.clean, result.report()
    assert result.roots == roots


@PROPERTY
@given(trees)
def test_json_round_trip(roots):
    result = read_json(write_json(roots))
    assert result.clean, result.report()
    assert result.roots == roots


@PROPERTY
@given(trees)
def test_qdc_round_trip(roots):
    expected = assign_guids(roots)
    for _, node in iter_codes(expected):
        node.shortcut = ""  # not part of QDC
    data = write_qdc(roots)  # validated against the schema inside
    result = read_qdc(data)
    assert result.clean, result.report()
    assert result.roots == expected
    assert write_qdc(result.roots) == data


@PROPERTY
@given(st.lists(names, min_size=1, max_size=5))
def test_path_escaping_round_trip(path):
    assert split_path(format_path(path)) == path


@PROPERTY
@given(trees, st.data())
def test_merge_plan_splits_incoming_paths_into_added_and_existing(roots, data):
    paths = [p for p, _ in iter_codes(roots)]
    existing = set(data.draw(st.lists(st.sampled_from(paths), max_size=len(paths))))
    plan = merge_plan(existing, roots)
    assert set(plan.existing) == existing
    assert set(plan.added) == set(paths) - existing
    assert len(plan.added) + len(plan.existing) == len(paths)
    # Parents come before their children, so the service can create in order.
    order = {p: i for i, p in enumerate(plan.added)}
    for path in plan.added:
        if len(path) > 1 and path[:-1] in order:
            assert order[path[:-1]] < order[path]
