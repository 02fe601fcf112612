"""FHIR R4 intake: the same child as a Bundle and as a Phenopacket gives the same calls; official HL7 examples are
read or refused as the specification says; every code rarebone does not understand is listed, never dropped."""

from __future__ import annotations

import datetime as dt

import copy
import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_cli

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from rarebone.errors import InputError  # noqa: E402
from rarebone.intake import read_phenopacket, read_phenopacket_dict  # noqa: E402
from rarebone.intake.fhir import codes  # noqa: E402
from rarebone.workflows.assess import assess_file, assess_patient  # noqa: E402

DATA = Path(__file__).parent / "data"
TCIRG1_PP = ROOT / "examples/phenopackets/tcirg1-infant.json"
TCIRG1_FHIR = ROOT / "examples/fhir/tcirg1-infant-bundle.json"
CNO_PP = ROOT / "examples/cno/cno-clavicle-tibia.json"
CNO_FHIR = ROOT / "examples/fhir/cno-clavicle-tibia-bundle.json"


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _features(patient) -> set[tuple[str, bool]]:
    return {(f.hpo_id, f.excluded) for f in patient.features}


@pytest.mark.parametrize("pp, bundle", [(TCIRG1_PP, TCIRG1_FHIR), (CNO_PP, CNO_FHIR)], ids=["tcirg1", "cno"])
def test_bundle_and_phenopacket_give_the_same_calls(pp, bundle):
    a, b = assess_file(pp), assess_file(bundle)
    for key in a.suspicion:
        assert (b.suspicion[key].level, b.suspicion[key].score) == (a.suspicion[key].level, a.suspicion[key].score), key
    assert b.hsct.recommendation == a.hsct.recommendation
    assert b.hsct.urgency == a.hsct.urgency
    assert b.genetics.status == a.genetics.status
    assert [r.id for r in b.recommendations] == [r.id for r in a.recommendations]
    x, y = read_phenopacket(pp).patient, read_phenopacket(bundle).patient
    assert _features(y) == _features(x)
    assert {(m.analyte, round(m.value, 3)) for m in y.measurements} == {(m.analyte, round(m.value, 3)) for m in x.measurements}
    assert {(v.gene_symbol, v.allelic_state, v.hgvs) for v in y.variants} == {(v.gene_symbol, v.allelic_state, v.hgvs) for v in x.variants}
    assert len(y.donors) == len(x.donors)


def test_tcirg1_bundle_reads_each_resource_kind():
    patient = read_phenopacket(TCIRG1_FHIR).patient
    assert patient.sex.value == "male" and str(patient.date_of_birth) == "2026-08-01"
    # SNOMED CT 1926006 -> HP:0011002 through the HPO xref; ICD-10-CM E83.51 through the cited table
    assert ("HP:0011002", False) in _features(patient) and ("HP:0002901", False) in _features(patient)
    # refuted Condition and an Observation valued "Absent" (SNOMED CT 2667000) are excluded findings
    assert ("HP:0000365", True) in _features(patient) and ("HP:0002376", True) in _features(patient)
    calcium = next(m for m in patient.measurements if m.analyte == "calcium")
    assert calcium.unit == "mmol/L" and calcium.value == pytest.approx(7.1 * 0.249501)  # LAB-CALCIUM, UCUM mg/dL
    assert {v.acmg for v in patient.variants} == {"pathogenic"}  # LOINC LA6668-3
    assert all(f.json_path.startswith("$.entry[") for f in patient.features)
    hypocalcaemia = next(f for f in patient.features if f.hpo_id == "HP:0002901")
    assert hypocalcaemia.onset.onset_term == "HP:0003623"


def test_cno_bundle_reads_medication_and_family_history():
    result = read_phenopacket(CNO_FHIR)
    naproxen = result.patient.treatments[0]
    assert naproxen.agent_label == "naproxen" and naproxen.agent_id == "RxNorm:7258"
    assert naproxen.termination_reason == "no response" and naproxen.doses[0].value == 250
    assert any("family history (mother) HP:0003765" in w for w in result.warnings)


