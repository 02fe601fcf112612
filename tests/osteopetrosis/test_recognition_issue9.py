"""Issue 9/10 recognition classes on plain Phenopackets (no rareboneExtensions): radiological sclerosis outside
the 'Increased bone mineral density' subtree, near-synonymous terms, radiology + systemic sign in an infant,
sclerosing-dysplasia look-alikes, the leukaemia/JMML warning with CD34+ cells, genotypes left incomplete."""

from __future__ import annotations

from rarebone.intake.phenopacket import read_phenopacket_dict
from rarebone.workflows.assess import assess_patient

META = {"created": "2026-01-01T00:00:00Z", "createdBy": "test", "phenopacketSchemaVersion": "2.0", "resources": []}


def _assess(features, age="P3M", measurements=(), variants=(), diseases=()):
    doc = {"id": "t", "subject": {"id": "p", "timeAtLastEncounter": {"age": {"iso8601duration": age}}}, "metaData": META,
           "phenotypicFeatures": [
               {"type": {"id": t, "label": label}, **({"excluded": True} if excl else {}),
                **({"modifiers": [{"id": m, "label": m} for m in mods]} if mods else {})}
               for t, label, excl, mods in ((f + (False, ()))[:4] if len(f) < 4 else f for f in features)]}
    if measurements:
        doc["measurements"] = list(measurements)
    if variants:
        doc["interpretations"] = [{"id": "i", "progressStatus": "SOLVED", "diagnosis": {"disease": {"id": "OMIM:259700", "label": "x"},
                                   "genomicInterpretations": [{"subjectOrBiosampleId": "p", "interpretationStatus": "CAUSATIVE",
                                   "variantInterpretation": {"variationDescriptor": {"id": f"v{i}", "geneContext": {"valueId": "HGNC:0", "symbol": g},
                                   **({"allelicState": {"id": s, "label": s}} if s else {})}}} for i, (g, s) in enumerate(variants)]}}]
    if diseases:
        doc["diseases"] = [{"term": {"id": d, "label": d}} for d in diseases]
    r = read_phenopacket_dict(doc, "test.json")
    return assess_patient(r.patient, r.warnings)


BMD = ("HP:0011001", "Increased bone mineral density")
GEN_OSTEOSCLEROSIS = ("HP:0005789", "Generalized osteosclerosis")
ANEMIA = ("HP:0001903", "Anemia")
THROMBO = ("HP:0001873", "Thrombocytopenia")
LEUKO = ("HP:0001974", "Increased total leukocyte count")
OPTIC = ("HP:0000648", "Optic atrophy")


def _op(a):
    return a.suspicion["osteopetrosis"]


def test_dense_bones_same_level_whichever_near_synonym_against_reference_a2():
    # Reference A2 lists HP:0011002, HP:0005789 and HP:0011001 for the one hallmark.
    a, b = _assess([BMD, OPTIC]), _assess([GEN_OSTEOSCLEROSIS, OPTIC])
    assert _op(a).level == _op(b).level == _op(a).level.HIGH


def test_site_sclerosis_outside_bmd_subtree_counts_as_radiology():
    # Sclerotic vertebral body (HP:0100861) and thickened cortex (HP:0000935) are not under HP:0011001.
    for term in (("HP:0100861", "Sclerotic vertebral body"), ("HP:0000935", "Thickened cortex of long bones")):
        s = _op(_assess([term]))
        assert any(e.knowledge_id == "OP-FLAG-SITE-SCLEROSIS" for e in s.evidence_for)
        assert "no skeletal radiograph finding recorded" not in s.explanation


def test_sclerotic_endplates_count_as_sandwich_vertebrae():
    s = _op(_assess([("HP:0004576", "Sclerotic vertebral endplates")]))
    assert any(e.knowledge_id == "OP-FLAG-SANDWICH-VERTEBRAE" for e in s.evidence_for)


def test_radiology_plus_systemic_sign_is_moderate_both_sides_against_s0():
    # S0: radiographs are diagnostic; marrow and calcium signs are red flags. Site sclerosis (3) + anaemia (1)
    # scores 4, below the moderate score, yet is moderate; without the radiology it stays below.
    site = ("HP:0100923", "Clavicular sclerosis")
    with_sign = _op(_assess([site, ANEMIA]))
    assert with_sign.level.value == "moderate" and "raised to moderate" in with_sign.explanation
    assert _op(_assess([site])).level.value == "low"
    assert _op(_assess([ANEMIA])).level.value in ("none", "low")


def test_no_radiograph_message_only_when_none_counts():
    assert "no skeletal radiograph finding recorded" in _op(_assess([OPTIC, ANEMIA, THROMBO])).explanation
    assert "no skeletal radiograph finding recorded" not in _op(_assess([BMD, OPTIC])).explanation
    a = _assess([("HP:0100923", "Clavicular sclerosis"), ANEMIA])
    assert not any("no skeletal radiograph finding" in m for m in a.missing_data)


