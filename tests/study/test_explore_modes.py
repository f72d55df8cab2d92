"""Co-occurrence by natural unit, whose codings count, the heat map, and the document × code
matrix's coverage, sorting and XLSX, against counts worked out by hand."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coding.models import DocumentKind
from study.explore.counting import cooccurrence, document_code_coverage
from tests.conftest import client_for
from tests.factories import CodeFactory, DocumentFactory, ExcerptFactory
from tests.shared import CHECKOUT

pytestmark = pytest.mark.django_db

# Sentences (0,6) (7,13) (15,21) (22,28); paragraphs (0,13) (15,28); turns (0,21) (22,28).
TALK = "Aa bb. Cc dd.\n\nEe ff. Gg hh."


def url(name, project):
    return reverse(f"study:{name}", kwargs={"project": project.code})


def rows_of(response):
    assert response.status_code == 200, response.content
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def talk(project, lead, coder, coder2):
    project.blind_coding = False
    project.save()
    a, b, c = (CodeFactory(project=project, name=name) for name in ("A", "B", "C"))
    doc = DocumentFactory(
        project=project,
        title="Talk",
        text=TALK,
        paragraphs=[[0, 13], [15, 28]],
        turns=[
            {"start": 0, "end": 21, "speaker": "Ann", "timestamp": None},
            {"start": 22, "end": 28, "speaker": "Bo", "timestamp": None},
        ],
    )
    other = DocumentFactory(project=project, title="Other", kind=DocumentKind.REPORT)
    e = {
        1: ExcerptFactory(document=doc, coder=coder, start=0, end=6, codes=[a]),
        2: ExcerptFactory(document=doc, coder=coder, start=7, end=13, codes=[b]),
        3: ExcerptFactory(document=doc, coder=coder, start=15, end=21, codes=[c]),
        4: ExcerptFactory(document=doc, coder=coder, start=22, end=28, codes=[a]),
        5: ExcerptFactory(document=doc, coder=None, start=3, end=9, codes=[c]),  # consensus
        6: ExcerptFactory(document=doc, coder=coder2, start=0, end=4, codes=[a]),
        7: ExcerptFactory(document=other, coder=coder, start=0, end=8, codes=[a, b]),
    }
    return {"codes": (a, b, c), "docs": (doc, other), "excerpts": e}


def pairs(client, project, **params):
    """The co-occurrence CSV as {(row, column): count} for the non-zero cells above the
    diagonal."""
    rows = rows_of(client.get(url("cooccurrence", project), {"format": "csv", **params}))
    header = rows[0][1:]
    return {
        (row[0], header[i]): int(n)
        for row in rows[1:]
        for i, n in enumerate(row[1:])
        if int(n) and row[0] < header[i]
    }


def test_natural_units_counted_by_hand(project, viewer, talk):
    client = client_for(viewer)
    # Sentence 1 holds A (e1, e6) and C (e5); sentence 2 B (e2) and C (e5); Other's first
    # sentence A and B (e7).
    assert pairs(client, project, by="sentence") == {("A", "C"): 1, ("B", "C"): 1, ("A", "B"): 1}
    # Paragraph 1: A, B, C; paragraph 2: C, A; Other's first paragraph: A, B.
    assert pairs(client, project, by="paragraph") == {("A", "B"): 2, ("A", "C"): 2, ("B", "C"): 1}
    # Turn 1: A, B, C; turn 2: A alone; Other has no speaker turns.
    assert pairs(client, project, by="turn") == {("A", "B"): 1, ("A", "C"): 1, ("B", "C"): 1}
    # Excerpts: e5 overlaps e1 and e6 (A-C twice) and e2 (B-C); e7 carries A and B.
    assert pairs(client, project) == {("A", "C"): 2, ("B", "C"): 1, ("A", "B"): 1}
    assert pairs(client, project, by="paragraph", kind="report") == {("A", "B"): 1}


def test_whose_codings_count(project, viewer, coder, coder2, talk):
    client = client_for(viewer)
    # Only the coder's: paragraph 1 holds A and B (e1, e2), paragraph 2 C and A (e3, e4).
    assert pairs(client, project, by="paragraph", whose=coder.pk) == {
        ("A", "B"): 2,
        ("A", "C"): 1,
    }
    assert pairs(client, project, by="paragraph", whose=coder2.pk) == {}
    # The consensus is e5 alone (C): nothing occurs with it.
    assert rows_of(
        client.get(url("cooccurrence", project), {"format": "csv", "whose": "consensus"})
    ) == [["Code"]]
    matrix = rows_of(
        client.get(url("code-matrix", project), {"format": "csv", "whose": "consensus"})
    )
    assert matrix == [["Document", "C"], ["Talk", "1"]]


def test_a_blind_coder_counts_only_their_own(project, coder, coder2, viewer, talk):
    project.blind_coding = True
    project.save()
    client = client_for(coder)
    # e6 (coder2) and e5 (consensus) are hidden from the coder.
    assert pairs(client, project, by="paragraph") == {("A", "B"): 2, ("A", "C"): 1}
    asked = client.get(url("cooccurrence", project), {"format": "csv", "whose": coder2.pk})
    assert asked.status_code == 400
    assert pairs(client_for(viewer), project, by="paragraph") == {}
    a, _b, c = talk["codes"]
    page = client.get(
        url("cooccurrence-cell", project), {"a": a.code, "b": c.code, "by": "paragraph"}
    ).content.decode()
    assert page.count("<article") == 2  # e3 and e4 in paragraph 2; e1 is with B only


def test_cells_open_the_passages_they_count(project, viewer, talk, django_assert_num_queries):
    a, b, c = talk["codes"]
    client = client_for(viewer)
    table = client.get(url("cooccurrence", project), {"by": "paragraph"}).content.decode()
    assert f"by=paragraph&amp;a={a.code}&amp;b={c.code}" in table
    cell = {"a": a.code, "b": c.code, "by": "paragraph"}
    # Session with its user, membership, case, set and coder choices, the two codes, codings,
    # the documents' units, excerpts, their codes.
    with django_assert_num_queries(9):
        page = client.get(url("cooccurrence-cell", project), cell).content.decode()
    # Paragraph 1: e1, e6 (A), e5 (C); paragraph 2: e3 (C), e4 (A).
    assert page.count("<article") == 5
    assert "Consensus" in page
    page = client.get(url("cooccurrence-cell", project), {**cell, "by": "sentence"})
    assert page.content.decode().count("<article") == 3  # sentence 1: e1, e6, e5
    page = client.get(url("cooccurrence-cell", project), {**cell, "by": "turn"})
    # Turn 1: e1, e6 (A), e5, e3 (C); e2 is B's, e4 in turn 2.
    assert page.content.decode().count("<article") == 4
    matrix_cell = {"code": a.code, "document": talk["docs"][0].code}
    with django_assert_num_queries(8):
        page = client.get(url("code-matrix-cell", project), matrix_cell).content.decode()
    assert page.count("<article") == 3  # e1, e4, e6
    page = client.get(url("code-matrix-cell", project), {**matrix_cell, "whose": "consensus"})
    assert "No codings of this code" in page.content.decode()
    bad = client.get(url("code-matrix-cell", project), {"code": a.code}, follow=True)
    assert "Choose a cell" in bad.content.decode()


def test_unit_query_counts_do_not_grow(project, viewer, talk, django_assert_num_queries):
    client = client_for(viewer)
    client.get(
        url("cooccurrence", project)
    )  # this process signs the session in: later its user comes with it
    # Session with its user, membership, case, set and coder choices, codings, the documents'
    # units, codes.
    with django_assert_num_queries(8):
        client.get(url("cooccurrence", project), {"by": "sentence", "view": "heatmap"})
    a, b, c = talk["codes"]
    for n in range(3):
        extra = DocumentFactory(project=project, title=f"More {n}")
        ExcerptFactory(document=extra, start=0, end=8, codes=[a, b, c])
    with django_assert_num_queries(8):
        client.get(url("cooccurrence", project), {"by": "sentence", "view": "heatmap"})


def test_pure_unit_counts():
    rows = [(1, 1, 0, 6, 1), (2, 1, 7, 13, 2), (5, 1, 3, 9, 3), (3, 1, 15, 21, 3)]
    units = {1: [(0, 6), (7, 13), (15, 21)]}
    assert cooccurrence(rows, by="sentence", units=units) == {(1, 3): 1, (2, 3): 1}
    # An excerpt ending where a unit starts does not touch it (end exclusive).
    assert cooccurrence([(1, 1, 0, 7, 1), (2, 1, 7, 9, 2)], by="sentence", units=units) == {}
    coverage = document_code_coverage(
        [(1, 1, 0, 10, 1), (2, 1, 5, 15, 1), (3, 1, 20, 25, 1)], {1: 40}
    )
    assert coverage == {(1, 1): 20 / 40}  # 0-15 and 20-25, the overlap counted once


def test_heat_map_numbers_classes_and_legend(project, viewer, talk):
    page = client_for(viewer).get(
        url("cooccurrence", project), {"by": "paragraph", "view": "heatmap"}
    )
    html = page.content.decode()
    # The largest count (2) is the darkest shade and its number stays in the cell.
    assert re.search(r'<td class="text-end heat-5"><a [^>]*>2</a></td>', html)
    assert re.search(r'<td class="text-end heat-3"><a [^>]*>1</a></td>', html)
    assert '<li class="heat-3">1</li>' in html and '<li class="heat-5">2</li>' in html
    plain = client_for(viewer).get(url("cooccurrence", project), {"by": "paragraph"})
    assert "heat-5" not in plain.content.decode()


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_heat_map_colours_meet_contrast():
    css = (CHECKOUT / "static" / "css" / "explore.css").read_text()
    shades = re.findall(
        r"\.heat-(\d) \{ background-color: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", css
    )
    assert [level for level, _bg, _fg in shades] == ["1", "2", "3", "4", "5"]
    for _level, background, text in shades:
        light, dark = sorted([_luminance(background), _luminance(text)], reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_matrix_coverage_sorting_and_xlsx(project, viewer, talk, django_assert_num_queries):
    client = client_for(viewer)
    other = talk["docs"][1]
    share = f"{8 / len(other.text) * 100:.1f}"
    coverage = rows_of(
        client.get(url("code-matrix", project), {"format": "csv", "measure": "coverage"})
    )
    # Talk (28 characters): A covers 0-6 (e1, e6 inside it) and 22-28: 12; B 7-13: 6; C 3-9
    # and 15-21: 12.
    assert coverage == [
        ["Document", "A", "B", "C"],
        ["Other", share, share, "0.0"],
        ["Talk", "42.9", "21.4", "42.9"],
    ]
    by_c = rows_of(
        client.get(
            url("code-matrix", project),
            {"format": "csv", "sort": str(talk["codes"][2].code), "order": "desc"},
        )
    )
    assert [row[0] for row in by_c[1:]] == ["Talk", "Other"]
    assert by_c[1] == ["Talk", "3", "1", "2"]
    titles_down = rows_of(
        client.get(url("code-matrix", project), {"format": "csv", "order": "desc"})
    )
    assert [row[0] for row in titles_down[1:]] == ["Talk", "Other"]
    page = client.get(
        url("code-matrix", project), {"sort": str(talk["codes"][2].code), "order": "desc"}
    )
    assert 'aria-sort="descending"' in page.content.decode()
    workbook = load_workbook(
        io.BytesIO(
            b"".join(client.get(url("code-matrix", project), {"format": "xlsx"}).streaming_content)
        )
    )
    sheet = workbook.active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Document", "A", "B", "C"],
        ["Other", 1, 1, 0],
        ["Talk", 3, 1, 2],
    ]
    response = client.get(url("code-matrix", project), {"format": "xlsx", "measure": "coverage"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    talk_row = list(sheet.iter_rows())[2]
    assert talk_row[1].value == pytest.approx(12 / 28)
    assert talk_row[1].number_format == "0.0%"
    # Session with its user, membership, case, set and coder choices, codings, documents, codes.
    with django_assert_num_queries(8):
        client.get(url("code-matrix", project), {"measure": "coverage", "view": "heatmap"})
    ExcerptFactory(document=other, start=10, end=20, codes=list(talk["codes"]))
    with django_assert_num_queries(8):
        client.get(url("code-matrix", project), {"measure": "coverage", "view": "heatmap"})


def _reference(rows, by, units):
    """Co-occurrence counted the slow, obvious way, to check the vectorised counting."""
    excerpts = {}
    for excerpt, document, start, end, code in rows:
        excerpts.setdefault(excerpt, [document, start, end, set()])[3].add(code)
    counts = {}

    def add(pairs):
        for pair in pairs:
            counts[pair] = counts.get(pair, 0) + 1

    def pairs_of(first, second):
        return {(min(a, b), max(a, b)) for a in first for b in second if a != b}

    if by == "excerpt":
        items = sorted(excerpts.items())
        for i, (_x, (doc, start, end, codes)) in enumerate(items):
            for _y, (other_doc, other_start, other_end, other_codes) in items[i:]:
                if doc == other_doc and start < other_end and other_start < end:
                    add(pairs_of(codes, other_codes))
    elif by == "document":
        per_doc = {}
        for doc, _start, _end, codes in excerpts.values():
            per_doc.setdefault(doc, set()).update(codes)
        for codes in per_doc.values():
            add(pairs_of(codes, codes))
    else:
        for doc, spans in units.items():
            for unit_start, unit_end in spans:
                codes = set()
                for other_doc, start, end, found in excerpts.values():
                    if other_doc == doc and start < unit_end and unit_start < end:
                        codes |= found
                add(pairs_of(codes, codes))
    return counts


@pytest.mark.parametrize("seed", range(6))
def test_vectorised_counting_matches_the_obvious_count(seed):
    import random

    rng = random.Random(seed)
    rows, units = [], {}
    for doc in range(1, 4):
        cuts = sorted(rng.sample(range(1, 200), 6))
        units[doc] = [(a, b) for a, b in zip([0, *cuts], [*cuts, 200], strict=True) if a < b][::2]
        for n in range(rng.randint(0, 25)):
            start = rng.randrange(0, 190)
            end = rng.randint(start + 1, min(200, start + 60))
            for code in rng.sample(range(1, 6), rng.choice([1, 1, 2, 3])):
                rows.append((doc * 100 + n, doc, start, end, code))
    rng.shuffle(rows)
    for by in ("excerpt", "document", "paragraph"):
        assert cooccurrence(rows, by=by, units=units) == _reference(rows, by, units), by


def test_paragraphs_split_from_the_text_when_none_are_stored(project, viewer):
    project.blind_coding = False
    project.save()
    a, b = CodeFactory(project=project, name="A"), CodeFactory(project=project, name="B")
    doc = DocumentFactory(project=project, text="Aa bb.\n\nCc dd. Ee ff.", paragraphs=[])
    ExcerptFactory(document=doc, start=0, end=2, codes=[a])
    ExcerptFactory(document=doc, start=8, end=10, codes=[b])  # the second paragraph
    ExcerptFactory(document=doc, start=15, end=17, codes=[a])  # the second paragraph too
    assert pairs(client_for(viewer), project, by="paragraph") == {("A", "B"): 1}
    assert pairs(client_for(viewer), project, by="sentence") == {}
