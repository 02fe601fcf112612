"""Setting prefetch_validation: "light" (the fields the intake reads, intake/fhir/light.py) and "full"
(fhir.resources) refuse the same malformed prefetch, naming the same FHIR JSON path (docs/ehr-integration.md)."""

import copy
import re

import pytest

from rarebone.cdshooks.service import CdsService
from rarebone.cdshooks.settings import CdsSettings, load_settings
from rarebone.errors import InputError
from rarebone.intake.fhir import read_bundle_dict

from .conftest import ROOT, bundle_resources, patient_view_request

TCIRG1 = ROOT / "examples" / "fhir" / "tcirg1-infant-bundle.json"


def _service(mode: str, tmp_path) -> CdsService:
    return CdsService(CdsSettings(base_url="http://127.0.0.1", require_auth=False, prefetch_validation=mode,
                                  registry_db=f"sqlite:///{tmp_path}/r.sqlite", assessment_cache_size=0))


def _first_observation_with(body: dict, field: str) -> dict:
    return next(e["resource"] for e in body["prefetch"]["observations"]["entry"] if field in e["resource"])


def _bad_quantity(body):
    _first_observation_with(body, "valueQuantity")["valueQuantity"]["value"] = "high"


def _bad_date(body):
    _first_observation_with(body, "effectiveDateTime")["effectiveDateTime"] = "last Tuesday"


def _bad_code(body):
    _first_observation_with(body, "code")["code"] = "a plain string, not a CodeableConcept"


@pytest.mark.parametrize("spoil,field", [(_bad_quantity, "valueQuantity.value"), (_bad_date, "effectiveDateTime"),
                                         (_bad_code, ".code")])
def test_light_and_full_refuse_the_same_malformed_prefetch_naming_the_path(tmp_path, spoil, field):
    body = patient_view_request(bundle_resources(TCIRG1))
    spoil(body)
    details = {}
    for mode in ("light", "full"):
        cards = _service(mode, tmp_path).call("rarebone-patient-view", copy.deepcopy(body))["cards"]
        assert len(cards) == 1 and cards[0]["indicator"] == "info", mode
        assert "could not be read" in cards[0]["detail"], mode
        paths = re.findall(r"\$\.entry\[\d+\]\.resource[.\w\[\]]*", cards[0]["detail"])
        assert paths and paths[0].endswith(field), (mode, cards[0]["detail"])
        details[mode] = paths[0]
    assert details["light"] == details["full"]


def test_both_settings_read_a_well_formed_prefetch_alike(tmp_path):
    body = patient_view_request(bundle_resources(TCIRG1))
    summaries = {mode: [c["summary"] for c in _service(mode, tmp_path).call("rarebone-patient-view",
                                                                           copy.deepcopy(body))["cards"]]
                 for mode in ("light", "full")}
    assert summaries["light"] and summaries["light"] == summaries["full"]


def test_light_check_refuses_a_non_array_coding_with_its_path():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p"}},
        {"resource": {"resourceType": "Condition", "subject": {"reference": "Patient/p"},
                      "code": {"coding": {"system": "http://snomed.info/sct", "code": "1"}}}}]}
    with pytest.raises(InputError) as err:
        read_bundle_dict(bundle, validation="light")
    assert err.value.path == "$.entry[1].resource.code.coding"


def test_prefetch_validation_setting_from_environment_and_refused_when_unknown():
    env = {"RAREBONE_CDS_BASE_URL": "https://c"}
    assert load_settings(None, env).prefetch_validation == "light"
    assert load_settings(None, dict(env, RAREBONE_CDS_PREFETCH_VALIDATION="full")).prefetch_validation == "full"
    with pytest.raises(InputError, match="prefetch_validation"):
        load_settings(None, dict(env, RAREBONE_CDS_PREFETCH_VALIDATION="none"))


def test_worker_threads_setting_from_toml_and_at_least_one(tmp_path):
    toml = tmp_path / "cds.toml"
    toml.write_text('[cds]\nbase_url = "https://c"\nworker_threads = 2\n')
    assert load_settings(toml, {}).worker_threads == 2
    assert load_settings(None, {"RAREBONE_CDS_BASE_URL": "https://c"}).worker_threads == 4
    toml.write_text('[cds]\nbase_url = "https://c"\nworker_threads = 0\n')
    with pytest.raises(InputError, match="worker_threads"):
        load_settings(toml, {})


CNO = ROOT / "examples" / "fhir" / "cno-clavicle-tibia-bundle.json"


def test_a_stopped_medicine_with_its_reason_is_read_by_both_settings(tmp_path):
    # An EHR sends the CNO child's naproxen as a MedicationRequest stopped for "no response" (statusReason: one
    # CodeableConcept on a MedicationRequest, an array on the MedicationStatement it becomes; FHIR R4). The light
    # check once wanted one object there too and refused the whole record ("could not be read").
    resources = bundle_resources(CNO)
    statement = next(r for r in resources if r["resourceType"] == "MedicationStatement")
    request = {"resourceType": "MedicationRequest", "id": statement["id"], "status": "stopped", "intent": "order",
               "statusReason": statement["statusReason"][0], "subject": statement["subject"],
               "medicationCodeableConcept": statement["medicationCodeableConcept"],
               "authoredOn": statement["effectivePeriod"]["start"], "dosageInstruction": statement["dosage"]}
    body = patient_view_request([r for r in resources if r is not statement] + [request])
    answers = {mode: _service(mode, tmp_path).call("rarebone-patient-view", copy.deepcopy(body))["cards"]
               for mode in ("light", "full")}
    for mode, cards in answers.items():
        assert cards and not any("could not be read" in c["detail"] for c in cards), (mode, cards)
    assert [c["summary"] for c in answers["light"]] == [c["summary"] for c in answers["full"]]


