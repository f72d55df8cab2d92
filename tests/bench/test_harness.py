"""The benchmark harness's own logic (no database): statistics, verdicts, synthetic data."""

from bench.build import norwegian_text, pdf_bytes
from bench.core import SIZES, Row, Target
from bench.scenarios.agreement_maths import reliability_data, unitized_spans


def test_p95_is_nearest_rank_so_ten_runs_give_the_slowest():
    row = Row(scenario="s", label="l", samples=[float(n) for n in range(1, 11)])
    assert row.median == 5.5
    assert row.p95 == 10.0


def test_verdict_judges_the_p95_against_the_target():
    fast = Row(scenario="s", label="l", samples=[0.05, 0.06], target=Target(0.1, "< 0.1 s"))
    slow = Row(scenario="s", label="l", samples=[0.05, 0.2], target=Target(0.1, "< 0.1 s"))
    assert fast.verdict == "met"
    assert slow.verdict == "MISSED"


def test_targets_are_not_judged_on_data_smaller_than_they_were_set_for():
    row = Row(scenario="s", label="l", samples=[9.0], target=Target(0.1, "x", at_scale=False))
    assert row.verdict == "target is for full-scale data"


def test_rows_without_target_or_measurement_say_so():
    assert Row(scenario="s", label="l", samples=[1.0]).verdict == "no target set"
    missing = Row(scenario="s", label="l", status="not measured", reason="no URL yet")
    assert missing.verdict == ""
    assert missing.as_dict()["median"] is None


def test_synthetic_text_is_deterministic_norwegian_and_of_the_asked_length():
    text = norwegian_text(7, 5_000)
    assert text == norwegian_text(7, 5_000)
    assert abs(len(text) - 5_000) <= 2
    assert any(letter in text for letter in "æøå")


def test_synthetic_pdf_is_a_real_multi_page_pdf():
    data = pdf_bytes(1, 3)
    assert data.startswith(b"%PDF") and data == pdf_bytes(1, 3)
    assert data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") >= 1


def test_reliability_data_has_the_asked_shape_and_about_ten_percent_missing():
    data = reliability_data(coders=5, units=2_000, categories=30)
    assert len(data) == 5 and all(len(row) == 2_000 for row in data)
    missing = sum(value is None for row in data for value in row) / 10_000
    assert 0.08 < missing < 0.12


def test_unitized_spans_never_overlap_within_a_coder():
    spans = unitized_spans(coders=5, length=30_000)
    for units in spans.values():
        for (_, end, _), (start, _, _) in zip(units, units[1:], strict=False):
            assert end <= start


def test_full_size_is_the_scale_the_issues_name():
    full = SIZES["full"]
    assert (full.pdf_pages, full.upload_files, full.view_chars, full.view_excerpts) == (
        150,
        30,
        1_500_000,
        5_000,
    )
    assert (full.run_documents, full.run_coders, full.run_codes, full.run_excerpts) == (
        26,
        3,
        150,
        15_000,
    )
    assert (full.matrix_rows, full.matrix_columns, full.matrix_codings) == (60, 300, 50_000)


def test_report_shows_each_rows_previous_p95_and_the_change(tmp_path, monkeypatch):
    import json

    from bench import report

    monkeypatch.setattr(report, "RESULTS", tmp_path)
    old = Row(scenario="exports", label="export to CSV", samples=[0.2, 0.4])
    data = {"size": "full", "rows": [old.as_dict()]}
    (tmp_path / "20260101-000000.json").write_text(json.dumps(data))
    (tmp_path / "20260102-000000.json").write_text(json.dumps({"size": "tiny", "rows": []}))
    previous = report.previous_figures(size="full", before="20260103-000000")
    new = Row(scenario="exports", label="export to CSV", samples=[0.3])
    unseen = Row(scenario="exports", label="export to XLSX", samples=[0.3])
    table = report.markdown_table([new, unseen], previous)
    assert "| 400 ms (20260101-000000), -25 % |" in table
    assert "| export to XLSX | 300 ms | 300 ms | – |" in table


def test_peak_rss_sees_the_bench_process_and_its_gunicorn_children():
    import subprocess
    import sys
    import time

    from bench.memory import PeakRss

    # A child whose command line names gunicorn counts as a web process.
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(2)", "gunicorn"])
    try:
        with PeakRss() as peaks:
            time.sleep(0.6)
    finally:
        child.kill()
        child.wait()
    assert peaks.figures["bench"]["process"] > 10
    assert 1 < peaks.figures["web"]["process"] <= peaks.figures["web"]["all"]


def test_the_machine_line_gives_its_speed_and_old_runs_without_it_still_read():
    from bench import report

    info = {
        "cpu": "Xeon",
        "cores": 2,
        "ram_gb": 23.5,
        "python": "3.11.7",
        "postgresql": "15",
        "os": "Linux",
        "load_average": [0.1, 0.2, 0.3],
    }
    assert "pure-Python workload" not in report.machine_text(info)
    speed = report.reference_cpu_seconds(rounds=1)
    assert speed > 0
    assert f"took {speed:.3f} s of CPU" in report.machine_text({**info, "reference_cpu_s": speed})