def test_snomed_xrefs_against_hpo_2025_01_16_obo():
    # hp.obo 2025-01-16: HP:0011002 Osteopetrosis has xref SNOMEDCT_US:1926006; HP:0000639 Nystagmus SNOMEDCT_US:563001
    assert codes.map_code(codes.SNOMED, "1926006").hpo_id == "HP:0011002"
    assert codes.map_code(codes.SNOMED, "563001").hpo_id == "HP:0000639"
    assert codes.map_code(codes.SNOMED, "999999999") is None
    assert codes.counts()["snomed_hpo_xrefs"] > 4000


def test_icd10_table_against_who_icd10_2019():
    # WHO ICD-10 2019: Q78.2 Osteopetrosis; M86.3 Chronic multifocal osteomyelitis (kept as a disease)
    assert codes.map_code(codes.ICD10[0], "Q78.2").hpo_id == "HP:0011002"
    assert codes.map_code(codes.ICD10[0], "M86.3").disease_id == "ICD10:M86.3"
    assert codes.map_code(codes.ICD10[0], "Q78.9") is None


@pytest.mark.parametrize("code, target", [
    # ICD-10-CM FY2025 subcodes read through their WHO ICD-10 2019 / ICD-10-CM parent rows
    ("M86.30", "ICD10:M86.3"), ("M86.371", "ICD10:M86.3"), ("H55.01", "HP:0000639"), ("H90.3", "HP:0000365"),
    ("M86.9", "HP:0002754"), ("D61.818", "HP:0001876"), ("R16.1", "HP:0001744"), ("P71.1", "HP:0002901"),
])
def test_icd10_cm_subcodes_are_read_through_their_parent(code, target):
    mapped = codes.map_code(codes.ICD10[1], code)
    assert target in (mapped.hpo_id, mapped.disease_id)
    assert ("via parent code" in mapped.source) is (code not in {"M86.9", "D61.818", "R16.1", "P71.1"})


@pytest.mark.parametrize("code", [
    "M86", "M86.1", "M86.171",  # acute osteomyelitis and the bare category: not a CNO finding
    "D61.810",  # antineoplastic chemotherapy induced pancytopenia: not a marrow-failure sign
    "M79.661",  # pain in right lower leg: left out so that leg pain alone never raises CNO
    "E83.5",  # disorders of calcium metabolism: the parent is broader than its child E83.51 hypocalcaemia
])
def test_icd10_codes_left_out_on_purpose_stay_unmapped(code):
    assert codes.map_code(codes.ICD10[1], code) is None


def test_icd10_cm_crmo_code_is_recognised_as_a_cno_diagnosis():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "2015-03-02"}},
        {"resource": {"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/p"},
                      "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "M86.30"}]}}}]}
    result = read_phenopacket_dict(bundle, source="x.json")
    assert not any("not understood" in w for w in result.warnings)
    (dx,) = assess_patient(result.patient, result.warnings).recorded_diagnoses
    assert (dx.id, dx.condition, dx.knowledge_id, dx.certainty) == ("ICD10:M86.3", "cno", "DX-CNO-ICD10", "secondary")


def test_unmapped_code_is_listed_not_dropped():
    bundle = _load(TCIRG1_FHIR)
    bundle["entry"][1]["resource"]["code"]["coding"][0]["code"] = "999999999"
    result = read_phenopacket_dict(bundle, source="x.json")
    assert "FHIR: code http://snomed.info/sct|999999999 not understood (Osteopetrosis) at " \
           "$.entry[1].resource.code.coding[0]; not used" in result.warnings
    assessment = assess_patient(result.patient, result.warnings)
    assert any("999999999 not understood" in w for w in assessment.warnings)


def test_bad_value_is_one_line_with_the_fhir_json_path(tmp_path):
    bundle = _load(TCIRG1_FHIR)
    bundle["entry"][7]["resource"]["code"]["coding"][0]["code"] = 718
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bundle))
    r = run_cli("assess", str(path))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0
    assert f"{path}: $.entry[7].resource.code.coding[0].code:" in r.stderr and "(value: 718)" in r.stderr