def test_an_order_not_given_is_named_in_the_card_not_read_as_treatment(tmp_path):
    # The service passes prefetched orders to the intake (cdshooks/record.py no longer makes MedicationStatements of
    # them and drops drafts silently): a cancelled order is not treatment history, and "About the record read"
    # says so with the order's path, as `rarebone assess` does for the same Bundle
    resources = bundle_resources(CNO)
    statement = next(r for r in resources if r["resourceType"] == "MedicationStatement")
    cancelled = {"resourceType": "MedicationRequest", "id": "cancelled-naproxen", "status": "cancelled",
                 "intent": "order", "subject": statement["subject"], "authoredOn": "2026-03-05",
                 "medicationCodeableConcept": statement["medicationCodeableConcept"]}
    body = patient_view_request([r for r in resources if r is not statement] + [cancelled])
    for mode in ("light", "full"):
        cards = _service(mode, tmp_path).call("rarebone-patient-view", copy.deepcopy(body))["cards"]
        said = "status is cancelled: not treatment history; not used"
        assert cards and all("MedicationRequest at $.entry[" in c["detail"] and said in c["detail"] for c in cards), mode


@pytest.mark.parametrize("kind,field,value,ok", [
    # statusReason: an array on MedicationStatement and MedicationAdministration (read: why it was stopped), one
    # CodeableConcept on Procedure (not read by the intake)
    ("MedicationStatement", "statusReason", [{"text": "no response"}], True),
    ("MedicationAdministration", "statusReason",
     [{"coding": [{"system": "http://snomed.info/sct", "code": "182862001"}]}], True),
    ("MedicationStatement", "statusReason", {"text": "no response"}, False),
    ("MedicationStatement", "statusReason", [{"text": 3}], False),
    ("Procedure", "statusReason", {"text": "patient declined"}, True),
    # bodySite: an array on Condition (laterality, read), one CodeableConcept on Observation (not read)
    ("Condition", "bodySite", [{"coding": [{"system": "http://snomed.info/sct", "code": "51440002"}]}], True),
    ("Condition", "bodySite", {"text": "left"}, False),
    ("Observation", "bodySite", {"text": "left femur"}, True),
    # dosage: an array on MedicationStatement, one element on MedicationAdministration
    ("MedicationStatement", "dosage", [{"doseAndRate": [{"doseQuantity": {"value": 1, "unit": "mg/kg"}}]}], True),
    ("MedicationStatement", "dosage", {"text": "250 mg"}, False),
    ("MedicationAdministration", "dosage", {"dose": {"value": 30, "unit": "mg"}, "route": {"text": "iv"}}, True),
    ("MedicationAdministration", "dosage", {"dose": {"value": "thirty"}}, False),
    ("MedicationAdministration", "dosage", [{"dose": {"value": 30}}], False),
    # text: a resource's own text is its Narrative (an object, on every resource; not read), a string inside
    # elements (Dosage.text, referenceRange.text). Checked as a string everywhere, it refused 165 of the 206
    # official R4 examples of the types the intake reads (tests/fhir/test_light_r4_examples.py).
    ("Observation", "text", {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
     True),
    ("Condition", "text", {"status": "generated", "div": "<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"},
     True),
    ("Observation", "referenceRange", [{"text": {"div": "not a string"}}], False),
    ("MedicationStatement", "dosage", [{"text": 250}], False),
    # contained: a Medication named by medicationReference "#id" is read (its code), so checked as a resource
    ("MedicationStatement", "contained", [{"resourceType": "Medication", "id": "m", "code": {"text": "naproxen"},
                                           "text": {"status": "generated", "div": "<div>naproxen</div>"}}], True),
    ("MedicationAdministration", "contained", [{"resourceType": "Medication", "id": "m", "code": "naproxen"}], False),
    ("MedicationStatement", "contained", {"resourceType": "Medication", "id": "m"}, False),
    # resources the intake does not read are not checked: the same names have other R4 shapes there
    ("RelatedPerson", "relationship", [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode",
                                                    "code": "MTH"}]}], True),
    ("PractitionerRole", "code", [{"text": "paediatric rheumatologist"}], True),
    ("RiskAssessment", "condition", {"reference": "Condition/c"}, True),
    ("DetectedIssue", "severity", "high", True),
])
def test_light_check_follows_each_resource_where_fhir_shapes_differ(kind, field, value, ok):
    resource = {"resourceType": kind, "status": "stopped", "subject": {"reference": "Patient/p"}, field: value}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p"}}, {"resource": resource}]}
    from rarebone.intake.fhir.light import check_bundle

    if ok:
        check_bundle(bundle)
    else:
        with pytest.raises(InputError) as err:
            check_bundle(bundle)
        assert err.value.path.startswith(f"$.entry[1].resource.{field}")
