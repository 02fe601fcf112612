"""A bad CDM gets one line naming the table and column, exit status 2; the CLI writes Parquet, CSV, the cohort
table and an escaped HTML summary."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import pandas as pd
import pytest
import scenarios
from cdm_builder import to_duckdb

pytest.importorskip("ibis")


def run_cli(*args):
    r = subprocess.run([sys.executable, "-m", "rarebone", "screen", *args], capture_output=True, text=True,
                       timeout=600)
    return r.returncode, r.stdout, r.stderr


@pytest.fixture(scope="module")
def frames():
    cdm, _ = scenarios.build()
    return cdm.frames()


def broken(tmp_path, frames, change):
    f = {k: v.copy() for k, v in frames.items()}
    change(f)
    path = tmp_path / "bad.duckdb"
    return to_duckdb(f, path)


@pytest.mark.parametrize("change, expected", [
    (lambda f: f.pop("measurement"), "measurement: required OMOP table missing"),
    (lambda f: f["condition_occurrence"].drop(columns=["condition_start_date"], inplace=True),
     "condition_occurrence.condition_start_date: required column missing"),
    (lambda f: f.__setitem__("person", f["person"].astype({"year_of_birth": "str"})),
     "person.year_of_birth: wrong column type: expected int"),
    (lambda f: f.__setitem__("note_nlp", f["note_nlp"].astype({"note_nlp_concept_id": "str"})),
     "note_nlp.note_nlp_concept_id: wrong column type: expected int"),
    (lambda f: f.__setitem__("note_nlp", f["note_nlp"].assign(term_exists=1)),
     "note_nlp.term_exists: wrong column type: expected str"),
    (lambda f: f.__setitem__("note", f["note"].astype({"note_date": "str"})),
     "note.note_date: wrong column type: expected date"),
    (lambda f: f.__setitem__("concept", f["concept"][f["concept"].vocabulary_id == "UCUM"]),
     "concept.concept_code: vocabulary has none of the codes the osteopetrosis screen needs"),
])
def test_bad_cdm_is_one_line_naming_table_and_column(tmp_path, frames, change, expected):
    url = broken(tmp_path, frames, change)
    code, out, err = run_cli("--cdm", url, "--quiet")
    assert code == 2, err
    assert expected in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_unknown_location_and_missing_file(tmp_path):
    code, _, err = run_cli("--cdm", "duckdb:///" + str(tmp_path / "none.duckdb"), "--quiet")
    assert code == 2 and "DuckDB file not found" in err and err.count("\n") == 1
    code, _, err = run_cli("--cdm", "mysql://x/y", "--quiet")
    assert code == 2 and "unknown CDM location" in err


def test_cli_writes_parquet_cohort_and_escaped_html(tmp_path, frames):
    url = to_duckdb(frames, tmp_path / "cdm.duckdb")
    out, report = tmp_path / "flagged.parquet", tmp_path / "screen.html"
    code, stdout, err = run_cli("--cdm", url, "--out", str(out), "--report", str(report), "--results-schema",
                                "results", "--quiet")
    assert code == 0, err
    flagged = pd.read_parquet(out)
    assert {"person_id", "family", "level", "score", "first_complete_date", "missed_opportunities",
            "evidence"} <= set(flagged.columns)
    assert "Decision support only" in stdout
    con = duckdb.connect(str(tmp_path / "cdm.duckdb"), read_only=True)
    cohort = con.execute("SELECT cohort_definition_id, subject_id, cohort_start_date FROM results.cohort").df()
    con.close()
    assert sorted(cohort.subject_id) == sorted(flagged.person_id)
    # infant OP, CNO, intermediate OP, infant OP review, CNO review, intermediate OP review (families.yaml)
    assert set(cohort.cohort_definition_id) == {1501, 1502, 1503, 1511, 1512, 1513}
    text = report.read_text()
    assert "Decision support only" in text and "<script" not in text and "Missed opportunities" in text
    # a second run replaces this screen's rows instead of appending
    code, _, err = run_cli("--cdm", url, "--results-schema", "results", "--quiet")
    assert code == 0, err
    con = duckdb.connect(str(tmp_path / "cdm.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM results.cohort").fetchone()[0] == len(cohort)
    con.close()


def test_folder_of_csv_tables_and_html_escaping(tmp_path, frames):
    from rarebone.screening import run_screen
    from rarebone.screening.output import write_html

    folder = tmp_path / "<b>cdm"
    folder.mkdir()
    for name, df in frames.items():
        df.to_csv(folder / f"{name.upper()}.csv", index=False)
    result = run_screen(f"parquet://{folder}", progress=False)
    duck = run_screen(to_duckdb(frames, tmp_path / "same.duckdb"), progress=False)
    assert sorted(zip(result.flagged.person_id, result.flagged.family)) == sorted(zip(duck.flagged.person_id, duck.flagged.family))
    html = write_html(result, tmp_path / "r.html").read_text()
    assert "&lt;b&gt;cdm" in html and "<b>cdm" not in html


def test_csv_output(tmp_path, frames):
    url = to_duckdb(frames, tmp_path / "cdm.duckdb")
    code, _, err = run_cli("--cdm", url, "--out", str(tmp_path / "f.csv"), "--quiet")
    assert code == 0, err
    assert len(pd.read_csv(tmp_path / "f.csv")) > 0
    code, _, err = run_cli("--cdm", url, "--out", str(tmp_path / "f.xlsx"), "--quiet")
    assert code == 2 and "--out" in err
