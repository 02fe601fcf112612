"""Issue 9: diagnoses recorded in a Phenopacket (diseases, interpretations[].diagnosis.disease) are recognised by
OMIM, MONDO and Orphanet id through core/disease_xrefs.yaml (Mondo release v2026-08-04 exact matches), listed in the
Assessment, and checked against the recorded genotype. They do not change the suspicion level."""

from __future__ import annotations

import copy
import json

import pytest

from rarebone.intake import read_phenopacket_dict
from rarebone.knowledge.kinds.base import DiseaseXref
from rarebone.workflows.assess import assess_patient
from tests.conftest import EXAMPLES


@pytest.fixture
def tcirg1():
    return json.loads((EXAMPLES / "tcirg1-infant.json").read_text())


def _assess(document):
    result = read_phenopacket_dict(document)
    return assess_patient(result.patient, result.warnings)


@pytest.mark.parametrize("term_id", ["OMIM:259700", "MONDO:0009815", "mondo:0009815"])
def test_optb1_recognised_by_omim_or_mondo_against_mondo_2026_08_04(tcirg1, term_id):
    tcirg1["diseases"][0]["term"]["id"] = term_id
    d = read_phenopacket_dict(tcirg1).patient.recorded_diagnoses[0]  # [1] is the interpretation's OMIM id
    assert d.json_path == "$.diseases[0].term"
    assert (d.xref_id, d.kb_entry, d.gene, d.condition) == ("DX-OPTB1", "OP-GENE-TCIRG1", "TCIRG1", "osteopetrosis")


@pytest.mark.parametrize("term_id", ["ORPHA:324964", "Orphanet:324964", "MONDO:0009813"])
def test_cno_recognised_by_orphanet_in_either_spelling_against_mondo_2026_08_04(tcirg1, term_id):
    tcirg1["diseases"] = [{"term": {"id": term_id, "label": "Chronic nonbacterial osteomyelitis"}}]
    tcirg1.pop("interpretations")
    (d,) = read_phenopacket_dict(tcirg1).patient.recorded_diagnoses
    assert (d.term_id.split(":")[0], d.xref_id, d.condition) == (term_id.split(":")[0].replace("Orphanet", "ORPHA"), "DX-CNO", "cno")


def test_interpretation_disease_is_read_and_an_unknown_id_is_listed_unrecognised(tcirg1):
    tcirg1["diseases"] = [{"term": {"id": "OMIM:100100", "label": "Prune belly syndrome"}}]
    patient = read_phenopacket_dict(tcirg1).patient
    by_id = {d.term_id: d for d in patient.recorded_diagnoses}
    assert by_id["OMIM:100100"].xref_id is None
    interp_ids = [d.term_id for d in patient.recorded_diagnoses if d.json_path.startswith("$.interpretations")]
    assert interp_ids  # the example's interpretation names its disease too (deduplicated against diseases)


def test_excluded_disease_is_not_a_recorded_diagnosis(tcirg1):
    tcirg1["diseases"] = [{"term": {"id": "OMIM:259700", "label": "Osteopetrosis, autosomal recessive 1"}, "excluded": True}]
    tcirg1.pop("interpretations")
    assert read_phenopacket_dict(tcirg1).patient.recorded_diagnoses == ()


def test_diagnosis_contradicting_the_genotype_is_a_warning_and_the_level_is_unchanged(tcirg1):
    before = _assess(copy.deepcopy(tcirg1))
    tcirg1["diseases"][0]["term"] = {"id": "OMIM:259720", "label": "Osteopetrosis, autosomal recessive 5"}  # OSTM1
    after = _assess(tcirg1)
    assert any("OMIM:259720" in w and "OSTM1" in w and "TCIRG1" in w and "disagree" in w for w in after.warnings)
    assert after.suspicion["osteopetrosis"].level == before.suspicion["osteopetrosis"].level
    assert after.suspicion["osteopetrosis"].score == before.suspicion["osteopetrosis"].score
    listed = {d.id: d for d in after.recorded_diagnoses}
    assert listed["OMIM:259720"].maps_to == "OP-GENE-OSTM1" and listed["OMIM:259720"].citations == ["MONDO-2026-08-04"]


def test_matching_diagnosis_gives_no_warning(tcirg1):
    assert not [w for w in _assess(tcirg1).warnings if "recorded diagnosis" in w]


def test_diagnosis_naming_a_gene_without_genotype_is_missing_data(tcirg1):
    tcirg1.pop("interpretations")
    a = _assess(tcirg1)
    assert any("OMIM:259700" in m and "no genotype is recorded" in m for m in a.missing_data)


def test_every_gene_table_disease_has_a_cross_reference(kb):
    # Every OMIM id of osteopetrosis/genes.yaml and cno/monogenic.yaml is recognised, mapped to its own entry,
    # with the same gene.
    xrefs = {i: x for x in kb.of_kind(DiseaseXref) for i in x.ids}
    checked = 0
    for entry in kb.with_prefix("OP-GENE-") + kb.with_prefix("CNO-MONO-"):
        if getattr(entry, "omim", None):
            x = xrefs[entry.omim]
            assert x.kb_entry == entry.id and (x.gene is None or x.gene == entry.gene), entry.id
            checked += 1
    assert checked >= 17


def test_no_disease_id_is_claimed_by_two_entries(kb):
    # An id in two entries would silently map to whichever loaded last.
    owners: dict[str, str] = {}
    for x in kb.of_kind(DiseaseXref):
        for i in x.ids:
            assert i.split(":")[0] in ("OMIM", "MONDO", "ORPHA", "ICD10", "SNOMED"), (x.id, i)  # SNOMED: FHIR intake
            assert owners.setdefault(i, x.id) == x.id, (i, owners[i], x.id)
