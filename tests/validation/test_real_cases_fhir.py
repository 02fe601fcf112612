"""The development real cases as an EHR would send them (tests/data/real-cases-fhir, written by
tests/data/real-cases/tools/to_fhir.py; docs/validation.md "Through the EHR: the same real cases as FHIR").

A regression guard on the FHIR path (floor set AT the measured figures, so any lost child fails), and the
converter itself checked on a hand-made hp.obo so the test data's construction is tested, not assumed."""

from __future__ import annotations

import importlib.util
import json

import pytest

from tests.conftest import ROOT, run_cli

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

DEV = ROOT / "tests" / "data" / "real-cases"
FHIR = ROOT / "tests" / "data" / "real-cases-fhir"


def test_fhir_real_cases_stay_above_the_floor():
    if not (DEV / "keys").is_dir() or not FHIR.is_dir():
        pytest.skip("real cases or their FHIR conversion not present")
    done = run_cli("validate", str(FHIR), "--key", str(DEV / "keys"), "--phenotype-only",
                   "--floor", str(FHIR / "floor-phenotype-only.yaml"), "--format", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["assessed"] == report["cases"] == 109 and not report["errors"]


def test_every_case_has_its_bundle():
    if not FHIR.is_dir():
        pytest.skip("FHIR conversion not present")
    for category in ("osteopetrosis", "cno", "lookalike"):
        assert sorted(p.name for p in (DEV / category).glob("*.json")) == \
            sorted(p.name for p in (FHIR / category).glob("*.json")), category


OBO = """format-version: 1.2
data-version: hp/releases/test

[Term]
id: HP:0001903
name: Anemia
xref: SNOMEDCT_US:165397008
xref: SNOMEDCT_US:271737000

[Term]
id: HP:0004618
name: Sandwich appearance of vertebral bodies

[Term]
id: HP:0000256
name: Macrocephaly

[Term]
id: HP:0002653
name: Bone pain
xref: SNOMEDCT_US:12584003

[Term]
id: HP:0012832
name: Bilateral
xref: SNOMEDCT_US:51440002
"""


def _converter():
    spec = importlib.util.spec_from_file_location("to_fhir", DEV / "tools" / "to_fhir.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_converter_codes_as_an_ehr_and_keeps_text_only_findings(tmp_path):
    to_fhir = _converter()
    (tmp_path / "hp.obo").write_text(OBO, encoding="utf-8")
    conv = to_fhir.Converter(tmp_path / "hp.obo")
    packet = {
        "id": "t1", "subject": {"id": "s", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P10D"}}},
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001903", "label": "Anemia"}, "onset": {"age": {"iso8601duration": "P2D"}}},
            {"type": {"id": "HP:0004618", "label": "Sandwich appearance of vertebral bodies"}},
            {"type": {"id": "HP:0000256", "label": "Macrocephaly"}, "excluded": True},
            {"type": {"id": "HP:0002653", "label": "Bone pain"}, "modifiers": [{"id": "HP:0012832", "label": "Bilateral"}]},
        ],
        "measurements": [
            {"assay": {"id": "LOINC:718-7", "label": "Hemoglobin"},
             "value": {"quantity": {"unit": {"id": "UCUM:g/dL"}, "value": 6.0}}},
            {"assay": {"id": "LOINC:777-3", "label": "Platelets"},
             "value": {"quantity": {"unit": {"id": "UCUM:10*9/L"}, "value": 500,
                                    "referenceRange": {"unit": {"id": "UCUM:10*9/L"}, "low": 150, "high": 450}}}},
        ],
        "diseases": [{"term": {"id": "OMIM:259700", "label": "Osteopetrosis"}}],
        "interpretations": [{"id": "i", "progressStatus": "SOLVED", "diagnosis": {"disease": {"id": "OMIM:259700"},
            "genomicInterpretations": [{"subjectOrBiosampleId": "s", "interpretationStatus": "CAUSATIVE",
                "variantInterpretation": {"acmgPathogenicityClassification": "PATHOGENIC", "variationDescriptor": {
                    "id": "v", "geneContext": {"valueId": "HGNC:11647", "symbol": "TCIRG1"},
                    "allelicState": {"id": "GENO:0000136", "label": "homozygous"}}}}]}}],
    }
    bundle = conv.convert(packet, "osteopetrosis/t1.json")
    res = [e["resource"] for e in bundle["entry"]]
    patient, conds = res[0], [r for r in res if r["resourceType"] == "Condition"]
    assert patient["birthDate"] == "2025-12-22" and patient["gender"] == "female"  # ANCHOR 2026-01-01 - 10 days
    # first SNOMED xref in hp.obo order; onset as a date
    assert conds[0]["code"]["coding"] == [{"system": to_fhir.SNOMED, "code": "165397008"}]
    assert conds[0]["onsetDateTime"] == "2025-12-24"
    # no xref, no ICD-10: text only, no coding
    assert conds[1]["code"] == {"text": "Sandwich appearance of vertebral bodies"}
    # no SNOMED xref but an ICD-10-CM code with a source; excluded -> refuted, no clinicalStatus
    assert conds[2]["code"]["coding"][0]["code"] == "Q75.3"
    assert conds[2]["verificationStatus"]["coding"][0]["code"] == "refuted" and "clinicalStatus" not in conds[2]
    assert conds[3]["bodySite"] == [{"coding": [{"system": to_fhir.SNOMED, "code": "51440002"}], "text": "Bilateral"}]
    # no disease Condition: the diagnosis is the answer
    assert not any(c["code"].get("coding", [{}])[0].get("system") == "http://omim.org" for c in conds)
    labs = [r for r in res if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] in ("718-7", "777-3")]
    # no range in the Phenopacket: no invented range, the flag from the authors' own "Anemia"
    assert "referenceRange" not in labs[0] and labs[0]["interpretation"][0]["coding"][0]["code"] == "L"
    assert labs[1]["referenceRange"][0]["high"]["value"] == 450 and labs[1]["interpretation"][0]["coding"][0]["code"] == "H"
    (variant,) = [r for r in res if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "69548-6"]
    assert {c["code"]["coding"][0]["code"] for c in variant["component"]} == {"48018-6", "53034-5", "53037-8"}
    assert [r["coded_as"] for r in conv.rows] == ["snomed", "text", "icd10", "snomed"]

    from rarebone.intake.fhir import read_bundle_dict

    read = read_bundle_dict(bundle)  # a valid R4 Bundle, read back by the intake
    features = {f.hpo_id: f for f in read.patient.features}
    # the text-only term (no SNOMED CT xref) is read from its text since ehr-text, marked as read from text
    assert set(features) == {"HP:0001903", "HP:0000256", "HP:0002653", "HP:0004618"} and features["HP:0000256"].excluded
    assert features["HP:0002653"].modifiers == ("HP:0012832",)
    assert "from text \"Sandwich appearance of vertebral bodies\"" in features["HP:0004618"].label
