"""What an EHR sends that the real-case measurement (docs/validation.md "Through the EHR") showed the FHIR intake
misread: dated onsets, laterality and severity outside the problem code, SNOMED CT codes that HPO gives to several
terms, text-only problems, and the SNOMED CT codes of the OMOP screen's concept sets."""

from __future__ import annotations

import pytest

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from rarebone.intake.fhir import codes as C  # noqa: E402
from rarebone.intake.fhir import read_bundle_dict  # noqa: E402
from rarebone.workflows.assess import assess_patient  # noqa: E402

SCT = "http://snomed.info/sct"
VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"


def _condition(rid: str, code: dict, **extra) -> dict:
    return {"resource": {"resourceType": "Condition", "id": rid, "subject": {"reference": "Patient/p1"},
                         "recordedDate": "2026-01-01", "code": code,
                         "verificationStatus": {"coding": [{"system": VER, "code": "confirmed"}]}, **extra}}


def _bundle(*entries: dict, birth: str = "2025-12-31") -> dict:
    patient = {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": birth}}
    return {"resourceType": "Bundle", "type": "collection", "entry": [patient, *entries]}


def _sct(code: str) -> dict:
    return {"coding": [{"system": SCT, "code": code}]}


def test_a_dated_neonatal_hypocalcaemia_raises_the_neonatal_flag_against_hpo_neonatal_onset():
    # S0 red flag "neonatal hypocalcaemia": onset within the neonatal period (HPO HP:0003623 Neonatal onset,
    # 0-28 days). An EHR dates the onset (onsetDateTime); before the fix the date was never turned into an age.
    # SNOMED CT 5291005 Hypocalcemia is HPO's own xref of HP:0002901 (hp.obo 2025-01-16).
    day1 = _bundle(_condition("c1", _sct("5291005"), onsetDateTime="2026-01-01"))
    result = read_bundle_dict(day1)
    assert result.patient.features[0].onset.age_days == 1
    evidence = {e.knowledge_id for e in assess_patient(result.patient, result.warnings).suspicion["osteopetrosis"].evidence_for}
    assert "OP-FLAG-NEONATAL-HYPOCALCEMIA" in evidence
    # the other side: the same finding dated at 100 days is not neonatal
    late = read_bundle_dict(_bundle(_condition("c1", _sct("5291005"), onsetDateTime="2026-04-10")))
    assert late.patient.features[0].onset.age_days == 100
    evidence = {e.knowledge_id for e in assess_patient(late.patient, late.warnings).suspicion["osteopetrosis"].evidence_for}
    assert "OP-FLAG-NEONATAL-HYPOCALCEMIA" not in evidence


def test_laterality_and_severity_become_hpo_modifiers_through_hpo_xrefs():
    # HPO's own SNOMED CT xrefs (hp.obo 2025-01-16): 51440002 -> HP:0012832 Bilateral, 24484000 -> HP:0012828 Severe
    bundle = _bundle(_condition("c1", _sct("12584003"), bodySite=[_sct("51440002")], severity=_sct("24484000")))
    result = read_bundle_dict(bundle)
    assert set(result.patient.features[0].modifiers) == {"HP:0012832", "HP:0012828"}


def test_an_anatomical_body_site_is_listed_not_dropped():
    bundle = _bundle(_condition("c1", _sct("12584003"), bodySite=[{"coding": [{"system": SCT, "code": "12611008",
                                                                              "display": "Tibia"}]}]))
    result = read_bundle_dict(bundle)
    assert result.patient.features[0].modifiers == ()
    assert any("body site or severity" in w and "12611008" in w for w in result.warnings)


def test_a_snomed_code_hpo_gives_to_a_term_and_its_descendant_reads_as_the_general_term():
    # SNOMED CT 20255002 is the xref of both HP:0010783 Erythema and its descendant HP:0001041 Facial erythema
    # (hp.obo 2025-01-16): the code says erythema, never "facial".
    assert C.map_code(SCT, "20255002").hpo_id == "HP:0010783"


def test_a_text_only_problem_with_no_known_phrase_is_listed_as_not_understood():
    result = read_bundle_dict(_bundle(_condition("c1", {"text": "Seen by the orthopaedic team"})))
    assert result.patient.features == ()
    assert any('text-only code "Seen by the orthopaedic team" not understood' in w for w in result.warnings)


def test_a_text_only_problem_naming_a_knowledge_term_is_read_and_marked_as_read_from_text():
    # ehr-text: the HPO label as an EHR's free-text problem is read (intake/fhir/text.py), never silently.
    result = read_bundle_dict(_bundle(_condition("c1", {"text": "Sandwich appearance of vertebral bodies"})))
    (feature,) = result.patient.features
    assert feature.hpo_id == "HP:0004618" and not feature.excluded
    assert 'from text "Sandwich appearance of vertebral bodies" at $.entry[1].resource.code.text' in feature.label


def test_crmo_coded_in_snomed_is_recognised_as_cno_like_icd10_m86_3():
    # SNOMED CT 240151005 Chronic multifocal osteomyelitis: the OHDSI concept set code (screen SCREEN-SET-DX-CNO)
    result = read_bundle_dict(_bundle(_condition("c1", _sct("240151005"))))
    assert [d.term_id for d in result.patient.diseases] == ["SNOMED:240151005"]
    (dx,) = assess_patient(result.patient, result.warnings).recorded_diagnoses
    assert (dx.id, dx.condition, dx.knowledge_id, dx.certainty) == ("SNOMED:240151005", "cno", "DX-CNO-SNOMED", "secondary")


def _screen_sets():
    import yaml

    from tests.conftest import ROOT

    doc = yaml.safe_load((ROOT / "src/rarebone/knowledge/data/screening/concept_sets.yaml").read_text(encoding="utf-8"))
    return [e for e in doc["entries"] if e.get("role") in ("finding", "diagnosis")]


def test_every_snomed_code_of_the_screen_means_the_same_finding_to_the_fhir_intake():
    """Each SNOMED CT code the OMOP screen uses for a red flag or diagnosis is read by the FHIR intake as one of that
    set's HPO terms (or a descendant), or as a disease the knowledge base recognises for that condition; every
    exception is listed with its reason in intake/fhir/data/snomed.yaml (`differences`)."""
    from rarebone.knowledge import disease_index
    from rarebone.phenotype import ontology

    onto, differences, wrong = ontology(), C.snomed_differences(), []
    for entry in _screen_sets():
        for code in (c for c in entry.get("codes", []) if c["vocabulary"] == "SNOMED"):
            mapped = C.map_code(SCT, code["code"])
            if code["code"] in differences:
                assert differences[code["code"]]["screen_set"] == entry["id"]
                continue
            if mapped and mapped.hpo_id and any(onto.is_a(mapped.hpo_id, t) for t in entry.get("hpo") or []):
                continue
            if mapped and mapped.disease_id and mapped.disease_id in disease_index():
                continue
            wrong.append(f"{entry['id']} {code['code']} {code['label']}: read as {mapped}")
    assert not wrong, "\n".join(wrong)


def test_the_listed_differences_are_still_different():
    """A difference that the intake no longer has must leave the list (no stale excuses)."""
    from rarebone.phenotype import ontology

    onto = ontology()
    sets = {e["id"]: e for e in _screen_sets()} | {"SCREEN-SET-HSCT": {"hpo": []}}
    for code, row in C.snomed_differences().items():
        mapped = C.map_code(SCT, code)
        hpo = sets[row["screen_set"]].get("hpo") or []
        assert not (mapped and mapped.hpo_id and any(onto.is_a(mapped.hpo_id, t) for t in hpo)), code


@pytest.mark.parametrize("code,hpo,unverified", [
    ("R79.82", "HP:0011227", False),  # ICD-10-CM Elevated C-reactive protein (CRP): CNO inflammation finding
    ("R70.0", "HP:0003565", False),   # Elevated erythrocyte sedimentation rate: CNO inflammation finding
    ("Q75.3", "HP:0000256", True),    # Macrocephaly: OP-FLAG-MACROCEPHALY (recalled)
    ("M85.2", "HP:0004437", True),    # Hyperostosis of skull: look-alike sign (recalled)
])
def test_icd10_codes_the_knowledge_base_needs_are_read_and_recalled_ones_say_unverified(code, hpo, unverified):
    mapped = C.map_code("http://hl7.org/fhir/sid/icd-10-cm", code)
    assert mapped.hpo_id == hpo
    assert ("UNVERIFIED" in mapped.source) is unverified


def test_hip_pain_reads_as_hip_pain_not_arthralgia_of_the_hip():
    # hp.obo 2025-01-16 gives SNOMED CT 49218002 to HP:0003365 Arthralgia of the hip and HP:0030838 Hip pain; the
    # CNO bone-pain finding reads Hip pain (cno/findings.yaml). The choice is rarebone's and says UNVERIFIED.
    mapped = C.map_code(SCT, "49218002")
    assert mapped.hpo_id == "HP:0030838" and "UNVERIFIED" in mapped.source


def test_phenotype_only_strips_the_diagnosis_and_the_genotype_of_a_bundle(tmp_path):
    """`rarebone validate --phenotype-only` on FHIR Bundles removes what it removes from Phenopackets: disease-coded
    Conditions (diagnoses) and variant Observations (interpretations)."""
    import json

    from rarebone.intake import read_phenopacket
    from rarebone.validation.job import ANSWER_FIELDS

    loinc = "http://loinc.org"
    variant = {"resource": {"resourceType": "Observation", "id": "v1", "status": "final",
                            "subject": {"reference": "Patient/p1"},
                            "code": {"coding": [{"system": loinc, "code": "69548-6"}]},
                            "component": [{"code": {"coding": [{"system": loinc, "code": "48018-6"}]},
                                           "valueCodeableConcept": {"coding": [{"system": "http://www.genenames.org/geneId",
                                                                                "code": "HGNC:11647", "display": "TCIRG1"}]}}]}}
    bundle = _bundle(_condition("c1", _sct("5291005")), _condition("c2", _sct("240151005")), variant)
    path = tmp_path / "b.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    whole = read_phenopacket(path).patient
    assert whole.diseases and whole.variants
    stripped = read_phenopacket(path, strip=ANSWER_FIELDS).patient
    assert not stripped.diseases and not stripped.variants
    assert [f.hpo_id for f in stripped.features] == ["HP:0002901"]
