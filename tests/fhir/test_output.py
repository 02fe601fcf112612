"""FHIR output: each resource validated by fhir.resources (R4B models); the RiskAssessment carries the same calls
as the assessment; its evidence Observations read back through intake to the same findings."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT, run_cli

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from fhir.resources.R4B.bundle import Bundle  # noqa: E402

from rarebone.intake import read_phenopacket_dict  # noqa: E402
from rarebone.report.fhir_out import assessment_bundle, plan_bundle  # noqa: E402
from rarebone.workflows.assess import assess_file  # noqa: E402

TCIRG1_FHIR = ROOT / "examples/fhir/tcirg1-infant-bundle.json"
CNO_PP = ROOT / "examples/cno/cno-clavicle-tibia.json"


def _of(bundle: dict, kind: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def test_assess_format_fhir_is_a_valid_r4_bundle(tmp_path):
    out = tmp_path / "risk.json"
    r = run_cli("assess", str(TCIRG1_FHIR), "--format", "fhir", "-o", str(out), "--differential", "0")
    assert r.returncode == 0, r.stderr
    document = json.loads(out.read_text())
    Bundle.model_validate(document)
    assert document["type"] == "collection"
    (risk,) = _of(document, "RiskAssessment")
    by_outcome = {p["outcome"]["text"]: p["qualitativeRisk"]["coding"][0]["code"] for p in risk["prediction"]}
    assert by_outcome["osteopetrosis"] == "high"  # suspicion HIGH -> risk-probability "high"
    assert {e["valueCode"] for e in risk["extension"]} == {"indicated", "urgent"}
    assert "Decision support" in risk["note"][0]["text"]
    urls = {e["fullUrl"] for e in document["entry"]}
    assert risk["basis"] and all(b["reference"] in urls for b in risk["basis"])


def test_warnings_and_missing_data_become_detected_issues():
    a = assess_file(CNO_PP)
    bundle = assessment_bundle(a)
    Bundle.model_validate(bundle)
    issues = _of(bundle, "DetectedIssue")
    assert [i["detail"] for i in issues] == a.warnings + a.missing_data
    assert _of(bundle, "RiskAssessment")[0]["prediction"][1]["qualitativeRisk"]["coding"][0]["code"] == \
        {"none": "negligible"}.get(a.suspicion["cno"].level.value, a.suspicion["cno"].level.value)


def test_evidence_observations_round_trip_through_intake():
    a = assess_file(TCIRG1_FHIR)
    bundle = assessment_bundle(a)
    observations = [o for o in _of(bundle, "Observation") if "coding" in o["code"] and "valueBoolean" in o]
    back = read_phenopacket_dict({"resourceType": "Bundle", "type": "collection",
                                  "entry": [{"resource": {"resourceType": "Patient", "id": a.patient_id}}]
                                  + [{"resource": o} for o in observations]}).patient
    expected = {(o["code"]["coding"][0]["code"], not o["valueBoolean"]) for o in observations}
    assert {(f.hpo_id, f.excluded) for f in back.features} == expected
    assert ("HP:0011002", False) in expected


def test_plan_format_fhir_is_a_draft_careplan(tmp_path):
    out = tmp_path / "plan.json"
    r = run_cli("plan", str(ROOT / "examples/transplant/tcirg1-infant-plan.json"), "--protocol", "beijing-haplo",
                "--day0", "2027-02-01", "--format", "fhir", "-o", str(out))
    assert r.returncode == 0, r.stderr
    document = json.loads(out.read_text())
    Bundle.model_validate(document)
    (careplan,) = _of(document, "CarePlan")
    requests = _of(document, "MedicationRequest")
    assert (careplan["status"], careplan["intent"]) == ("draft", "proposal")
    assert requests and all((m["status"], m["intent"]) == ("draft", "proposal") for m in requests)
    assert len(careplan["activity"]) == len(requests)
    assert "Decision support" in careplan["note"][0]["text"]
    assert all(m["dosageInstruction"][0]["timing"]["event"] for m in requests)


def test_assumed_days_are_marked_on_each_request():
    from rarebone.cli.commands.plan import parse_date
    from rarebone.intake import read_phenopacket
    from rarebone.knowledge import load
    from rarebone.workflows.plan import make_plan

    kb = load()
    plan = make_plan(kb, read_phenopacket(ROOT / "examples/transplant/tcirg1-infant-plan.json").patient,
                     protocol_key="beijing-haplo", day0=parse_date("2027-02-01", "--day0"))
    bundle = plan_bundle(plan)
    requests = _of(bundle, "MedicationRequest")
    assumed = [adm for adm in plan.administrations if adm.assumed_from]
    marked = [m for m in requests if any("DAY ASSUMED BY RAREBONE" in n["text"] for n in m["note"])]
    assert len(marked) == len(assumed)
    assert len(requests) == len(plan.administrations)


def test_monitor_refuses_fhir_in_one_line():
    r = run_cli("monitor", str(ROOT / "examples/transplant/tcirg1-post-hsct-series.json"), "--format", "fhir")
    assert r.returncode == 2 and "FHIR output is written by assess and plan only" in r.stderr
    assert "Traceback" not in r.stderr
