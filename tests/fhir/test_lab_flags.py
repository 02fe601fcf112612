"""Laboratory values as EHRs send them: the lab's abnormal flag, one-sided ranges, or no range at all.

A general paediatrician's record is mostly laboratory Observations. A value counts as a finding through the
laboratory's own reference range or its flag (Observation.interpretation, HL7 v3-ObservationInterpretation); with
neither, through a published age-specific limit where one exists (phenotype/lab_fallback_limits.yaml); a value no
limit covers is listed, never dropped.
"""

from __future__ import annotations

import copy

import pytest

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from rarebone.intake import read_phenopacket_dict  # noqa: E402
from rarebone.intake.fhir import read_bundle_dict  # noqa: E402
from rarebone.workflows.assess import assess_patient  # noqa: E402

V3 = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
V2 = "http://terminology.hl7.org/CodeSystem/v2-0078"


def _quantity(value: float, unit: str) -> dict:
    return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit}


def _lab(rid: str, loinc: str, value: float, unit: str, **extra) -> dict:
    return {"resource": {"resourceType": "Observation", "id": rid, "status": "final",
                         "subject": {"reference": "Patient/p1"}, "effectiveDateTime": "2026-11-20",
                         "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
                         "valueQuantity": _quantity(value, unit), **extra}}


def _bundle(*labs: dict) -> dict:
    patient = {"resource": {"resourceType": "Patient", "id": "p1", "gender": "male", "birthDate": "2026-07-20"}}
    return {"resourceType": "Bundle", "type": "collection", "entry": [patient, *labs]}


def _flag(code: str, system: str = V3) -> dict:
    return {"interpretation": [{"coding": [{"system": system, "code": code}]}]}


# An infant seen by a general paediatrician: haemoglobin 71 g/L, platelets 41 x10^9/L, calcium 6.9 mg/dL.
INFANT_LABS = (("hb", "718-7", 7.1, "g/dL"), ("plt", "777-3", 41, "10*3/uL"), ("ca", "17861-6", 6.9, "mg/dL"))


def _assess(bundle: dict):
    return assess_patient(read_bundle_dict(copy.deepcopy(bundle), source="bundle.json").patient)


def _derived(assessment) -> set[str]:
    return {e.patient_fact.split(" (derived")[0].split()[0] for e in assessment.suspicion["osteopetrosis"].evidence_for
            if "derived" in e.patient_fact}


@pytest.mark.parametrize("system", [V3, V2])
@pytest.mark.parametrize("code", ["L", "LL"])
def test_low_flag_makes_the_marrow_and_calcium_findings(code, system):
    a = _assess(_bundle(*(_lab(r, c, v, u, **_flag(code, system)) for r, c, v, u in INFANT_LABS)))
    assert a.suspicion["osteopetrosis"].level.value == "moderate"
    facts = " ".join(e.patient_fact for e in a.suspicion["osteopetrosis"].evidence_for)
    assert "flagged low by the laboratory" in facts
    assert {"HP:0001903", "HP:0001873", "HP:0002901"} <= {
        t for e in a.suspicion["osteopetrosis"].evidence_for for t in e.patient_fact.split() if t.startswith("HP:")}


def test_without_range_or_flag_the_published_limits_read_the_values():
    # A 4-month-old (born 2026-07-20, labs 2026-11-20): haemoglobin 71 g/L < 95 (DALLMAN1977, 3-6 months),
    # platelets 41 < 150 (MURPHY1999), calcium 1.72 mmol/L < 2.0 (GOMELLA2020-CALCIUM, after 28 days).
    a = _assess(_bundle(*(_lab(r, c, v, u) for r, c, v, u in INFANT_LABS)))
    assert a.suspicion["osteopetrosis"].level.value == "moderate"
    facts = " ".join(e.patient_fact for e in a.suspicion["osteopetrosis"].evidence_for)
    for entry in ("LABFALLBACK-HB-3-5M", "LABFALLBACK-PLATELETS", "LABFALLBACK-CALCIUM"):
        assert entry in facts
    assert "the record gives no reference range or laboratory flag" in facts
    assert not [m for m in a.missing_data if m.startswith("not interpreted:")]


def test_a_value_no_published_limit_covers_is_listed_not_read():
    # Leukocytes: no fallback limit (age-specific counts differ too much to pick one): listed, never dropped.
    a = _assess(_bundle(_lab("wbc", "6690-2", 2.1, "10*3/uL")))
    listed = [m for m in a.missing_data if m.startswith("not interpreted:")]
    assert len(listed) == 1 and "6690-2" in listed[0]
    assert not _derived(a)