def test_pycnodysostosis_lookalike_holds_at_moderate_and_warns_first():
    a = _assess([GEN_OSTEOSCLEROSIS, OPTIC, ("HP:0001842", "Foot acroosteolysis")])
    assert _op(a).level.value == "moderate"
    assert a.mimics[0].id == "OP-LOOKALIKE-PYCNODYSOSTOSIS"
    assert a.recommendations[0].id == "OP-REC-CONSIDER-MIMIC-WORKUP"
    # Marrow failure belongs to osteopetrosis: the pointer is cancelled and the level is high again.
    b = _assess([GEN_OSTEOSCLEROSIS, OPTIC, ("HP:0001842", "Foot acroosteolysis"), ("HP:0001876", "Pancytopenia")])
    assert _op(b).level.value == "high" and not b.mimics


def test_camurati_engelmann_needs_both_diaphyseal_sclerosis_and_myopathy_signs():
    dia = ("HP:0003034", "Diaphyseal sclerosis")
    assert any(m.id == "OP-LOOKALIKE-CAMURATI-ENGELMANN" for m in _assess([dia, ("HP:0001324", "Muscle weakness")]).mimics)
    assert not any(m.id == "OP-LOOKALIKE-CAMURATI-ENGELMANN" for m in _assess([dia]).mimics)


def test_leukaemia_warning_not_silenced_by_density_term_issue10():
    a = _assess([ANEMIA, THROMBO, LEUKO, BMD])
    assert any(m.id == "OP-MIMIC-LEUKAEMIA-JMML" for m in a.mimics)


def test_leukaemia_warning_settled_by_generalised_hallmark_or_marrow_exam():
    assert not any(m.id == "OP-MIMIC-LEUKAEMIA-JMML" for m in _assess([ANEMIA, THROMBO, LEUKO, GEN_OSTEOSCLEROSIS]).mimics)
    marrow = ("HP:0031020", "Bone marrow hypercellularity")
    assert not any(m.id == "OP-MIMIC-LEUKAEMIA-JMML" for m in _assess([ANEMIA, THROMBO, LEUKO, marrow]).mimics)


def _cd34(value, high=None):
    q = {"unit": {"id": "UCUM:%", "label": "%"}, "value": value}
    if high is not None:
        q["referenceRange"] = {"unit": {"id": "UCUM:%", "label": "%"}, "low": 0.0, "high": high}
    return {"assay": {"id": "LOINC:8125-7", "label": "CD34 cells/100 cells in Blood"}, "value": {"quantity": q}}


def test_cd34_cells_trigger_the_warning_against_the_labs_range_loinc_8125_7():
    above = _assess([ANEMIA, THROMBO], measurements=[_cd34(4.0, high=1.0)])
    assert any(m.id == "OP-MIMIC-LEUKAEMIA-JMML" for m in above.mimics)
    within = _assess([ANEMIA, THROMBO], measurements=[_cd34(0.5, high=1.0)])
    assert not any(m.id == "OP-MIMIC-LEUKAEMIA-JMML" for m in within.mimics)
    # no cytopenia: no warning whatever the CD34 count
    assert not any(m.id == "OP-MIMIC-LEUKAEMIA-JMML" for m in _assess([OPTIC], measurements=[_cd34(4.0, high=1.0)]).mimics)


def test_cd34_analyte_is_read_with_its_loinc(kb):
    from rarebone.knowledge import unit_converter

    assert unit_converter().analyte_for_loinc("LOINC:8125-7").key == "cd34_percent"
    assert unit_converter().analyte_for_loinc("LOINC:26446-5").key == "blasts_percent"


def test_recorded_diagnosis_confirms_but_recognition_does_not_need_it():
    assert _op(_assess([ANEMIA], diseases=["OMIM:259700"])).level.value == "high"
    assert _op(_assess([ANEMIA])).level.value in ("none", "low")


def test_ostm1_not_indicated_whatever_the_allelic_state_against_reference_a1():
    for state in ("GENO:0000136", "GENO:0000135", None):
        a = _assess([BMD, OPTIC], variants=[("OSTM1", state)])
        assert a.hsct.recommendation.value == "not_indicated", state


def test_single_heterozygous_tcirg1_has_its_own_explicit_answer():
    a = _assess([BMD, OPTIC], variants=[("TCIRG1", "GENO:0000135")])
    assert a.hsct.recommendation.value == "undetermined"
    text = " ".join(r.text for r in a.hsct.reasons)
    assert "second allele was missed" in text and "carrier" in text and "indicated" in text


def test_unknown_allelic_state_says_what_each_state_would_mean():
    a = _assess([BMD, OPTIC], variants=[("TNFRSF11A", None)])
    assert a.hsct.recommendation.value == "undetermined"
    text = a.hsct.reasons[0].text
    assert "allelic state not recorded" in text and "biallelic: indicated" in text
    b = _assess([BMD, OPTIC], variants=[("TNFRSF11A", "GENO:0000136")])
    assert b.hsct.recommendation.value == "indicated"
