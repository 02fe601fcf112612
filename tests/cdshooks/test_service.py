"""The service over real HTTP on loopback, called by the test EHR (conftest.py) with signed JWTs."""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
import uuid

import pytest

from rarebone.cdshooks import models as M

from .conftest import ROOT, bundle_resources, patient_view_request

TCIRG1 = ROOT / "examples" / "fhir" / "tcirg1-infant-bundle.json"
CNO = ROOT / "examples" / "fhir" / "cno-clavicle-tibia-bundle.json"
PV = "rarebone-patient-view"
OS = "rarebone-order-sign"


def _cards(response) -> list[dict]:
    assert response.status_code == 200, response.text
    body = response.json()
    M.CdsResponse.model_validate(body)  # every response against the specification's models
    return body["cards"]


def _healthy(suffix: str) -> list[dict]:
    """A healthy 4-year-old: a normal haemoglobin and no findings."""
    return [{"resourceType": "Patient", "id": f"healthy-{suffix}", "gender": "female", "birthDate": "2022-05-01"},
            {"resourceType": "Observation", "id": f"hb-{suffix}", "status": "final",
             "subject": {"reference": f"Patient/healthy-{suffix}"},
             "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
             "effectiveDateTime": time.strftime("%Y-%m-%d"),
             "valueQuantity": {"value": 125, "unit": "g/L", "system": "http://unitsofmeasure.org", "code": "g/L"}}]


# --- discovery ---------------------------------------------------------------------------------------------

def test_discovery_lists_both_services_with_prefetch_templates(cds):
    r = cds.discovery()
    assert r.status_code == 200
    body = M.DiscoveryResponse.model_validate(r.json())
    by_id = {s.id: s for s in body.services}
    assert by_id[PV].hook == "patient-view" and by_id[OS].hook == "order-sign"
    assert set(by_id[PV].prefetch) == {"patient", "conditions", "observations", "medications", "reports"}
    assert by_id[PV].prefetch["reports"] == "DiagnosticReport?patient={{context.patientId}}"
    # prefetch tokens: only root-level context fields (index.md, "Prefetch tokens")
    for s in body.services:
        for template in s.prefetch.values():
            assert "{{context.patientId}}" in template and "{{context.draftOrders" not in template


