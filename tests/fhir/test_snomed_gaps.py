"""Codes the FHIR intake reads beyond hp.obo's xrefs for CNO findings that no hp.obo SNOMED CT xref reaches
(tests/data/real-cases/tools/snomed_reach.py; docs/validation.md "SNOMED CT codes beyond hp.obo"). Each code's
number and label were read in the source named in intake/fhir/data/snomed.yaml or icd10.yaml; each test also sends
a neighbouring code that must not raise the finding."""

from __future__ import annotations

import pytest

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from rarebone.core.evidence import FactStatus  # noqa: E402
from rarebone.intake.fhir import codes as C  # noqa: E402
from rarebone.intake.fhir import read_bundle_dict  # noqa: E402

SCT = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _bundle(system: str, code: str) -> dict:
    patient = {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "2020-01-01"}}
    condition = {"resource": {"resourceType": "Condition", "id": "c1", "subject": {"reference": "Patient/p1"},
                              "recordedDate": "2026-01-01", "code": {"coding": [{"system": system, "code": code}]},
                              "verificationStatus": {"coding": [{"system": VER, "code": "confirmed"}]}}}
    return {"resourceType": "Bundle", "type": "collection", "entry": [patient, condition]}


def _finding(kb, onto, system: str, code: str, finding_id: str) -> FactStatus:
    from rarebone.cno.findings import FindingEvaluator
    from rarebone.cno.record import read_cno_record

    patient = read_bundle_dict(_bundle(system, code)).patient
    return FindingEvaluator(patient, read_cno_record(patient.extensions.get("cno"), kb), kb, onto)(finding_id).status


def test_snomed_bacteremia_raises_proven_infection_against_cno_as_read_in_synthea(kb, onto):
    # SNOMED CT 5758002 "Bacteremia (finding)" (Synthea module acute_myeloid_leukemia.json) -> HP:0031864 Bacteremia
    assert _finding(kb, onto, SCT, "5758002", "CNO-FINDING-PROVEN-INFECTION") is FactStatus.PRESENT
    # the whole assessment counts it against CNO (CNO-SUSP-INFECTION), with the table and its certainty shown
    from rarebone.workflows.assess import assess_patient

    result = read_bundle_dict(_bundle(SCT, "5758002"))
    against = {e.knowledge_id for e in assess_patient(result.patient, result.warnings).suspicion["cno"].evidence_against}
    assert "CNO-SUSP-INFECTION" in against
    assert C.map_code(SCT, "5758002").source == "rarebone SNOMED CT table (SYNTHEA-AML-MODULE, secondary)"


def test_snomed_febrile_neutropenia_is_not_read_as_a_proven_infection(kb, onto):
    # 409089005 "Febrile neutropenia (disorder)", the sibling state in the same Synthea module: fever in a
    # neutropenic child is not a proven infection, and the intake does not read it as one.
    assert C.map_code(SCT, "409089005") is None
    assert _finding(kb, onto, SCT, "409089005", "CNO-FINDING-PROVEN-INFECTION") is not FactStatus.PRESENT


def test_snomed_sweet_syndrome_raises_the_neutrophilic_dermatosis_clue_as_read_in_medgen(kb, onto):
    # SNOMED CT 84625002 "Acute febrile neutrophilic dermatosis" (NCBI MedGen C0085077: Sweet syndrome) ->
    # HP:0031234 Neutrophilic infiltration of the skin, the Majeed 'Sweet-like dermatosis' clue
    assert C.map_code(SCT, "84625002").hpo_id == "HP:0031234"
    assert _finding(kb, onto, SCT, "84625002", "CNO-FINDING-NEUTROPHILIC-DERMATOSIS") is FactStatus.PRESENT
    assert _finding(kb, onto, SCT, "84625002", "CNO-FINDING-PPP") is not FactStatus.PRESENT


def test_snomed_palmoplantar_pustulosis_stays_ppp_not_neutrophilic_dermatosis(kb, onto):
    # 27520001 Pustulosis palmaris et plantaris (hp.obo xref of HP:0100847): the neighbouring pustular CNO skin sign
    assert _finding(kb, onto, SCT, "27520001", "CNO-FINDING-PPP") is FactStatus.PRESENT
    assert _finding(kb, onto, SCT, "27520001", "CNO-FINDING-NEUTROPHILIC-DERMATOSIS") is not FactStatus.PRESENT


def test_icd10_l88_pyoderma_gangrenosum_raises_papa_signs_against_who_icd10(kb, onto):
    # WHO ICD-10 L88 "Pyoderma gangrenosum" -> HP:0025452; L98.2 "Febrile neutrophilic dermatosis [Sweet]" -> HP:0031234
    assert _finding(kb, onto, ICD10, "L88", "CNO-FINDING-PAPA-SIGNS") is FactStatus.PRESENT
    assert _finding(kb, onto, ICD10, "L98.2", "CNO-FINDING-NEUTROPHILIC-DERMATOSIS") is FactStatus.PRESENT
    # the sibling L98.8 (other specified disorders of skin) is not understood, and nothing is raised
    assert C.map_code(ICD10, "L98.8") is None
    assert _finding(kb, onto, ICD10, "L98.8", "CNO-FINDING-NEUTROPHILIC-DERMATOSIS") is not FactStatus.PRESENT


def test_every_snomed_table_row_names_a_listed_source_and_a_known_term(onto):
    """A row must say where its code was read: `via` is a listed source; a `secondary` row's source gives an
    address; every HPO target exists in the ontology the intake uses."""
    import yaml

    doc = yaml.safe_load((C.DATA / "snomed.yaml").read_text(encoding="utf-8"))
    for row in doc["codes"]:
        assert row["via"] in doc["sources"], row["code"]
        assert row["certainty"] in ("verified", "secondary", "unverified"), row["code"]
        if row["certainty"] == "secondary":
            assert "https://" in doc["sources"][row["via"]], row["code"]
        if row.get("hpo"):
            assert onto.exists(row["hpo"]), row["code"]


def test_the_committed_real_case_bundles_carry_none_of_the_table_codes():
    """The converter sends hp.obo's own xrefs only, so the FHIR-path figures in docs/validation.md do not move
    with this table. If a bundle ever carries one of its codes, those figures must be measured again."""
    import json

    from tests.conftest import ROOT

    table = set(C._snomed()) - {"49218002", "240151005"}  # the two rows that are hp.obo / screen codes anyway
    seen = set()
    for folder in ("tests/data/real-cases-fhir", "tests/data/real-cases-heldout-fhir"):
        for path in (ROOT / folder).rglob("*.json"):
            bundle = json.loads(path.read_text(encoding="utf-8"))
            for entry in bundle.get("entry", []):
                for coding in (entry["resource"].get("code") or {}).get("coding", []):
                    if coding.get("system") == SCT:
                        seen.add(coding.get("code"))
    assert seen, "no SNOMED CT code found in the committed bundles: the test reads nothing"
    assert not (table & seen)