def test_unconvertible_unit_names_the_fhir_path(tmp_path):
    bundle = _load(TCIRG1_FHIR)
    bundle["entry"][7]["resource"]["valueQuantity"]["code"] = "[lb_av]"
    with pytest.raises(InputError) as err:
        read_phenopacket_dict(bundle, source="b.json")
    assert err.value.path == "$.entry[7].resource.valueQuantity.code"


def test_missing_extra_says_which_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "fhir.resources.R4B.bundle", None)  # as if fhir.resources were absent
    with pytest.raises(InputError) as err:
        read_phenopacket_dict(_load(TCIRG1_FHIR), source="b.json")
    assert "pip install 'rarebone[fhir]'" in str(err.value) and "\n" not in str(err.value)


def test_bundle_needs_exactly_one_patient():
    bundle = _load(TCIRG1_FHIR)
    bundle["entry"].append(copy.deepcopy(bundle["entry"][0]))
    with pytest.raises(InputError, match="exactly one Patient"):
        read_phenopacket_dict(bundle)


def test_a_single_resource_is_refused_with_its_type():
    with pytest.raises(InputError) as err:
        read_phenopacket_dict(_load(DATA / "hl7-r4b-observation-2minute-apgar-score.json"))
    assert err.value.path == "$.resourceType" and err.value.value == "Observation"


def test_official_r4b_apgar_example_newborn_and_unknown_score():
    """HL7 example observation-example-2minute-apgar-score (tests/fhir/data/SOURCES.md): its contained newborn
    Patient is the Bundle's Patient; the Apgar score (LOINC 9273-4) is not something rarebone reads."""
    observation = _load(DATA / "hl7-r4b-observation-2minute-apgar-score.json")
    newborn = observation.pop("contained")[0]
    observation["subject"] = {"reference": "Patient/newborn"}
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": newborn}, {"resource": observation}]}
    result = read_phenopacket_dict(bundle)
    assert result.patient.sex.value == "male" and str(result.patient.date_of_birth) == "2016-05-18"
    assert any("laboratory code http://loinc.org|9273-4 not understood" in w for w in result.warnings)
    assert result.patient.age_days == 0  # effectiveDateTime is the day of birth


def test_official_genomics_snv_example_gene_and_unknown_state():
    """HL7 Genomics Reporting example SNVexample: gene studied AR (HGNC:644), no allelic state, no ACMG class."""
    variant = _load(DATA / "hl7-genomics-observation-SNVexample.json")
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": {"resourceType": "Patient", "id": "p"}}, {"resource": variant}]}
    result = read_phenopacket_dict(bundle)
    (v,) = result.patient.variants
    assert (v.gene_symbol, v.hgnc_id, v.allelic_state.value, v.acmg) == ("AR", "HGNC:644", "unknown", None)
    genetics = assess_patient(result.patient, result.warnings).genetics
    assert [g.known for g in genetics.findings] == [False]  # AR is not an osteopetrosis gene


def test_official_compound_heterozygote_bundle():
    """HL7 Genomics Reporting example compound-heterozygote: a transaction Bundle with no Patient and variants
    without a gene-studied component. Refused without a Patient; with one, each variant is listed as not used."""
    bundle = _load(DATA / "hl7-genomics-bundle-compound-heterozygote.json")
    with pytest.raises(InputError, match="exactly one Patient"):
        read_phenopacket_dict(bundle)
    bundle["entry"].insert(0, {"resource": {"resourceType": "Patient", "id": "p"}})
    result = read_phenopacket_dict(bundle)
    assert result.patient.variants == ()
    assert sum("no gene-studied (48018-6) component; not used" in w for w in result.warnings) == 3


