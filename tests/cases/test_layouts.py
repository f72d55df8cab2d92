"""The study's Table 3 layout and matching its rows to codes by name (no database)."""

from cases import layouts
from cases.layouts import CodeName
from tests.shared import shared_path


def test_the_study_layout_is_the_methods_template():
    sections = layouts.read_layout()
    assert [title for title, _rows in sections][0] == (
        "Cooperates with the following ecosystem actors"
    )
    assert sections[0][1] == [
        "Industry",
        "Academia",
        "Other municipalities",
        "International partners",
    ]
    assert sum(len(rows) for _title, rows in sections) == 20


def test_the_layout_in_the_app_is_the_methods_file():
    # The copy in the app is the method's file (it is data; keep them the same).
    template = shared_path("method", "cross-case-matrix-template.csv")
    assert layouts.read_layout(template) == layouts.read_layout()


def test_labels_match_codes_by_name_ignoring_case_and_spaces():
    codes = [
        CodeName(1, "Actors", 0, "/1/"),
        CodeName(2, "industry", 1, "/1/2/"),
        CodeName(3, "Open  Data", 1, "/9/3/"),
    ]
    found = layouts.match_codes(["Industry", "Open data", "Smart city"], codes)
    assert found == {"Industry": 2, "Open data": 3, "Smart city": None}


def test_the_namesake_nearest_the_root_wins():
    codes = [
        CodeName(7, "Industry", 2, "/1/5/7/"),
        CodeName(2, "Industry", 1, "/1/2/"),
        CodeName(4, "Industry", 1, "/3/4/"),
    ]
    assert layouts.match_codes(["Industry"], codes) == {"Industry": 2}
