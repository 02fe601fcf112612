"""Each class of bad input found by scripts/probe_inputs.py (docs/robustness.md): one line, exit 2, no traceback;
and the plausibility walls tested on both sides."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest

from tests.adversarial.conftest import EXAMPLES, TODAY, assert_clean, run_inprocess

CHILD = EXAMPLES / "phenopackets" / "tcirg1-infant.json"
SHEET = EXAMPLES / "registry" / "s1-reconstructed-cohort.csv"
MAPPING = EXAMPLES / "registry" / "s1-reconstructed-map.yaml"


def _child(tmp_path, change, base=CHILD, name="child.json"):
    doc = json.loads(base.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / name
    path.write_text(json.dumps(doc, allow_nan=True), encoding="utf-8")
    return path


def _refused(run, *words):
    assert_clean(run)
    assert run.code == 2, run.stdout[-300:]
    for word in words:
        assert word in run.stderr, run.stderr


# ---------------------------------------------------------------- Phenopackets: nulls, types, numbers, depth

@pytest.mark.parametrize("field", ["subject", "phenotypicFeatures", "measurements", "metaData", "interpretations"])
def test_null_blocks_read_as_absent_not_a_traceback(tmp_path, field):
    run = run_inprocess("assess", str(_child(tmp_path, lambda d: d.__setitem__(field, None))))
    assert_clean(run)


def test_subject_as_a_list_is_refused(tmp_path):
    _refused(run_inprocess("assess", str(_child(tmp_path, lambda d: d.__setitem__("subject", [])))), "$.subject")


def test_folder_with_null_subject_goes_on_and_counts_the_failure(tmp_path):
    for p in (EXAMPLES / "phenopackets").glob("*.json"):
        (tmp_path / p.name).write_bytes(p.read_bytes())
    _child(tmp_path, lambda d: d.__setitem__("subject", "x"), name="zz-bad.json")
    run = run_inprocess("assess", str(tmp_path), "--format", "json")
    assert run.code == 2 and "Traceback" not in run.stderr
    assert len(run.stdout.strip().splitlines()) == 6  # the six good children were assessed
    assert "1 of 7 files failed" in run.stderr


@pytest.mark.parametrize("value", [10 ** 400, float("inf"), float("nan")])
def test_non_finite_or_huge_measurement_is_refused(tmp_path, value):
    path = _child(tmp_path, lambda d: d["measurements"][0]["value"]["quantity"].__setitem__("value", value))
    _refused(run_inprocess("assess", str(path)), "$.measurements[0].value.quantity.value")


def test_deep_nesting_is_refused_in_one_line(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text('{"id": "x", "rareboneExtensions": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    _refused(run_inprocess("assess", str(path)), "nested")


def test_schema_version_3_is_refused(tmp_path):
    path = _child(tmp_path, lambda d: d.setdefault("metaData", {}).__setitem__("phenopacketSchemaVersion", "3.0"))
    _refused(run_inprocess("assess", str(path)), "phenopacketSchemaVersion")


def test_sex_as_a_number_is_refused(tmp_path):
    _refused(run_inprocess("assess", str(_child(tmp_path, lambda d: d["subject"].__setitem__("sex", 7)))), "$.subject.sex")


# ---------------------------------------------------------------- ages and dates, both sides of each wall

@pytest.mark.parametrize("age, ok", [("P120Y", True), ("P121Y", False), ("P999Y", False), ("P" + "9" * 400 + "Y", False)])
def test_age_within_0_to_120_years(tmp_path, age, ok):
    path = _child(tmp_path, lambda d: d["subject"].__setitem__("timeAtLastEncounter", {"age": {"iso8601duration": age}}))
    run = run_inprocess("assess", str(path))
    assert_clean(run)
    assert (run.code == 0) is ok, run.stderr


@pytest.mark.parametrize("born, ok", [("1900-01-01", True), ("1899-12-31", False), ("0001-01-01", False),
                                      ("2026-12-01", True), ("2026-12-02", False), ("2099-01-01", False)])
def test_birth_date_between_1900_and_today_plus_one_day(tmp_path, born, ok):
    # today is fixed at 2026-11-30 (conftest): tomorrow is allowed (time zones), the day after is not
    path = _child(tmp_path, lambda d: d["subject"].__setitem__("dateOfBirth", f"{born}T00:00:00Z"))
    run = run_inprocess("assess", str(path))
    assert_clean(run)
    assert (run.code == 0) is ok, run.stderr


def test_measurement_after_today_is_kept_with_a_warning(tmp_path):
    path = _child(tmp_path, lambda d: d["measurements"][0].__setitem__("timeObserved", {"timestamp": "2090-01-01T00:00:00Z"}))
    run = run_inprocess("assess", str(path), "--format", "json")
    assert run.code == 0
    assert any("after today (2026-11-30)" in w for w in json.loads(run.stdout)["warnings"])


def test_today_comes_from_the_one_clock(tmp_path):
    path = _child(tmp_path, lambda d: d["subject"].__setitem__("dateOfBirth", "2026-12-05T00:00:00Z"))
    assert run_inprocess("assess", str(path)).code == 2
    assert run_inprocess("assess", str(path), env={"RAREBONE_TODAY": "2026-12-10"}).code == 0


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_start_dates_out_of_range_are_refused(start):
    _refused(run_inprocess("cno", "plan", str(EXAMPLES / "cno" / "cno-clavicle-tibia.json"), "--start", start), "--start")


# ---------------------------------------------------------------- files: FIFO, size, encodings

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "child.json"
    os.mkfifo(fifo)
    r = subprocess.run([sys.executable, "-m", "rarebone", "assess", str(fifo)], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and "not a regular file" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_file_above_the_size_limit_is_refused(tmp_path, monkeypatch):
    from rarebone.core import limits

    monkeypatch.setattr(limits, "MAX_FILE_BYTES", CHILD.stat().st_size - 1)
    _refused(run_inprocess("assess", str(CHILD)), "file too large")
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", CHILD.stat().st_size)
    assert run_inprocess("assess", str(CHILD)).code == 0


@pytest.mark.parametrize("encoding, named", [("latin-1", "not UTF-8"), ("cp1252", "not UTF-8"), ("utf-16", "UTF-16")])
def test_csv_in_another_encoding_is_refused_in_one_line(tmp_path, db, encoding, named):
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(SHEET.read_text(encoding="utf-8").replace("father", "père").encode(encoding))
    _refused(run_inprocess("registry", "import", str(sheet), "--mapping", str(MAPPING)), named)


def test_semicolon_separated_csv_is_read(tmp_path, db):
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(SHEET.read_text(encoding="utf-8").replace(",", ";"), encoding="utf-8")
    run = run_inprocess("registry", "import", str(sheet), "--mapping", str(MAPPING))
    assert run.code == 0 and "27 inserted" in run.stdout, run.stdout + run.stderr


def test_unterminated_quote_refuses_the_file(tmp_path, db):
    lines = SHEET.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("father", '"father', 1)
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _refused(run_inprocess("registry", "import", str(sheet), "--mapping", str(MAPPING)), "quote")


def test_short_row_and_over_long_cell_reject_their_row_only(tmp_path, db):
    lines = SHEET.read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[4] = "x" * 200_000
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("\n".join([lines[0], "99,1,1", ",".join(cells), *lines[3:]]) + "\n", encoding="utf-8")
    run = run_inprocess("registry", "import", str(sheet), "--mapping", str(MAPPING))
    assert run.code == 2 and "Traceback" not in run.stderr
    assert f"row 2: row has 3 cells, the header has {len(lines[0].split(','))}" in run.stdout
    assert "row 3, column 'Donor': cell longer than" in run.stdout
    assert "25 inserted" in run.stdout


@pytest.mark.parametrize("text, where", [("- a\n", "columns"), ("columns:\n  sex: {column: Gender, codes: [1, 2]}\n", "codes"),
                                         ("columns:\n  patient_key: {column: ID, prefix: {a: 1}}\n", "prefix")])
def test_mapping_with_the_wrong_shape_is_one_line(tmp_path, db, text, where):
    mapping = tmp_path / "map.yaml"
    mapping.write_text(text, encoding="utf-8")
    _refused(run_inprocess("registry", "import", str(SHEET), "--mapping", str(mapping)), where)


# ---------------------------------------------------------------- registry values, both sides

HEAD = "patient_key,birth_date,transplant.hla_matched,transplant.hla_total,transplant.neutrophil_engraftment_day," \
       "transplant.followup_days,transplant.age_at_transplant_days\n"


@pytest.mark.parametrize("row, ok", [
    ("P1,2015-01-01,10,10,20,300,100", True), ("P1,2015-01-01,11,10,20,300,100", False),   # matched <= compared
    ("P1,2015-01-01,5,10,300,300,100", True), ("P1,2015-01-01,5,10,301,300,100", False),   # engraftment <= follow-up
    ("P1,2015-01-01,5,10,20,300,43830", True), ("P1,2015-01-01,5,10,20,300,43831", False),  # 120 y = 43830 d
    ("P1,2015-01-01,5,10,inf,300,100", False), ("P1,2015-01-01,5,10,nan,300,100", False),
    ("P1,2020-01-01garbage,5,10,20,300,100", False), ("P1,2099-01-01,5,10,20,300,100", False),
    ("P1,1899-12-31,5,10,20,300,100", False), ("P1,1900-01-01,5,10,20,300,100", True),
])
def test_registry_values_are_checked_before_they_are_stored(tmp_path, db, row, ok):
    sheet = tmp_path / "d.csv"
    sheet.write_text(HEAD + row + "\n", encoding="utf-8")
    run = run_inprocess("registry", "import", str(sheet))
    assert_clean(run, batch=True)
    assert (run.code == 0) is ok, run.stdout


def test_same_key_twice_in_one_import_is_rejected_naming_both(tmp_path, db):
    sheet = tmp_path / "d.csv"
    sheet.write_text(HEAD + "P1,2015-01-01,5,10,20,300,100\nP1,2016-01-01,5,10,20,300,100\n"
                     "P2,2015-01-01,5,10,20,300,100\nP2,2015-01-01,5,10,20,300,100\n", encoding="utf-8")
    run = run_inprocess("registry", "import", str(sheet))
    assert run.code == 2
    assert "d.csv row 3: patient_key 'P1' already used in this import by d.csv row 2" in run.stdout
    # P1 and P2 stored once each; P2's identical second row is "unchanged", not a rejection
    assert "2 inserted, 0 updated, 1 unchanged, 1 rejected" in run.stdout


def test_identity_change_across_imports_needs_the_flag_and_is_in_the_history(tmp_path, db):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("patient_key,sex,gene\nP1,male,TCIRG1\n", encoding="utf-8")
    second.write_text("patient_key,sex,gene\nP1,male,CLCN7\n", encoding="utf-8")
    assert run_inprocess("registry", "import", str(first)).code == 0
    run = run_inprocess("registry", "import", str(second))
    assert run.code == 2 and "gene: TCIRG1 -> CLCN7" in run.stdout and "--allow-identity-change" in run.stdout
    assert run_inprocess("registry", "import", str(second), "--allow-identity-change").code == 0
    history = run_inprocess("registry", "history", "P1").stdout
    assert "IDENTITY CHANGED: gene: TCIRG1 -> CLCN7" in history


def test_report_survives_a_non_finite_number_stored_before_the_checks(tmp_path, db):
    import sqlite3

    assert run_inprocess("registry", "import", str(SHEET), "--mapping", str(MAPPING)).code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE transplants SET followup_days = 9e999 WHERE rowid = 1")
        connection.execute("UPDATE transplants SET cd34_10e6_per_kg = -9e999 WHERE rowid = 2")
    run = run_inprocess("report", "--format", "json")
    assert run.code == 0, run.stderr


# ---------------------------------------------------------------- output paths and formats

@pytest.mark.parametrize("target", ["folder", "missing", "empty"])
def test_output_path_that_cannot_be_written_is_refused_before_work(tmp_path, target):
    output = {"folder": str(tmp_path), "missing": str(tmp_path / "no" / "x.txt"), "empty": ""}[target]
    _refused(run_inprocess("assess", str(CHILD), "-o", output), "--output")


def test_format_follows_the_suffix_and_a_contradiction_is_refused(tmp_path):
    run = run_inprocess("assess", str(CHILD), "-o", str(tmp_path / "x.html"))
    assert run.code == 0 and (tmp_path / "x.html").read_text().lstrip().lower().startswith("<!doctype html")
    assert run.stderr.strip() == f"wrote {tmp_path / 'x.html'}"
    run = run_inprocess("plan", str(EXAMPLES / "transplant" / "tcirg1-infant-plan.json"), "--protocol", "beijing-haplo",
                        "--day0", "2027-01-15", "-o", str(tmp_path / "x.ics"))
    assert run.code == 0 and (tmp_path / "x.ics").read_text().startswith("BEGIN:VCALENDAR")
    _refused(run_inprocess("assess", str(CHILD), "--format", "html", "-o", str(tmp_path / "y.json")), "contradicts")


def test_version():
    from rarebone import __version__

    run = run_inprocess("--version")
    assert run.code == 0 and run.stdout.strip() == f"rarebone {__version__}"


def test_registry_delete_many_keys_with_a_dry_run(tmp_path, db):
    assert run_inprocess("registry", "import", str(SHEET), "--mapping", str(MAPPING)).code == 0
    dry = run_inprocess("registry", "delete", "--pattern", "SYNTHETIC-S1-0?", "--reason", "test", "--dry-run")
    assert dry.code == 0 and "dry run: 9 of 9 key(s) would be deleted" in dry.stdout
    keys = tmp_path / "keys.txt"
    keys.write_text("SYNTHETIC-S1-10\nSYNTHETIC-S1-11\n", encoding="utf-8")
    run = run_inprocess("registry", "delete", "--pattern", "SYNTHETIC-S1-0?", "--keys-file", str(keys), "--reason", "t")
    assert run.code == 0 and run.stdout.count("deleted") == 11
    export = run_inprocess("registry", "export").stdout
    assert "SYNTHETIC-S1-01" not in export and "SYNTHETIC-S1-12" in export
    missing = run_inprocess("registry", "delete", "SYNTHETIC-S1-12", "NOPE", "--reason", "t")
    assert missing.code == 2 and "SYNTHETIC-S1-12" in run_inprocess("registry", "export").stdout  # all or nothing


def test_usage_errors_are_one_line():
    _refused(run_inprocess("assess"), "Missing argument")
    _refused(run_inprocess("plan", str(CHILD), "--protocol", "beijing-haplo", "--day0", "2027-01-15", "--weight", "x"),
             "--weight")


def test_clock_module_is_the_only_reader_of_today():
    assert dt.date.fromisoformat(TODAY)
    from rarebone.core import clock

    assert clock.today() == dt.date.fromisoformat(TODAY)
