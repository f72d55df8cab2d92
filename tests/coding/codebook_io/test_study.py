import pytest

from coding.codebook_io import read_study_codebook_csv, write_csv, write_qdc
from coding.codebook_io.model import CodebookFormatError
from tests.shared import shared_path


@pytest.fixture(scope="module")
def study():
    study_csv = shared_path("method", "codebook.csv")
    return read_study_codebook_csv(study_csv.read_text(encoding="utf-8"))


def test_study_codebook_has_the_four_clusters_in_order(study):
    assert [c.name for c in study.roots] == [
        "Actors",
        "Development focus area",
        "Core strategic topic",
        "Perceived value",
    ]
    assert study.clean


def test_study_codebook_categories_per_cluster(study):
    by_cluster = {c.name: [k.name for k in c.children] for c in study.roots}
    assert by_cluster["Actors"] == [
        "Academia",
        "Government",
        "Industry",
        "Public actors",
        "Society",
    ]
    assert len(by_cluster["Development focus area"]) == 10
    assert by_cluster["Core strategic topic"][2] == "Cooperation, sharing and involvement"
    assert by_cluster["Perceived value"] == [
        "Quantitative / financial",
        "Qualitative / socio-economic",
    ]
    assert sum(len(c.children) for c in study.roots) == 24


def test_study_codebook_concepts_are_split_on_semicolons(study):
    actors = study.roots[0]
    assert [c.name for c in actors.children[0].children] == [
        "Universities",
        "Technological research facilities",
        "Innovation labs",
    ]
    cooperation = study.roots[2].children[2]
    assert len(cooperation.children) == 10
    assert cooperation.children[-1].name == "Availability"
    # Concepts are leaves; the same concept may sit under two categories.
    assert all(not c.children for k in actors.children for c in k.children)
    quantitative, qualitative = study.roots[3].children
    assert "Automated processes" in {c.name for c in quantitative.children}
    assert "Privacy" in {c.name for c in qualitative.children}


def test_study_counts_are_kept_per_category(study):
    assert study.counts[("Actors", "Public actors")].documents_coded == 26
    assert study.counts[("Actors", "Public actors")].total_codings == 50
    assert len(study.counts) == 24


def test_study_codebook_exports_to_csv_and_qdc(study):
    assert "Perceived value/Quantitative \\/ financial/Cost savings" in write_csv(study.roots)
    assert b'name="Quantitative / financial"' in write_qdc(study.roots)


def test_study_format_reports_bad_rows():
    text = (
        "cluster,category,documents_coded,total_codings,concepts\n"
        "Actors,Academia,3,3,Universities; ; Universities\n"
        ",Orphan,1,1,x\n"
        "Actors,Academia,1,1,again\n"
        "Actors,Industry,many,2,Partners\n"
    )
    result = read_study_codebook_csv(text)
    assert [str(p) for p in result.not_taken] == [
        "row 2: concept “Universities” repeated in “Academia”",
        "row 3: cluster and category are both required; row skipped",
        "row 4: category Actors/Academia repeated; row skipped",
        "row 5: counts “many”, “2” are not whole numbers",
    ]
    assert [k.name for k in result.roots[0].children] == ["Academia", "Industry"]


def test_study_format_needs_its_columns():
    with pytest.raises(CodebookFormatError, match="missing column"):
        read_study_codebook_csv("cluster,concepts\nA,b\n")
