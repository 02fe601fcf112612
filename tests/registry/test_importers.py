"""Importers and exports: Phenopackets, the dictionary CSV, mapped CSV/XLSX, research export — both back ends."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from rarebone.errors import InputError
from rarebone.registry import export, importers, store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "registry"
SHEET, MAPPING = EXAMPLES / "s1-reconstructed-cohort.csv", EXAMPLES / "s1-reconstructed-map.yaml"


def _records(engine):
    return list(export.iter_records(engine))


def test_phenopacket_import_reads_the_registry_extension(engine):
    summary = store.import_records(engine, importers.phenopacket_items([EXAMPLES / "phenopackets"]))
    assert (summary.inserted, summary.rejected) == (2, [])
    by_key = {r["patient"]["patient_key"]: r for r in _records(engine)}
    alive = by_key["SYNTHETIC-PP-001"]
    assert alive["patient"]["gene"] == "TCIRG1" and alive["patient"]["genotype"] == "compound_heterozygous"
    assert alive["transplants"][0]["cd34_10e6_per_kg"] == 10.2
    assert {p["hpo_id"] for p in alive["phenotypes"]} == {"HP:0011001", "HP:0001903", "HP:0001744"}
    died = by_key["SYNTHETIC-PP-002"]
    assert died["patient"]["vital_status"] == "dead" and died["patient"]["cause_of_death"] == "pulmonary haemorrhage"


def test_phenopacket_export_reimports_to_the_same_records(engine, tmp_path):
    store.import_records(engine, importers.phenopacket_items([EXAMPLES / "phenopackets"]))
    folder = tmp_path / "out"
    folder.mkdir()
    for record in _records(engine):
        (folder / f"{record['patient']['patient_key']}.json").write_text(json.dumps(export.to_phenopacket(record)))
    from rarebone.registry import db

    other = db.open_registry(f"sqlite:///{tmp_path / 'copy.sqlite'}", create=True)
    assert store.import_records(other, importers.phenopacket_items([folder])).inserted == 2
    assert export.to_csv(_records(other)) == export.to_csv(_records(engine))


def test_mapped_sheet_import_is_idempotent(engine):
    first = store.import_records(engine, importers.mapped_items(SHEET, MAPPING))
    assert (first.inserted, first.rejected) == (27, [])
    assert store.import_records(engine, importers.mapped_items(SHEET, MAPPING)).unchanged == 27
    records = _records(engine)
    assert sum(r["patient"]["vital_status"] == "dead" for r in records) == 7
    one = next(r for r in records if r["patient"]["patient_key"] == "SYNTHETIC-S1-01")
    # FU_months 0.9 -> 0.9 x 365.25 / 12 = 27.39375 days (0.9, not 0.5: the invented neutrophil day 26 must fall
    # within follow-up, which the importer now checks)
    assert one["transplants"][0]["followup_days"] == pytest.approx(27.39375)
    assert one["patient"]["synthetic"] is True


def test_bad_row_is_rejected_naming_row_and_column(engine, tmp_path):
    text = SHEET.read_text().splitlines()
    text[3] = text[3].replace(",father,", ",uncle,")  # row 4 of the file
    sheet = tmp_path / "cohort.csv"
    sheet.write_text("\n".join(text) + "\n")
    summary = store.import_records(engine, importers.mapped_items(sheet, MAPPING))
    assert summary.inserted == 26 and len(summary.rejected) == 1
    assert summary.rejected[0].startswith("cohort.csv row 4, column 'Donor': code not in the mapping")  # location once


def test_xlsx_import_matches_csv(engine, tmp_path):
    import csv

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with open(SHEET, newline="") as handle:
        for i, row in enumerate(csv.reader(handle)):
            sheet.append([c if i == 0 or j == 0 or not c.replace(".", "").isdigit() else float(c)
                          for j, c in enumerate(row)])
    xlsx = tmp_path / "cohort.xlsx"
    book.save(xlsx)
    store.import_records(engine, importers.mapped_items(xlsx, MAPPING))
    from_csv = [r for _, r in importers.mapped_items(SHEET, MAPPING)]
    assert store.import_records(engine, [("csv", r) for r in from_csv]).unchanged == 27


def test_mapping_errors_name_the_mapping_field(tmp_path):
    bad = tmp_path / "map.yaml"
    bad.write_text("columns:\n  transplant.followup_days: {column: FU_months, unit: fortnights}\n")
    with pytest.raises(InputError, match="columns.transplant.followup_days.unit"):
        importers.load_mapping(bad)
    bad.write_text("columns:\n  not_a_field: X\n")
    with pytest.raises(InputError, match="not a data-dictionary field"):
        importers.load_mapping(bad)


def test_dictionary_csv_round_trip(engine, tmp_path):
    from rarebone.registry import demo

    store.import_records(engine, [("demo", r) for r in demo.generate(40, seed=5)])
    flat = tmp_path / "flat.csv"
    flat.write_text(export.to_csv(_records(engine)))
    from rarebone.registry import db

    other = db.open_registry(f"sqlite:///{tmp_path / 'copy.sqlite'}", create=True)
    summary = store.import_records(other, importers.dictionary_csv_items(flat))
    assert (summary.inserted, summary.rejected) == (40, [])
    assert export.to_csv(_records(other)) == flat.read_text()


def test_research_export_deidentifies(engine):
    store.import_records(engine, importers.phenopacket_items([EXAMPLES / "phenopackets"]))
    originals = {r["patient"]["patient_key"]: r for r in _records(engine)}
    out = list(export.deidentify(_records(engine), salt="k"))
    assert all(r["patient"]["patient_key"].startswith("SYNTHETIC-R-") for r in out)
    assert not any(r["patient"]["patient_key"] in originals for r in out)
    assert all("notes" not in r["patient"] and "cause_of_death" not in r["patient"] for r in out)
    # dates shifted per patient by one offset: intervals are kept exactly
    for r, o in zip(out, originals.values()):
        gap = lambda rec: (dt.date.fromisoformat(rec["patient"]["last_contact_date"])
                           - dt.date.fromisoformat(rec["transplants"][0]["transplant_date"]))
        assert gap(r) == gap(o)
    # same salt, same pseudonyms (re-linkable by whoever holds the key); no salt, fresh ones
    assert [r["patient"]["patient_key"] for r in export.deidentify(_records(engine), salt="k")] == \
        [r["patient"]["patient_key"] for r in out]


MEASURED = [Path(__file__).resolve().parents[2] / "examples" / p
            for p in ("transplant/tcirg1-post-hsct-series.json", "cno/cno-multivisit.json")]


def test_demo_registry_round_trips_through_phenopackets_with_measurements(engine, tmp_path):
    """Demo registry + two example patients with lab series: export every record as a Phenopacket, import the
    folder into an empty registry, and every stored part (measurements included) comes back the same."""
    from rarebone.registry import db, demo

    store.import_records(engine, [("demo", r) for r in demo.generate(40, seed=5)])
    assert store.import_records(engine, importers.phenopacket_items(MEASURED)).rejected == []
    before = _records(engine)
    measured = [r for r in before if r["measurements"]]
    assert len(measured) == 2 and sum(len(r["measurements"]) for r in measured) >= 10
    folder = tmp_path / "out"
    folder.mkdir()
    for record in before:
        document = export.to_phenopacket(record)
        if record["measurements"]:
            first = document["measurements"][0]
            assert first["assay"]["id"].startswith("LOINC:") and "timeObserved" in first
            assert set(first["value"]["quantity"]) == {"unit", "value"}
        (folder / f"{record['patient']['patient_key']}.json").write_text(json.dumps(document))
    other = db.open_registry(f"sqlite:///{tmp_path / 'copy.sqlite'}", create=True)
    summary = store.import_records(other, importers.phenopacket_items([folder]))
    assert (summary.inserted, summary.rejected) == (len(before), [])
    after = _records(other)
    for a, b in zip(before, after):
        assert a["patient"]["patient_key"] == b["patient"]["patient_key"]
        for part in ("measurements", "treatments", "phenotypes", "transplants", "complications", "cno_visits",
                     "lesions"):
            assert a[part] == b[part], (a["patient"]["patient_key"], part)