def test_cno_plan_from_the_bundle_matches_the_phenopacket():
    """The same ladder step and next options. What may differ: the weight line (the Bundle has a real birth date, so
    the age at the weight is exact), the FHIR family-history warning, and the naproxen's dates: FHIR has no response
    element, so the Bundle records the failed naproxen as an EHR does, stopped (statusReason "no response") with its
    end date, where the Phenopacket has it ongoing with responseToTreatment "no response". Both open the second line."""
    def lines(path):
        r = run_cli("cno", "plan", str(path))
        assert r.returncode == 0, r.stderr
        return [x for x in r.stdout.splitlines() if not x.startswith("Weight:") and "FHIR:" not in x]

    fhir, phenopacket = lines(CNO_FHIR), lines(CNO_PP)
    dated = ("  treated: naproxen", "  - second line open (CARRA entry): naproxen failed after")
    assert [x for x in fhir if not x.startswith(dated)] == [x for x in phenopacket if not x.startswith(dated)]
    from rarebone.cno.findings import threshold
    from rarebone.knowledge import load

    days, needed = (dt.date(2026, 6, 4) - dt.date(2026, 3, 5)).days, threshold(load(), "CNO-CARRA-NSAID-TRIAL-DAYS")
    assert f"  - second line open (CARRA entry): naproxen failed after {days} days (2026-03-05 to 2026-06-04; " \
           f"at least {needed:g} days needed)" in fhir
    assert any(x.startswith("  treated: naproxen [NSAID] 2026-03-05 to 2026-06-04,") for x in fhir)


def test_condition_onset_age_and_range():
    bundle = _load(TCIRG1_FHIR)
    bundle["entry"][2]["resource"].pop("onsetAge")
    bundle["entry"][2]["resource"]["onsetRange"] = {"low": {"value": 1, "unit": "mo", "system": "http://unitsofmeasure.org", "code": "mo"},
                                                    "high": {"value": 2, "unit": "mo", "system": "http://unitsofmeasure.org", "code": "mo"}}
    nystagmus = next(f for f in read_phenopacket_dict(bundle).patient.features if f.hpo_id == "HP:0000639")
    assert nystagmus.onset.age_days == pytest.approx(read_phenopacket(TCIRG1_FHIR).patient.features[0].onset.age_days)
    bundle["entry"][1]["resource"]["onsetAge"] = {"value": 1, "unit": "furlong"}
    with pytest.raises(InputError) as err:
        read_phenopacket_dict(bundle)
    assert err.value.path == "$.entry[1].resource.onsetAge" and err.value.value == "furlong"


def _infant_bundle(*resources: dict) -> dict:
    patient = {"resourceType": "Patient", "id": "p", "gender": "male", "birthDate": "2026-07-20"}
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in (patient, *resources)]}


def _skeletal_survey(status: str = "final", **extra) -> dict:
    # A radiology report as an EHR sends it: coded conclusions (SNOMED CT 1926006 Osteopetrosis, the HPO xref
    # of HP:0011002) on a DiagnosticReport.
    return {"resourceType": "DiagnosticReport", "id": "r", "status": status, "subject": {"reference": "Patient/p"},
            "code": {"coding": [{"system": "http://loinc.org", "code": "36578-3"}]},
            "effectiveDateTime": "2026-11-21", "conclusion": "Diffusely dense bones, bone-within-bone.", **extra}


@pytest.mark.parametrize("validation", ["full", "light"])
def test_radiology_report_conclusion_codes_are_findings(validation):
    from rarebone.intake.fhir import read_bundle_dict

    report = _skeletal_survey(conclusionCode=[{"coding": [{"system": codes.SNOMED, "code": "1926006",
                                                             "display": "Osteopetrosis"}]},
                                              {"coding": [{"system": codes.SNOMED, "code": "999999999"}]}])
    result = read_bundle_dict(_infant_bundle(report), source="b.json", validation=validation)
    coded = [f for f in result.patient.features if "from text" not in f.label]
    (feature,) = coded
    assert (feature.hpo_id, feature.excluded, feature.json_path) == ("HP:0011002", False, "$.entry[1].resource")
    assert str(feature.onset.date) == "2026-11-21"
    assert any("999999999 not understood" in w and "conclusionCode[1]" in w for w in result.warnings)
    # the final report's text conclusion is read as well (ehr-text), each finding marked as read from text
    assert {f.hpo_id for f in result.patient.features if "from text" in f.label} == {"HP:0011001", "HP:0003955"}