def test_cors_preflight_for_the_configured_ehr_origin_only(cds):
    ok = cds.http.options(cds.url + "/cds-services", headers={
        "Origin": "https://ehr.hospital.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert ok.headers.get("access-control-allow-origin") == "https://ehr.hospital.example"
    other = cds.http.options(cds.url + "/cds-services", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
    assert other.headers.get("access-control-allow-origin") is None


# --- patient-view ------------------------------------------------------------------------------------------

def test_patient_view_high_osteopetrosis_infant_gets_critical_cards(cds):
    cards = _cards(cds.call(PV, patient_view_request(bundle_resources(TCIRG1))))
    by_topic = {c["source"]["topic"]["code"]: c for c in cards}
    assert by_topic["osteopetrosis-suspicion"]["indicator"] == "critical"  # suspicion HIGH
    assert by_topic["hsct-urgent"]["indicator"] == "critical"
    card = by_topic["osteopetrosis-suspicion"]
    assert "Decision support" in card["detail"] and "**Evidence for**" in card["detail"]
    assert "https://doi.org/" in card["detail"] and card["source"]["url"].startswith("https://")
    assert card["links"][0]["url"] == "https://workbench.hospital.example/patients/TCIRG1-infant/assessment"
    assert all(len(c["summary"]) < 140 for c in cards)


def _infant(pid: str, hpo: list[str]) -> list[dict]:
    out = [{"resourceType": "Patient", "id": pid, "gender": "male",
            "birthDate": (dt.date.today() - dt.timedelta(days=100)).isoformat()}]
    for i, code in enumerate(hpo):
        out.append({"resourceType": "Condition", "id": f"{pid}-c{i}", "subject": {"reference": f"Patient/{pid}"},
                    "recordedDate": dt.date.today().isoformat(),
                    "code": {"coding": [{"system": "http://purl.obolibrary.org/obo/hp.owl", "code": code}]}})
    return out


# anaemia, thrombocytopenia, splenomegaly, optic atrophy in a 100-day-old, no radiograph
MODERATE = ["HP:0001903", "HP:0001873", "HP:0001744", "HP:0000648"]


def test_patient_view_moderate_suspicion_gets_a_warning_card_with_a_survey_suggestion(cds):
    from rarebone.intake.fhir import read_bundle_dict
    from rarebone.workflows.assess import assess_patient

    resources = _infant("moderate-1", MODERATE)
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    assert assess_patient(read_bundle_dict(bundle).patient).suspicion["osteopetrosis"].level.value == "moderate"
    cards = _cards(cds.call(PV, patient_view_request(resources)))
    op = next(c for c in cards if c["source"]["topic"]["code"] == "osteopetrosis-suspicion")
    assert op["indicator"] == "warning"
    assert [s["label"] for s in op["suggestions"]] == ["Order a skeletal survey"] and op["selectionBehavior"] == "any"
    action = op["suggestions"][0]["actions"][0]
    assert action["type"] == "create" and action["resource"]["status"] == "draft"
    from fhir.resources.R4B.servicerequest import ServiceRequest

    ServiceRequest.model_validate(action["resource"])


def test_patient_view_low_suspicion_gets_no_osteopetrosis_card(cds):
    resources = _infant("low-1", MODERATE[:3])  # one flag fewer: low
    assert not [c for c in _cards(cds.call(PV, patient_view_request(resources)))
                if c["source"]["topic"]["code"] == "osteopetrosis-suspicion"]


def test_patient_view_leukaemia_mimic_warning(cds):
    from rarebone.core.clock import today

    from .pp2fhir import convert

    packet = json.loads((ROOT / "examples/phenopackets/leukemia-like-no-radiology.json").read_text())
    cards = _cards(cds.call(PV, patient_view_request(convert(packet, today()))))
    mimic = [c for c in cards if c["source"]["topic"]["code"] == "op-mimic-leukaemia-jmml"]
    assert mimic and mimic[0]["indicator"] == "warning" and "Look-alike" in mimic[0]["summary"]


def test_patient_view_healthy_child_gets_no_cards(cds):
    assert _cards(cds.call(PV, patient_view_request(_healthy("a")))) == []


def test_patient_view_cno_child_gets_cno_cards_with_open_exclusions(cds):
    cards = _cards(cds.call(PV, patient_view_request(bundle_resources(CNO))))
    topics = {c["source"]["topic"]["code"]: c for c in cards}
    assert "cno-suspicion" in topics and "osteopetrosis-suspicion" not in topics
    assert "leukaemia" in topics["cno-exclusions-open"]["detail"]


def test_patient_view_without_prefetch_fetches_from_the_fhir_server(cds, ehr):
    resources = bundle_resources(TCIRG1)
    pid = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    ehr.records[pid] = resources
    before = len(ehr.requests)
    body = patient_view_request(resources, prefetch=False, fhir=ehr.url + "/fhir", token=ehr.access_token)
    cards = _cards(cds.call(PV, body))
    assert {c["source"]["topic"]["code"] for c in cards} >= {"osteopetrosis-suspicion", "hsct-urgent"}
    asked = ehr.requests[before:]
    assert f"Patient/{pid}" in asked and any(q.startswith("Condition?patient=") for q in asked)
    assert "fetched from the FHIR server" in cards[0]["detail"]


def test_patient_view_missing_key_fetched_null_key_not(cds, ehr):
    """index.md: an unsatisfied key is omitted (the service fetches it); a key with no data is null."""
    resources = bundle_resources(TCIRG1)
    pid = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    ehr.records[pid] = resources
    body = patient_view_request(resources, fhir=ehr.url + "/fhir", token=ehr.access_token)
    del body["prefetch"]["conditions"]  # omitted -> fetched
    body["prefetch"]["medications"] = None  # null -> no data, not fetched
    before = len(ehr.requests)
    _cards(cds.call(PV, body))
    asked = ehr.requests[before:]
    assert any(q.startswith("Condition?") for q in asked)
    assert not any(q.startswith("MedicationRequest?") for q in asked)


def test_patient_view_operation_outcome_in_prefetch_is_fetched_again(cds, ehr):
    resources = bundle_resources(TCIRG1)
    pid = next(r["id"] for r in resources if r["resourceType"] == "Patient")
    ehr.records[pid] = resources
    body = patient_view_request(resources, fhir=ehr.url + "/fhir", token=ehr.access_token)
    body["prefetch"]["observations"] = {"resourceType": "OperationOutcome", "issue": [
        {"severity": "error", "code": "timeout"}]}
    before = len(ehr.requests)
    cards = _cards(cds.call(PV, body))
    assert any(q.startswith("Observation?") for q in ehr.requests[before:])
    assert "OperationOutcome" in cards[0]["detail"]


def test_searchset_with_matches_and_an_operation_outcome_keeps_the_matches(cds):
    resources = bundle_resources(TCIRG1)
    body = patient_view_request(resources)  # no fhirServer: nothing could be fetched again
    body["prefetch"]["observations"]["entry"].append(
        {"resource": {"resourceType": "OperationOutcome", "issue": [{"severity": "warning", "code": "incomplete"}]},
         "search": {"mode": "outcome"}})
    cards = _cards(cds.call(PV, body))
    assert any(c["source"]["topic"]["code"] == "osteopetrosis-suspicion" for c in cards)
    assert "its matches were read" in cards[0]["detail"]


def test_patient_view_no_prefetch_no_fhir_server_is_412(cds):
    body = patient_view_request(bundle_resources(TCIRG1), prefetch=False)
    r = cds.call(PV, body)
    assert r.status_code == 412 and "fhirServer" in r.json()["error"]
    M.ErrorResponse.model_validate(r.json())


def test_hl7_genomics_reporting_example_as_prefetch(cds):
    """The HL7 Genomics Reporting IG's compound-heterozygote example (tests/fhir/data, CC0) as the EHR's
    Observation search result: read without error (an unreadable record would give an info card), no card."""
    example = json.loads((ROOT / "tests/fhir/data/hl7-genomics-bundle-compound-heterozygote.json").read_text())
    patient = {"resourceType": "Patient", "id": "genomics-1", "gender": "male", "birthDate": "2020-01-01"}
    body = patient_view_request([patient])
    body["prefetch"]["observations"] = {"resourceType": "Bundle", "type": "searchset",
                                        "entry": [{"resource": e["resource"]} for e in example["entry"]]}
    assert _cards(cds.call(PV, body)) == []


def test_patient_view_operation_outcome_and_no_fhir_server_is_412(cds):
    body = patient_view_request(bundle_resources(TCIRG1))
    body["prefetch"]["patient"] = {"resourceType": "OperationOutcome", "issue": []}
    assert cds.call(PV, body).status_code == 412


def test_wrong_hook_for_the_service_is_400(cds):
    body = patient_view_request(_healthy("b"))
    body["hook"] = "order-sign"
    r = cds.call(PV, body)
    assert r.status_code == 400 and "patient-view" in r.json()["error"]


# --- security ----------------------------------------------------------------------------------------------

def _pv_path(cds) -> str:
    return cds.url + f"/cds-services/{PV}"


def test_missing_jwt_is_401(cds):
    r = cds.http.post(_pv_path(cds), json=patient_view_request(_healthy("c")))
    assert r.status_code == 401 and "Bearer" in r.json()["error"] and r.headers["www-authenticate"].startswith("Bearer")


def test_discovery_also_needs_the_jwt_against_spec(cds):
    assert cds.http.get(cds.url + "/cds-services").status_code == 401


def test_bad_signature_is_401(cds, ehr):
    token = ehr.sign(_pv_path(cds), key=ehr.other_key)
    r = cds.call(PV, patient_view_request(_healthy("d")), token=token)
    assert r.status_code == 401 and "signature" in r.json()["error"]


def test_wrong_issuer_is_401(cds, ehr):
    token = ehr.sign(_pv_path(cds), iss="https://other-ehr.example")
    r = cds.call(PV, patient_view_request(_healthy("e")), token=token)
    assert r.status_code == 401 and "allow-list" in r.json()["error"]


def test_expired_token_is_401_and_one_inside_the_skew_passes(cds, ehr):
    skew = cds.app.state.cds.settings.clock_skew_seconds
    now = int(time.time())
    late = ehr.sign(_pv_path(cds), iat=now - 600, exp=now - skew - 5)
    r = cds.call(PV, patient_view_request(_healthy("f")), token=late)
    assert r.status_code == 401 and "expired" in r.json()["error"]
    within = ehr.sign(_pv_path(cds), iat=now - 600, exp=now - skew + 5)
    assert cds.call(PV, patient_view_request(_healthy("f")), token=within).status_code == 200


def test_iat_in_the_future_is_401(cds, ehr):
    now = int(time.time())
    skew = cds.app.state.cds.settings.clock_skew_seconds
    r = cds.call(PV, patient_view_request(_healthy("k")), token=ehr.sign(_pv_path(cds), iat=now + skew + 60,
                                                                        exp=now + skew + 600))
    assert r.status_code == 401 and "iat" in r.json()["error"]


def test_replayed_jti_is_401(cds, ehr):
    token = ehr.sign(_pv_path(cds))
    assert cds.call(PV, patient_view_request(_healthy("g")), token=token).status_code == 200
    r = cds.call(PV, patient_view_request(_healthy("g")), token=token)
    assert r.status_code == 401 and "replay" in r.json()["error"]


def test_wrong_audience_is_401_aud_is_the_endpoint_called(cds, ehr):
    token = ehr.sign(cds.url + "/cds-services")  # the discovery URL, not this service's
    r = cds.call(PV, patient_view_request(_healthy("h")), token=token)
    assert r.status_code == 401 and "aud" in r.json()["error"]
    listed = ehr.sign([_pv_path(cds)])  # aud as an array of strings (RFC 7519)
    assert cds.call(PV, patient_view_request(_healthy("h")), token=listed).status_code == 200


def test_unknown_kid_and_symmetric_algorithm_are_401(cds, ehr):
    r = cds.call(PV, patient_view_request(_healthy("i")), token=ehr.sign(_pv_path(cds), kid="nope"))
    assert r.status_code == 401 and "kid" in r.json()["error"]
    import jwt

    hmac = jwt.encode({"iss": ehr.url, "aud": _pv_path(cds), "exp": int(time.time()) + 60, "iat": int(time.time()),
                       "jti": "x"}, "shared-secret-of-at-least-32-bytes!!", algorithm="HS256", headers={"kid": ehr.kid})
    r = cds.call(PV, patient_view_request(_healthy("i")), token=hmac)
    assert r.status_code == 401 and "HS256" in r.json()["error"]


def test_missing_jti_is_401(cds, ehr):
    r = cds.call(PV, patient_view_request(_healthy("j")), token=ehr.sign(_pv_path(cds), jti=None))
    assert r.status_code == 401 and "jti" in r.json()["error"]


# --- feedback ----------------------------------------------------------------------------------------------

def test_feedback_is_stored_in_the_audit_trail(cds):
    cards = _cards(cds.call(PV, patient_view_request(bundle_resources(TCIRG1))))
    card = next(c for c in cards if c.get("suggestions")) if any(c.get("suggestions") for c in cards) else cards[0]
    items = [{"card": card["uuid"], "outcome": "overridden", "outcomeTimestamp": "2026-11-30T10:00:00Z",
              "overrideReason": {"reason": {k: v for k, v in card["overrideReasons"][0].items()},
                                 "userComment": "known, under the transplant team"}}]
    body = {"feedback": items}
    M.FeedbackRequest.model_validate(body)
    r = cds.call(PV, body, path=f"/cds-services/{PV}/feedback",
                 token=cds.ehr.sign(cds.url + f"/cds-services/{PV}/feedback"))
    assert r.status_code == 200 and r.json() == {"stored": 1}
    rows = cds.app.state.cds.feedback.rows("fhir:TCIRG1-infant")
    row = next(x for x in rows if x["after"]["card"] == card["uuid"])
    assert row["after"]["outcome"] == "overridden" and row["actor"] == f"cds-hooks {cds.ehr.url}"


def test_feedback_against_spec_examples_and_bad_feedback_is_400(cds):
    path = f"/cds-services/{PV}/feedback"
    example = json.loads((ROOT / "tests/cdshooks/spec-examples/feedback-accepted.json").read_text())
    r = cds.call(PV, example, path=path, token=cds.ehr.sign(cds.url + path))
    assert r.status_code == 200
    rows = cds.app.state.cds.feedback.rows("unknown")  # a card this service never issued
    assert any(x["after"]["card"] == example["feedback"][0]["card"] for x in rows)
    bad = copy.deepcopy(example)
    del bad["feedback"][0]["acceptedSuggestions"]
    r = cds.call(PV, bad, path=path, token=cds.ehr.sign(cds.url + path))
    assert r.status_code == 400 and "fb-2" in r.json()["error"]


def test_logs_name_the_route_never_the_patient(cds, caplog):
    import logging

    secret = "SECRET-PATIENT-" + uuid.uuid4().hex
    resources = _infant(secret, MODERATE)
    with caplog.at_level(logging.DEBUG):
        _cards(cds.call(PV, patient_view_request(resources)))
        cds.call(PV, patient_view_request(resources), token="not-a-jwt")
    text = caplog.text
    assert f"/cds-services/{PV}" in text
    assert secret not in text and "HP:0001903" not in text and "not-a-jwt" not in text