def test_a_normal_flag_is_not_a_finding_and_overrules_the_published_limit():
    # 9.0 g/dL at 4 months is below the published 95 g/L, but the laboratory said "N": its word wins.
    a = _assess(_bundle(_lab("hb", "718-7", 9.0, "g/dL", **_flag("N"))))
    assert not _derived(a)
    assert not any(m.startswith("not interpreted: hemoglobin") for m in a.missing_data)
    m = read_bundle_dict(_bundle(_lab("hb", "718-7", 9.0, "g/dL", **_flag("N"))), source="b.json").patient.measurements[0]
    assert m.outside_reference("below") == (False, "flagged normal by the laboratory")


def test_contradictory_flags_are_not_read():
    lab = _lab("hb", "718-7", 7.1, "g/dL", interpretation=[{"coding": [{"system": V3, "code": "L"}]},
                                                            {"coding": [{"system": V3, "code": "H"}]}])
    patient = read_bundle_dict(_bundle(lab), source="b.json").patient
    assert patient.measurements[0].lab_flag is None


def test_a_flag_from_an_unknown_code_system_is_not_read():
    patient = read_bundle_dict(_bundle(_lab("hb", "718-7", 7.1, "g/dL", **_flag("L", "urn:local:flags"))),
                               source="b.json").patient
    assert patient.measurements[0].lab_flag is None


def test_the_range_wins_over_the_flag():
    # The number the laboratory printed is more exact than its flag; a value inside the range is not a finding.
    lab = _lab("hb", "718-7", 10.5, "g/dL", referenceRange=[{"low": _quantity(10.0, "g/dL"),
                                                             "high": _quantity(13.0, "g/dL")}], **_flag("L"))
    m = read_bundle_dict(_bundle(lab), source="b.json").patient.measurements[0]
    assert m.outside_reference("below") == (False, "below the lab's reference limit 100")


def test_one_sided_upper_range_reads_a_raised_crp():
    # CRP ranges are usually printed as "< 5 mg/L": only the high side.
    lab = _lab("crp", "1988-5", 40, "mg/L", referenceRange=[{"high": _quantity(5, "mg/L")}])
    m = read_bundle_dict(_bundle(lab), source="b.json").patient.measurements[0]
    assert (m.reference_low, m.reference_high) == (None, 5)
    assert m.outside_reference("above")[0] is True


def test_one_sided_lower_range_is_not_an_upper_limit_of_zero():
    # Before: an absent high side was read as 0, so every calcium above 0 became hypercalcaemia.
    lab = _lab("ca", "17861-6", 9.5, "mg/dL", referenceRange=[{"low": _quantity(8.8, "mg/dL")}])
    a = _assess(_bundle(lab))
    assert "HP:0003072" not in {f.hpo_id for f in read_bundle_dict(_bundle(lab), source="b.json").patient.features}
    assert not any("Hypercalcemia" in w for w in a.warnings)


def _packet_with_calcium_range(reference: dict) -> dict:
    return {"id": "p", "subject": {"id": "p", "sex": "FEMALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P4M"}}},
            "measurements": [{"assay": {"id": "LOINC:17861-6", "label": "Calcium"},
                              "value": {"quantity": {"unit": {"id": "UCUM:mmol/L", "label": "mmol/L"}, "value": 2.4,
                                                     "referenceRange": {"unit": {"id": "UCUM:mmol/L", "label": "mmol/L"},
                                                                        **reference}}}}],
            "metaData": {"created": "2026-01-01T00:00:00Z", "phenopacketSchemaVersion": "2.0.2", "resources": []}}


def test_phenopacket_range_without_high_is_no_upper_limit():
    m = read_phenopacket_dict(_packet_with_calcium_range({"low": 2.2}), source="p.json").patient.measurements[0]
    assert (m.reference_low, m.reference_high) == (2.2, None)
    assert m.outside_reference("above") == (None, "")
    assert m.outside_reference("below")[0] is False


def test_phenopacket_range_with_both_sides_still_reads_both():
    m = read_phenopacket_dict(_packet_with_calcium_range({"low": 2.2, "high": 2.7}), source="p.json").patient.measurements[0]
    assert (m.reference_low, m.reference_high) == (2.2, 2.7)
    assert m.outside_reference("above")[0] is False
