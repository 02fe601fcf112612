"""REDCap (issue 11 item 10): a data dictionary REDCap's upload accepts, and REDCap's flat CSV both ways.

The rules checked are REDCap's Data Dictionary rules (REDCap's "Data Dictionary" help and the column list used
by REDCap tooling, e.g. Sage-Bionetworks redcapdd ``get_dd_cols()``, REDCapR test data): 18 columns in this
order; variable names lowercase letters, digits and underscores, starting with a letter, at most 26 characters,
unique, the record id first; an instrument's fields contiguous; dropdown/radio/checkbox choices ``code, label``
separated by `` | ``; validation types from REDCap's list."""

from __future__ import annotations

import csv
import io
import re

import pytest

from rarebone.errors import InputError
from rarebone.registry import db, demo, export, importers, redcap, store
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REDCAP_HEADER = ["Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
                 "Choices, Calculations, OR Slider Labels", "Field Note",
                 "Text Validation Type OR Show Slider Number", "Text Validation Min", "Text Validation Max",
                 "Identifier?", "Branching Logic (Show field only if...)", "Required Field?", "Custom Alignment",
                 "Question Number (surveys only)", "Matrix Group Name", "Matrix Ranking?", "Field Annotation"]


def _rows():
    return list(csv.reader(io.StringIO(redcap.dictionary_csv())))


def test_header_is_redcaps_18_columns_in_order():
    assert _rows()[0] == REDCAP_HEADER


def test_old_dictionary_was_not_redcap():
    """What the issue reported: the old 'REDCap style' dictionary has 7 columns and names REDCap rejects."""
    from rarebone.registry import dictionary as dd

    old = list(csv.reader(io.StringIO(dd.to_csv())))
    assert len(old[0]) == 7 and old[0] != REDCAP_HEADER
    assert any("." in row[0] for row in old[1:])  # transplant.cd34_10e6_per_kg: a dot REDCap rejects


def test_variable_names_follow_redcap_rules():
    names = [row[0] for row in _rows()[1:]]
    assert names[0] == "record_id"
    assert len(names) == len(set(names))
    for name in names:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert len(name) <= 26, name
    # 26 is the limit: the longest names sit at it or below, none above
    assert max(len(n) for n in names) <= 26


def test_field_types_validations_and_choices():
    rows = _rows()[1:]
    forms_seen: list[str] = []
    for row in rows:
        name, form, _, ftype, label, choices, _, validation = row[:8]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", form)
        if not forms_seen or forms_seen[-1] != form:
            assert form not in forms_seen, f"fields of {form} are not contiguous"
            forms_seen.append(form)
        assert ftype in ("text", "notes", "dropdown", "radio", "checkbox", "yesno", "truefalse", "calc", "file",
                         "slider", "descriptive", "sql"), name
        assert label.strip(), name
        if ftype in ("dropdown", "radio", "checkbox"):
            assert re.fullmatch(r"[A-Za-z0-9_]+, [^|]+?( \| [A-Za-z0-9_]+, [^|]+?)*", choices), (name, choices)
        else:
            assert choices == "", name
        if validation:
            assert ftype == "text" and validation in ("date_ymd", "number", "integer"), name
        assert row[10] in ("", "y")
    assert forms_seen == ["patient", "transplants", "phenotypes", "measurements", "treatments", "complications",
                          "cno_visits", "lesions"]
    by_name = {row[0]: row for row in rows}
    assert by_name["birth_date"][7] == "date_ymd" and by_name["birth_date"][10] == "y"
    assert by_name["sex"][5] == "1, male | 2, female | 3, other | 4, unknown"
    assert by_name["tx_agvhd_grade"][5] == "0, 0 | 1, 1 | 2, 2 | 3, 3 | 4, 4"
    assert by_name["synthetic"][3] == "yesno" and by_name["notes"][3] == "notes"


def test_repeating_instruments_csv():
    assert redcap.repeating_instruments_csv().splitlines() == [
        "form_name,custom_form_label", "transplants,", "phenotypes,", "measurements,", "treatments,",
        "complications,", "cno_visits,", "lesions,"]