def test_radiology_report_with_text_only_is_read_from_its_conclusion():
    from rarebone.intake.fhir import read_bundle_dict

    result = read_bundle_dict(_infant_bundle(_skeletal_survey()), source="b.json")
    assert {f.hpo_id for f in result.patient.features} == {"HP:0011001", "HP:0003955"}  # dense bones, bone-within-bone
    assert all("at $.entry[1].resource.conclusion" in f.label for f in result.patient.features)


def test_a_preliminary_report_text_conclusion_is_listed_not_read():
    from rarebone.intake.fhir import read_bundle_dict

    result = read_bundle_dict(_infant_bundle(_skeletal_survey(status="preliminary")), source="b.json")
    assert not result.patient.features
    assert any("is preliminary; its text conclusion is read only once the report is final" in w for w in result.warnings)


@pytest.mark.parametrize("status", ["cancelled", "entered-in-error", "registered"])
def test_a_report_that_is_not_a_result_is_not_read(status):
    from rarebone.intake.fhir import read_bundle_dict

    report = _skeletal_survey(status, conclusionCode=[{"coding": [{"system": codes.SNOMED, "code": "1926006"}]}])
    result = read_bundle_dict(_infant_bundle(report), source="b.json")
    assert not result.patient.features and any(f"is {status}; not used" in w for w in result.warnings)


def test_light_check_refuses_a_malformed_conclusion_code():
    from rarebone.intake.fhir import read_bundle_dict

    report = _skeletal_survey(conclusionCode=[{"coding": "1926006"}])
    with pytest.raises(InputError) as err:
        read_bundle_dict(_infant_bundle(report), source="b.json", validation="light")
    assert err.value.path == "$.entry[1].resource.conclusionCode[0].coding"


@pytest.mark.parametrize("status, used", [("differential", False), ("unconfirmed", False), ("provisional", True),
                                          ("confirmed", True)])
def test_a_differential_condition_is_not_a_finding(status, used):
    # "Rule out osteopetrosis" entered as a differential must not raise the suspicion it is meant to test.
    from rarebone.intake.fhir import read_bundle_dict

    condition = {"resourceType": "Condition", "id": "c", "subject": {"reference": "Patient/p"},
                 "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                                                    "code": status}]},
                 "code": {"coding": [{"system": codes.SNOMED, "code": "1926006", "display": "Osteopetrosis"}]}}
    result = read_bundle_dict(_infant_bundle(condition), source="b.json")
    assert bool(result.patient.features) is used
    assert any(f"is {status}, not confirmed; not used" in w for w in result.warnings) is not used


def test_a_record_dated_wholly_before_birth_names_a_fhir_path_not_a_negative_age():
    # Every clinical date before the birth date once gave "P-1157D is not an ISO 8601 duration" at
    # $.subject.timeAtLastEncounter (a Phenopacket path, not in the Bundle); the plausibility check now names the
    # FHIR value dated before birth, as it does when only some dates are.
    from rarebone.intake.fhir import read_bundle_dict

    bundle = _load(TCIRG1_FHIR)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["birthDate"] = "2026-11-02"  # the day after the Bundle's last clinical date (2026-11-01)
    for mode in ("light", "full"):
        with pytest.raises(InputError, match="dated before the date of birth") as err:
            read_bundle_dict(copy.deepcopy(bundle), validation=mode)
        assert err.value.path.startswith("$.entry["), err.value.path


