"""Exported Phenopackets are valid for other GA4GH tools (issue 11 item 9): a strict protobuf parse passes,
standard data sits in standard fields, rarebone-only data sits in a sidecar, and old exports (with the
top-level ``rareboneExtensions`` block) still import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rarebone.registry import db, demo, export, importers, phenopacket_out, store

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "registry"
MEASURED = [ROOT / "examples" / p for p in ("transplant/tcirg1-post-hsct-series.json", "cno/cno-multivisit.json")]


@pytest.fixture
def registry(tmp_path):
    engine = db.open_registry(f"sqlite:///{tmp_path / 'r.sqlite'}", create=True)
    store.import_records(engine, [("demo", r) for r in demo.generate(30, seed=5)])
    assert store.import_records(engine, importers.phenopacket_items([EXAMPLES / "phenopackets", *MEASURED])).rejected == []
    yield engine
    engine.dispose()


def _strict(text: str):
    from google.protobuf import json_format
    from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket

    return json_format.Parse(text, Phenopacket())  # no ignore_unknown_fields: any non-standard key fails


def test_old_export_fails_a_strict_parse():
    """What the issue reported: the old export's top-level rareboneExtensions key is not Phenopacket v2."""
    from google.protobuf import json_format

    old = (EXAMPLES / "phenopackets" / "synthetic-tcirg1-haplo.json").read_text()
    with pytest.raises(json_format.ParseError, match="rareboneExtensions"):
        _strict(old)


def test_every_export_passes_a_strict_parse(registry, tmp_path):
    folder = tmp_path / "pp"
    folder.mkdir()
    records = list(export.iter_records(registry))
    for record in records:
        phenopacket_out.write(record, folder)
    files = sorted(folder.glob("*.json"))
    assert len(files) == len(records) == 34
    for path in files:
        _strict(path.read_text())
        assert path.with_suffix(".rarebone").is_file()


def test_standard_fields_are_standard(registry):
    records = {r["patient"]["patient_key"]: r for r in export.iter_records(registry)}
    document, sidecar = phenopacket_out.to_phenopacket(records["SYNTHETIC-PP-002"])
    gi = document["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    descriptor = gi["variantInterpretation"]["variationDescriptor"]
    assert gi["interpretationStatus"] == "CAUSATIVE"
    assert descriptor["geneContext"] == {"valueId": "HGNC:11647", "symbol": "TCIRG1"}
    assert descriptor["allelicState"]["id"] == "GENO:0000402"  # compound heterozygous
    procedures = [a["procedure"] for a in document["medicalActions"] if "procedure" in a]
    assert procedures == [{"code": {"id": "NCIT:C15431", "label": "Hematopoietic Cell Transplantation"},
                           "performed": {"timestamp": "2017-05-02T00:00:00Z"}}]
    vital = document["subject"]["vitalStatus"]
    assert vital["status"] == "DECEASED" and "causeOfDeath" not in vital  # free text is not a code
    assert sidecar["registry"]["patient"]["cause_of_death"] == "pulmonary haemorrhage"
    assert "gene" not in sidecar["registry"]["patient"]
    assert document["files"][0]["uri"] == "SYNTHETIC-PP-002.rarebone"


def test_every_prefix_is_a_listed_resource(registry):
    for record in export.iter_records(registry):
        document, _ = phenopacket_out.to_phenopacket(record)
        listed = {r["namespacePrefix"] for r in document["metaData"]["resources"]}
        used = phenopacket_out._prefixes({k: v for k, v in document.items() if k != "metaData"}, set())
        assert used == listed, record["patient"]["patient_key"]
        assert all(r["version"] and r["url"] for r in document["metaData"]["resources"]
                   if r["namespacePrefix"] in phenopacket_out.RESOURCES)


def test_round_trip_export_import_export(registry, tmp_path):
    """export -> import -> export gives the same data, every stored part included."""
    before = list(export.iter_records(registry))
    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir(), second.mkdir()
    for record in before:
        phenopacket_out.write(record, first, created="2026-01-01T00:00:00Z")
    other = db.open_registry(f"sqlite:///{tmp_path / 'copy.sqlite'}", create=True)
    summary = store.import_records(other, importers.phenopacket_items([first]))
    assert (summary.inserted, summary.rejected) == (len(before), [])
    after = list(export.iter_records(other))
    assert after == before
    for record in after:
        phenopacket_out.write(record, second, created="2026-01-01T00:00:00Z")
    for path in sorted(first.iterdir()):
        assert path.read_text() == (second / path.name).read_text(), path.name


def test_old_exports_still_import(tmp_path):
    """The old shape (top-level rareboneExtensions.registry, no sidecar) reads as before."""
    engine = db.open_registry(f"sqlite:///{tmp_path / 'r.sqlite'}", create=True)
    summary = store.import_records(engine, importers.phenopacket_items([EXAMPLES / "phenopackets"]))
    assert (summary.inserted, summary.rejected) == (2, [])
    died = next(r for r in export.iter_records(engine) if r["patient"]["patient_key"] == "SYNTHETIC-PP-002")
    assert died["transplants"] and died["patient"]["cause_of_death"] == "pulmonary haemorrhage"


def test_bad_sidecar_names_file_and_path(registry, tmp_path):
    folder = tmp_path / "pp"
    folder.mkdir()
    record = next(iter(export.iter_records(registry)))
    phenopacket_out.write(record, folder)
    side = folder / f"{phenopacket_out.file_stem(record)}.rarebone"
    data = json.loads(side.read_text())
    data["registry"]["transplants"] = [{"agvhd_grade": "severe"}]
    side.write_text(json.dumps(data))
    other = db.open_registry(f"sqlite:///{tmp_path / 'copy.sqlite'}", create=True)
    summary = store.import_records(other, importers.phenopacket_items([folder]))
    assert len(summary.rejected) == 1
    assert ".rarebone: $.registry.transplants[0].agvhd_grade" in summary.rejected[0]
