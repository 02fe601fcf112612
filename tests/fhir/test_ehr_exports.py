"""Whole-EHR exports (Synthea R4 patient Bundles and a Synthea bulk export; tests/fhir/data/ehr-exports/SOURCES.md).

The intake was built and tested on small, hand-made Bundles; an EHR sends a child's whole record: hundreds of
resources of types the intake does not read (Encounter, AllergyIntolerance), narratives, US Core extensions,
vital signs with components, doses without units. A record that cannot be read is a missed child, so each export
must be read by both validation settings alike, by ``rarebone assess``, and by the CDS Hooks service (the
prefetch an EHR would send) without a "could not be read" card.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from rarebone.cdshooks.record import build_bundle  # noqa: E402
from rarebone.intake.fhir import read_bundle_dict  # noqa: E402
from tests.conftest import run_cli  # noqa: E402

DATA = Path(__file__).parent / "data" / "ehr-exports"
EXPORTS = sorted(DATA.glob("*.json"))
# The resource types a patient-view prefetch asks for, by prefetch key (tests/cdshooks/conftest.py).
PREFETCH = {"conditions": "Condition", "observations": "Observation", "medications": "MedicationRequest",
            "reports": "DiagnosticReport"}


def _resources(path: Path) -> list[dict]:
    return [e["resource"] for e in json.loads(path.read_text(encoding="utf-8"))["entry"]]


def _prefetch(resources: list[dict]) -> dict:
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    out: dict = {"patient": patient}
    for key, kind in PREFETCH.items():
        out[key] = {"resourceType": "Bundle", "type": "searchset",
                    "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources
                              if r["resourceType"] == kind]}
    return out


def test_the_exports_are_vendored():
    # six records; the sizes stay small enough to vendor (SOURCES.md, trim.py)
    assert len(EXPORTS) == 6
    assert sum(p.stat().st_size for p in EXPORTS) < 1_500_000


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.stem)
def test_full_and_light_read_the_whole_export_alike(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    full = read_bundle_dict(copy.deepcopy(document), source=path.name, validation="full")
    light = read_bundle_dict(copy.deepcopy(document), source=path.name, validation="light")
    assert light.patient == full.patient
    assert light.warnings == full.warnings
    # the record was read, not only accepted: the child's sex, and every resource the intake does not read listed
    assert full.patient.sex.value in ("male", "female")
    unread = sum(1 for e in document["entry"] if e["resource"]["resourceType"] in ("Encounter", "AllergyIntolerance"))
    assert sum(1 for w in full.warnings if "not read by rarebone" in w) == unread


# What the six exports' orders now give (21 MedicationRequests, all intent order, status stopped or active): each is
# a treatment dated by its authoredOn. Before, `rarebone assess` read none of them (listed as not read), and the CDS
# path read all 21 but kept a start date for 2 only (the two with a dose; Synthea sends most orders with
# dosageInstruction [{"asNeededBoolean": true}] or none, and the start was kept inside a dose's interval only).
@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.stem)
def test_each_order_in_an_export_is_a_dated_treatment_on_the_command_line_and_the_cds_path(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    orders = [(i, e["resource"]) for i, e in enumerate(document["entry"])
              if e["resource"]["resourceType"] == "MedicationRequest"]
    assert orders and all(r["status"] in ("active", "stopped") and r["intent"] == "order" for _, r in orders)
    treatments = read_bundle_dict(copy.deepcopy(document), source=path.name, validation="light").patient.treatments
    assert [t.json_path for t in treatments] == [f"$.entry[{i}].resource" for i, _ in orders]
    for t, (_, order) in zip(treatments, orders):
        assert t.agent_label == order["medicationCodeableConcept"]["coding"][0]["display"]
        assert [d.start.date.isoformat() for d in t.doses] == [order["authoredOn"][:10]]
        assert all(d.value is None and d.unit is None for d in t.doses)  # Synthea's doses: none, or no unit
    bundle, _ = build_bundle(_prefetch(_resources(path)), "patient", None)
    cds = read_bundle_dict(bundle, validation="light").patient.treatments
    strip = lambda ts: [(t.agent_label, t.doses, t.termination_reason) for t in ts]  # noqa: E731 (paths differ)
    assert strip(cds) == strip(treatments)


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.stem)
def test_assess_reads_the_export(path):
    r = run_cli("assess", str(path))
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert "ANSWER FIRST" in r.stdout


@pytest.mark.parametrize("path", EXPORTS, ids=lambda p: p.stem)
def test_the_cds_path_reads_the_export(path, tmp_path):
    pytest.importorskip("fastapi", reason="the CDS Hooks service needs the web extra")
    from rarebone.cdshooks.service import CdsService
    from rarebone.cdshooks.settings import CdsSettings

    resources = _resources(path)
    prefetch = _prefetch(resources)
    # the Bundle the service builds (no date window, so every laboratory value is in it), read by both settings
    bundle, _ = build_bundle(copy.deepcopy(prefetch), "patient", None)
    light = read_bundle_dict(copy.deepcopy(bundle), validation="light")
    full = read_bundle_dict(copy.deepcopy(bundle), validation="full")
    assert light.patient == full.patient and light.warnings == full.warnings
    requests = sum(1 for r in resources if r["resourceType"] == "MedicationRequest" and r["status"] != "draft")
    assert len(light.patient.treatments) == requests
    # the service itself, as an EHR calls it
    body = {"hook": "patient-view", "hookInstance": "ehr-export-" + path.stem,
            "context": {"userId": "Practitioner/example", "patientId": prefetch["patient"]["id"]},
            "prefetch": prefetch}
    for mode in ("light", "full"):
        service = CdsService(CdsSettings(base_url="http://127.0.0.1", require_auth=False, prefetch_validation=mode,
                                         registry_db=f"sqlite:///{tmp_path}/{mode}.sqlite", assessment_cache_size=0))
        cards = service.call("rarebone-patient-view", copy.deepcopy(body))["cards"]
        assert not any("could not be read" in c["detail"] for c in cards), (mode, cards)


# --- bugs the exports showed ---------------------------------------------------------------------------------

def _bundle(*resources: dict) -> dict:
    patient = {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "2015-01-01"}
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in (patient, *resources)]}


@pytest.mark.parametrize("validation", ["light", "full"])
def test_a_dose_without_a_unit_is_not_read_as_the_unit_none(validation):
    # Synthea (and order entry) sends {"value": 1} (one tablet): a valid FHIR Quantity with no unit. It was read as
    # the unit "UCUM:None", shown as "1 None" on the treatment ladder. The amount is left out (a dose unit is never
    # guessed); the medicine, its start and how often are still read.
    statement = {"resourceType": "MedicationStatement", "id": "m", "status": "active",
                 "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2020-03-01",
                 "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                           "code": "198013", "display": "Naproxen 250 MG Oral Tablet"}]},
                 "dosage": [{"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                             "doseAndRate": [{"doseQuantity": {"value": 1}}]}]}
    result = read_bundle_dict(_bundle(statement), validation=validation)
    (treatment,) = result.patient.treatments
    (dose,) = treatment.doses
    assert dose.value is None and dose.unit is None
    assert dose.frequency == "2 per 1 d" and dose.start.timestamp.date().isoformat() == "2020-03-01"
    assert any("$.entry[1].resource.dosage[0].doseAndRate[0].doseQuantity has no unit" in w for w in result.warnings)


def test_no_synthea_dose_is_read_with_the_unit_none():
    for path in EXPORTS:
        bundle, _ = build_bundle(_prefetch(_resources(path)), "patient", None)
        result = read_bundle_dict(bundle, validation="light")
        units = {d.unit for t in result.patient.treatments for d in t.doses}
        assert not any("None" in (u or "") for u in units), (path.name, units)


@pytest.mark.parametrize("validation", ["light", "full"])
def test_a_laboratory_value_without_a_unit_leaves_the_rest_of_the_record_readable(validation):
    # A valueQuantity without a unit is valid FHIR; it refused the WHOLE record ("unit cannot be converted",
    # value 'UCUM:None', a unit that is not in the record). The value is left out with a warning naming the path.
    unitless = {"resourceType": "Observation", "id": "o", "status": "final", "subject": {"reference": "Patient/p"},
                "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
                "effectiveDateTime": "2020-01-01", "valueQuantity": {"value": 12}}
    with_unit = dict(unitless, id="o2", valueQuantity={"value": 12, "unit": "g/dL", "code": "g/dL",
                                                       "system": "http://unitsofmeasure.org"})
    result = read_bundle_dict(_bundle(unitless, with_unit), validation=validation)
    assert [m.json_path for m in result.patient.measurements] == ["$.entry[2].resource"]
    assert any(w.startswith("FHIR: $.entry[1].resource.valueQuantity has no unit") for w in result.warnings)


@pytest.mark.parametrize("validation", ["light", "full"])
def test_a_medication_named_by_its_bundle_fullurl_is_read(validation):
    # A transaction Bundle (as Synthea and EHR exports write them) names each resource by fullUrl "urn:uuid:..."
    # and references use that name (FHIR R4 Bundle, resolving references). The Medication was not found and the
    # medicine dropped as "not understood".
    medication = {"resourceType": "Medication", "id": "med-1",
                  "code": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "198013",
                                       "display": "Naproxen 250 MG Oral Tablet"}]}}
    statement = {"resourceType": "MedicationStatement", "id": "m", "status": "active",
                 "subject": {"reference": "urn:uuid:p"}, "effectiveDateTime": "2020-03-01",
                 "medicationReference": {"reference": "urn:uuid:7f1c0b2e-0000-4000-8000-000000000001"}}
    bundle = _bundle(statement)
    bundle["type"] = "transaction"
    bundle["entry"].append({"fullUrl": "urn:uuid:7f1c0b2e-0000-4000-8000-000000000001", "resource": medication,
                            "request": {"method": "POST", "url": "Medication"}})
    for e in bundle["entry"][:2]:
        e["request"] = {"method": "POST", "url": e["resource"]["resourceType"]}
    result = read_bundle_dict(bundle, validation=validation)
    assert [t.agent_label for t in result.patient.treatments] == ["Naproxen 250 MG Oral Tablet"]
    assert not any("not understood" in w for w in result.warnings)


@pytest.mark.parametrize("validation", ["light", "full"])
def test_a_laboratory_bound_is_not_read_as_the_value(validation):
    # "<5 mg/L": valueQuantity with comparator "<" (FHIR R4 Quantity.comparator), as laboratories report a value
    # below what they can measure. It was read as exactly 5 mg/L, a value the laboratory never gave.
    bound = {"resourceType": "Observation", "id": "o", "status": "final", "subject": {"reference": "Patient/p"},
             "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]}, "effectiveDateTime": "2020-01-01",
             "valueQuantity": {"value": 5, "comparator": "<", "unit": "g/dL", "code": "g/dL",
                               "system": "http://unitsofmeasure.org"}}
    exact = copy.deepcopy(bound)
    exact["id"], exact["valueQuantity"]["value"] = "o2", 11.5
    del exact["valueQuantity"]["comparator"]
    result = read_bundle_dict(_bundle(bound, exact), validation=validation)
    assert [m.json_path for m in result.patient.measurements] == ["$.entry[2].resource"]  # the exact value only
    assert any(w.startswith("FHIR: $.entry[1].resource.valueQuantity is <5 g/dL, a bound") for w in result.warnings)


def test_the_light_check_refuses_a_comparator_that_is_not_a_string_as_the_full_one_does():
    from rarebone.errors import InputError

    bad = {"resourceType": "Observation", "id": "o", "status": "final", "subject": {"reference": "Patient/p"},
           "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
           "valueQuantity": {"value": 5, "comparator": 1, "unit": "g/dL"}}
    for validation in ("light", "full"):
        with pytest.raises(InputError) as err:
            read_bundle_dict(_bundle(bad), validation=validation)
        assert err.value.path == "$.entry[1].resource.valueQuantity.comparator", validation


@pytest.mark.parametrize("validation", ["light", "full"])
@pytest.mark.parametrize("kind", ["laboratory", "finding"])
def test_a_date_error_names_the_effective_period_the_record_has(validation, kind):
    # Synthea and EHRs date some Observations with effectivePeriod (or only issued). A date before birth is refused
    # naming its path; for a finding the path named was effectiveDateTime, an element not in the record (a
    # laboratory value's was already right: kept here as a guard, both read through the same helper now).
    from rarebone.errors import InputError

    obs = {"resourceType": "Observation", "id": "o", "status": "final", "subject": {"reference": "Patient/p"},
           "effectivePeriod": {"start": "2014-01-01", "end": "2014-01-02"}}
    if kind == "laboratory":
        obs.update(code={"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
                   valueQuantity={"value": 12, "unit": "g/dL", "code": "g/dL"})
    else:
        obs["code"] = {"coding": [{"system": "http://purl.obolibrary.org/obo/hp.owl", "code": "HP:0002757"}]}
    with pytest.raises(InputError) as err:
        read_bundle_dict(_bundle(obs), validation=validation)
    assert err.value.path == "$.entry[1].resource.effectivePeriod.start"