def test_an_unread_observation_dated_before_birth_does_not_make_the_record_unreadable():
    # An Observation the intake does not read (heart rate, official FHIR R4 example) dated before the birth date
    # (a prenatal record, say) gave a negative age at the last encounter and refused the record.
    from rarebone.intake.fhir import read_bundle_dict

    obs = json.loads((ROOT / "tests/fhir/data/r4-examples/Observation-heart-rate.json").read_text())
    obs["subject"] = {"reference": "Patient/c"}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "c", "gender": "male", "birthDate": "2010-01-01"}},
        {"resource": obs}]}
    for mode in ("light", "full"):
        result = read_bundle_dict(copy.deepcopy(bundle), validation=mode)
        assert result.patient.date_of_birth.isoformat() == "2010-01-01" and not result.patient.measurements


def _bundle_born(birth: str) -> dict:
    return {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": birth}},
        {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p"}, "recordedDate": "2020-01-02",
                      "code": {"coding": [{"system": "http://purl.obolibrary.org/obo/hp.owl", "code": "HP:0011001"}]}}}]}


@pytest.mark.parametrize("birth", ["2019-03", "2019"])
def test_a_birth_date_without_the_day_is_read_without_a_made_up_day(birth):
    # FHIR's date allows a year or a year and month (de-identified records); it once failed with a traceback
    from rarebone.intake.fhir import read_bundle_dict

    for validation in ("light", "full"):
        result = read_bundle_dict(_bundle_born(birth), validation=validation)
        assert result.patient.date_of_birth is None and result.patient.age_days is None
        assert any("$.entry[0].resource.birthDate" in w and "without the day" in w for w in result.warnings)
        assert result.patient.features  # the finding is still read


def test_a_birth_date_that_does_not_exist_is_refused_naming_its_path():
    from rarebone.errors import InputError
    from rarebone.intake.fhir import read_bundle_dict

    for validation in ("light", "full"):
        with pytest.raises(InputError) as err:
            read_bundle_dict(_bundle_born("2019-02-30"), validation=validation)
        assert err.value.path == "$.entry[0].resource.birthDate"
    result = read_bundle_dict(_bundle_born("2019-02-28"), validation="light")
    assert result.patient.date_of_birth.isoformat() == "2019-02-28"


@pytest.mark.parametrize("resource,where", [
    ({"resourceType": "Condition", "onsetDateTime": "2020",
      "code": {"coding": [{"system": "http://purl.obolibrary.org/obo/hp.owl", "code": "HP:0011001"}]}},
     "onsetDateTime"),
    ({"resourceType": "Observation", "status": "final", "effectiveDateTime": "2020-05",
      "code": {"coding": [{"system": "http://purl.obolibrary.org/obo/hp.owl", "code": "HP:0011001"}]}},
     "effectiveDateTime"),
    ({"resourceType": "Observation", "status": "final", "effectiveDateTime": "2020-05",
      "code": {"coding": [{"system": "http://loinc.org", "code": "17861-6"}]},
      "valueQuantity": {"value": 1.9, "unit": "mmol/L", "system": "http://unitsofmeasure.org", "code": "mmol/L"}},
     "effectiveDateTime"),
    ({"resourceType": "MedicationStatement", "status": "completed", "medicationCodeableConcept": {"text": "naproxen"},
      "effectivePeriod": {"start": "2020-06"},
      "dosage": [{"doseAndRate": [{"doseQuantity": {"value": 250, "unit": "mg", "code": "mg"}}]}]},
     "effectivePeriod.start"),
])
def test_a_clinical_date_without_the_day_keeps_the_finding_and_drops_only_the_date(resource, where):
    # FHIR's dateTime allows a year or a year and month (problem lists: "onset 2015"); the whole record was once
    # refused with a Phenopacket-schema message about '2020T00:00:00'
    from rarebone.intake.fhir import read_bundle_dict

    bundle = _bundle_born("2019-03-04")
    bundle["entry"][1]["resource"] = {**resource, "subject": {"reference": "Patient/p"}}
    for validation in ("light", "full"):
        result = read_bundle_dict(copy.deepcopy(bundle), validation=validation)
        read = [*result.patient.features, *result.patient.measurements, *result.patient.treatments]
        assert read, (validation, result.warnings)
        assert any(f"$.entry[1].resource.{where}" in w and "without the day" in w for w in result.warnings)