# A flat CSV as REDCap writes it (raw export): the patient row, then repeating rows.
def _flat_from_redcap() -> str:
    cols = redcap._columns()
    rows = [
        {"record_id": "SYNTHETIC-RC-1", "sex": "2", "birth_date": "2016-01-04", "diagnosis": "1",
         "gene": "TCIRG1", "genotype": "1", "vital_status": "1", "synthetic": "1", "patient_complete": "2"},
        {"record_id": "SYNTHETIC-RC-1", "redcap_repeat_instrument": "transplants", "redcap_repeat_instance": "1",
         "tx_date": "2016-09-01", "tx_donor_relation": "1", "tx_donor_type": "5", "tx_hla_matched": "5",
         "tx_hla_total": "10", "tx_abo_matched": "0", "tx_cd34_10e6_per_kg": "8.5", "tx_agvhd_grade": "2",
         "tx_anc_engraftment_day": "21", "transplants_complete": "2"},
        {"record_id": "SYNTHETIC-RC-1", "redcap_repeat_instrument": "complications", "redcap_repeat_instance": "1",
         "cx_kind": "cmv", "cx_day": "35", "complications_complete": "2"},
        {"record_id": "SYNTHETIC-RC-1", "redcap_repeat_instrument": "complications", "redcap_repeat_instance": "2",
         "cx_kind": "vod", "cx_day": "12", "complications_complete": "2"},
        {"record_id": "SYNTHETIC-RC-2", "sex": "1", "diagnosis": "5", "vital_status": "1", "synthetic": "1",
         "patient_complete": "2"},
        {"record_id": "SYNTHETIC-RC-2", "redcap_repeat_instrument": "lesions", "redcap_repeat_instance": "1",
         "les_site": "femur", "les_status": "1", "lesions_complete": "2"},
        {"record_id": "SYNTHETIC-RC-2", "redcap_repeat_instrument": "cno_visits", "redcap_repeat_instance": "1",
         "cv_visit_date": "2024-02-01", "cv_pain_vas": "4", "cv_active_lesions": "3", "cno_visits_complete": "2"},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    # REDCap writes repeating rows after the record's own row, instruments in dictionary order
    order = {form: i for i, form in enumerate(["", *redcap.REPEATING])}
    for row in sorted(rows, key=lambda r: (r["record_id"], order[r.get("redcap_repeat_instrument", "")],
                                           int(r.get("redcap_repeat_instance") or 0))):
        writer.writerow(row)
    return out.getvalue()


def test_redcap_flat_csv_import_then_export_round_trip(tmp_path):
    flat = tmp_path / "redcap_export.csv"
    flat.write_text(_flat_from_redcap())
    engine = db.open_registry(f"sqlite:///{tmp_path / 'r.sqlite'}", create=True)
    summary = store.import_records(engine, redcap.flat_csv_items(flat))
    assert (summary.inserted, summary.rejected) == (2, [])
    records = {r["patient"]["patient_key"]: r for r in export.iter_records(engine)}
    one = records["SYNTHETIC-RC-1"]
    assert one["patient"]["sex"] == "female" and one["patient"]["genotype"] == "homozygous"
    assert one["transplants"][0]["donor_type"] == "haploidentical" and one["transplants"][0]["agvhd_grade"] == 2
    assert one["transplants"][0]["hla_total"] == 10 and one["transplants"][0]["abo_matched"] is False
    assert [c["kind"] for c in one["complications"]] == ["cmv", "vod"]
    assert records["SYNTHETIC-RC-2"]["patient"]["diagnosis"] == "CNO"
    assert redcap.to_flat_csv(export.iter_records(engine)) == flat.read_text()


def test_registry_round_trips_through_redcap(tmp_path):
    """demo registry + patients with lab series and treatments -> REDCap CSV -> new registry -> same records."""
    engine = db.open_registry(f"sqlite:///{tmp_path / 'r.sqlite'}", create=True)
    store.import_records(engine, [("demo", r) for r in demo.generate(40, seed=5)])
    examples = [ROOT / "examples" / p for p in ("transplant/tcirg1-post-hsct-series.json", "cno/cno-multivisit.json")]
    assert store.import_records(engine, importers.phenopacket_items(examples)).rejected == []
    before = list(export.iter_records(engine))
    flat = tmp_path / "flat.csv"
    flat.write_text(redcap.to_flat_csv(before))
    other = db.open_registry(f"sqlite:///{tmp_path / 'copy.sqlite'}", create=True)
    summary = store.import_records(other, redcap.flat_csv_items(flat))
    assert (summary.inserted, summary.rejected) == (len(before), [])
    assert list(export.iter_records(other)) == before


def _with_cell(record_id: str, column: str, value: str) -> str:
    rows = list(csv.DictReader(io.StringIO(_flat_from_redcap())))
    for row in rows:
        if row["record_id"] == record_id and not row["redcap_repeat_instrument"]:
            row[column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize("column, value, message", [
    ("sex", "9", "not a choice code (1, male | 2, female | 3, other | 4, unknown)"),
    ("synthetic", "yes", "must be 0 or 1"),
    ("birth_date", "04/01/2016", "must be a date YYYY-MM-DD"),
])
def test_bad_cell_rejects_one_record_naming_row_and_column(tmp_path, column, value, message):
    flat = tmp_path / "bad.csv"
    flat.write_text(_with_cell("SYNTHETIC-RC-2", column, value))
    items = list(redcap.flat_csv_items(flat))
    assert isinstance(items[0][1], dict) and isinstance(items[1][1], InputError)
    assert str(items[1][1]) == f"bad.csv row 6, column {column!r}: {message} (value: {value!r})"


def test_unknown_column_is_refused(tmp_path):
    flat = tmp_path / "x.csv"
    flat.write_text("record_id,redcap_repeat_instrument,redcap_repeat_instance,shoe_size\nA,,,42\n")
    with pytest.raises(InputError, match="shoe_size"):
        list(redcap.flat_csv_items(flat))


def test_cli_dictionary_and_flat_csv(capsys, tmp_path):
    from rarebone.cli import main

    main(["registry", "dictionary", "--format", "redcap"])
    assert capsys.readouterr().out.splitlines()[0].startswith("Variable / Field Name,Form Name,")
    flat = tmp_path / "redcap.csv"
    flat.write_text(_flat_from_redcap())
    db_path = str(tmp_path / "r.sqlite")
    main(["registry", "import", str(flat), "--db", db_path])
    assert capsys.readouterr().out.startswith("2 records: 2 inserted")
    main(["registry", "export", "--as", "redcap", "--db", db_path])
    assert capsys.readouterr().out == flat.read_text()
