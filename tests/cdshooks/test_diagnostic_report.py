"""patient-view's DiagnosticReport prefetch ('reports': DiagnosticReport?patient={{context.patientId}}): a radiology
report's coded conclusion (DiagnosticReport.conclusionCode, read by the FHIR intake as a finding present at the
report's date) reaches the card when it comes ONLY through that key. Over HTTP, with a signed JWT."""

import copy

from .conftest import ROOT, bundle_resources, patient_view_request, searchset

PV = "rarebone-patient-view"
TCIRG1 = ROOT / "examples/fhir/tcirg1-infant-bundle.json"
# The TCIRG1 infant's chart without the two coded diagnoses of osteopetrosis (c1 SNOMED CT, c6 OMIM): what is left
# are the blood count, calcium, eyes, hearing, liver/spleen and the variants; the skeleton was not yet reported.
CHART = [r for r in bundle_resources(TCIRG1) if r.get("id") not in ("c1", "c6")]
PID = next(r["id"] for r in CHART if r["resourceType"] == "Patient")
REPORT = {"resourceType": "DiagnosticReport", "id": "rad-1", "status": "final",
          "subject": {"reference": f"Patient/{PID}"},
          "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "RAD"}]}],
          "code": {"coding": [{"system": "http://loinc.org", "code": "36554-4", "display": "XR Bones Survey"}]},
          "effectiveDateTime": "2026-11-20",
          "conclusionCode": [{"coding": [{"system": "http://snomed.info/sct", "code": "1926006",
                                          "display": "Osteopetrosis"}]}]}


def _osteopetrosis_card(r) -> dict:
    assert r.status_code == 200, r.text
    return next(c for c in r.json()["cards"] if c["source"]["topic"]["code"] == "osteopetrosis-suspicion")


def test_a_report_conclusion_arriving_only_through_prefetch_changes_the_card(cds):
    without = patient_view_request(CHART)
    assert without["prefetch"]["reports"]["entry"] == []  # the chart itself holds no report
    with_report = copy.deepcopy(without)
    with_report["prefetch"]["reports"] = searchset([REPORT], "DiagnosticReport")
    before, after = _osteopetrosis_card(cds.call(PV, without)), _osteopetrosis_card(cds.call(PV, with_report))
    # without the report: moderate, and the card asks for the skeletal survey the record does not show
    assert before["indicator"] == "warning" and before["summary"].startswith("Moderate suspicion")
    assert [s["label"] for s in before.get("suggestions", [])] == ["Order a skeletal survey"]
    # the report's conclusion is one more red flag: high suspicion, and no survey is asked for any more
    assert after["indicator"] == "critical" and after["summary"].startswith("High suspicion")
    assert "suggestions" not in after
    assert int(after["summary"].split(": ")[1].split()[0]) == int(before["summary"].split(": ")[1].split()[0]) + 1


def test_reports_key_absent_is_fetched_from_the_fhir_server(cds, ehr):
    ehr.records[PID] = CHART + [REPORT]
    body = patient_view_request(CHART, fhir=ehr.url + "/fhir", token=ehr.access_token)
    del body["prefetch"]["reports"]  # not satisfied by the EHR -> the service searches for it
    start = len(ehr.requests)
    card = _osteopetrosis_card(cds.call(PV, body))
    assert f"DiagnosticReport?patient={PID}" in ehr.requests[start:]
    assert card["indicator"] == "critical" and "fetched from the FHIR server: reports" in card["detail"]


def test_reports_key_absent_without_fhir_server_is_said_not_refused(cds):
    body = patient_view_request(CHART)
    del body["prefetch"]["reports"]
    card = _osteopetrosis_card(cds.call(PV, body))  # 200, not 412: the key is optional
    assert "prefetch 'reports' not provided and no fhirServer to fetch it from" in card["detail"]
