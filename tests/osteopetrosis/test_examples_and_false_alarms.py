"""The example children behave as written from the seeds; unrelated real cases rarely raise an alarm."""

from __future__ import annotations

import pytest

from rarebone.workflows.assess import assess_file
from tests.conftest import EXAMPLES


@pytest.mark.parametrize("name,level,hsct,urgency", [
    ("tcirg1-infant", "high", "indicated", "urgent"),
    ("ostm1-infant", "high", "not_indicated", "not_applicable"),
    ("clcn7-het-marrow-failure", "high", "case_by_case", "urgent"),
    ("clcn7-biallelic-neuro-pending", "high", "case_by_case", "urgent"),
    ("leukemia-like-no-radiology", "low", "undetermined", "not_applicable"),
    ("healthy-control", "none", "undetermined", "not_applicable"),
])
def test_example(name, level, hsct, urgency):
    a = assess_file(EXAMPLES / f"{name}.json")
    assert (a.suspicion["osteopetrosis"].level.value, a.hsct.recommendation.value, a.hsct.urgency.value) == (level, hsct, urgency)
    assert a.notice.startswith("Decision support")
    for rec in a.recommendations:
        assert rec.id and rec.citations, rec
    for source_id in {c for r in a.recommendations for c in r.citations}:
        assert source_id in a.citations


def test_leukaemia_like_child_gets_the_mimic_warning_first():
    a = assess_file(EXAMPLES / "leukemia-like-no-radiology.json")
    assert a.mimics and a.recommendations[0].id == "OP-REC-CONSIDER-MIMIC-WORKUP"


@pytest.mark.parametrize("path, panel", [
    (EXAMPLES / "healthy-control.json", False),                          # suspicion none: no panel
    (EXAMPLES.parent / "cno" / "cno-clavicle-tibia.json", False),        # a CNO child is not sent for an osteopetrosis panel
    (EXAMPLES / "leukemia-like-no-radiology.json", True),                # suspicion low: the panel stays on offer
])
def test_gene_panel_is_offered_only_when_osteopetrosis_is_in_question(path, panel):
    a = assess_file(path)
    assert a.genetics.status.value == "not_tested"
    assert bool(a.genetics.genes_to_test) is panel
    assert ("TCIRG1" in a.genetics.genes_to_test) is panel


def test_derived_lab_finding_is_shown_as_evidence():
    a = assess_file(EXAMPLES / "tcirg1-infant.json")
    anemia = next(e for e in a.suspicion["osteopetrosis"].evidence_for if e.knowledge_id == "OP-FLAG-ANEMIA")
    assert "derived" in anemia.patient_fact and "reference limit" in anemia.patient_fact


def test_false_alarm_rate_on_phenopacket_store(store_files):
    # None of these ~600 published cases has osteopetrosis; moderate or high is a false alarm.
    # Measured 2026-11-24: 1/599 moderate (AXIN1 sclerosing dysplasia with sandwich vertebrae), 0 high.
    levels = [assess_file(p).suspicion["osteopetrosis"].level.value for p in store_files]
    alarms = sum(level in ("moderate", "high") for level in levels)
    assert levels.count("high") == 0
    assert alarms / len(levels) <= 0.01


def test_workup_shows_a_coded_lab_result_without_a_number():
    """A measurement whose value is an ontology class (no number) is named, not formatted as a number
    (found by tests/adversarial/test_fuzz_inputs.py)."""
    import copy
    import json

    from rarebone.intake import read_phenopacket_dict
    from rarebone.workflows.assess import assess_patient
    from tests.conftest import EXAMPLES

    doc = json.loads((EXAMPLES / "tcirg1-infant.json").read_text())
    doc = copy.deepcopy(doc)
    doc["measurements"] = [{"assay": {"id": "LOINC:17861-6", "label": "Calcium [Mass/volume] in Serum or Plasma"},
                            "value": {"ontologyClass": {"id": "NCIT:C25181", "label": "Low"}}}]
    result = assess_patient(read_phenopacket_dict(doc).patient)
    texts = [e for w in result.workup for e in w.evidence]
    assert any("NCIT:C25181" in t for t in texts)
