"""The light FHIR check (intake/fhir/light.py) against the FHIR R4 specification's own examples.

The light check looks only at the fields the intake reads, by field name; a field name whose JSON shape differs
between resources (or between a resource and the elements inside it) once made it refuse valid records, which
makes the WHOLE record unreadable in the CDS Hooks service (prefetch_validation = "light", the default). Here every
official R4 4.0.1 example of the resource types the intake reads (tests/fhir/data/r4-examples/SOURCES.md) is put
in a Bundle as the service would see it; each must be accepted by the full validation (fhir.resources, the R4B
models the intake uses for "full"), pass the light check, and be read by both settings into the same Patient and
warnings.

How each example becomes a Bundle:
- a Patient example is the Bundle's one Patient;
- anything else (a MedicationRequest too: the intake reads orders itself, and the CDS path passes them through,
  test_the_cds_path_passes_each_r4_order_through below) is placed in a Bundle with one minimal Patient.
The examples' ``subject`` / ``patient`` references name patients of the specification's example set (Patient/example,
Patient/pat1, ...); they are rewritten to the Bundle's Patient, the same way for every example, so each Bundle is a
consistent record of one child. The minimal Patient has no birthDate: the examples' dates span 1970-2019 and a
birth date after one of them is not a valid record of a child.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from pathlib import Path

import pytest

pytest.importorskip("fhir.resources", reason="the [fhir] extra (fhir.resources) is not installed")

from fhir.resources.R4B.bundle import Bundle  # noqa: E402

from rarebone.cdshooks.record import build_bundle  # noqa: E402
from rarebone.intake.fhir import read_bundle_dict  # noqa: E402
from rarebone.intake.fhir.light import check_bundle  # noqa: E402

DATA = Path(__file__).parent / "data" / "r4-examples"
EXAMPLES = sorted(DATA.glob("*.json"))
PATIENT = {"resourceType": "Patient", "id": "child", "gender": "female"}


def _to_child(resource: dict) -> dict:
    out = copy.deepcopy(resource)
    for key in ("subject", "patient"):
        ref = out.get(key)
        if isinstance(ref, dict) and str(ref.get("reference", "")).startswith("Patient/"):
            out[key] = {**ref, "reference": "Patient/child"}
    return out


def _bundle(resource: dict) -> dict:
    kind = resource["resourceType"]
    if kind == "Patient":
        return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": copy.deepcopy(resource)}]}
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": copy.deepcopy(PATIENT)}, {"resource": _to_child(resource)}]}


def test_every_vendored_example_is_here():
    # the parametrised test below must not pass by finding no files: the counts are those of SOURCES.md
    kinds = Counter(json.loads(p.read_text())["resourceType"] for p in EXAMPLES)
    assert kinds == {"Observation": 64, "MedicationRequest": 40, "Medication": 23, "Patient": 22, "Procedure": 16,
                     "MedicationAdministration": 14, "Condition": 12, "MedicationStatement": 7,
                     "DiagnosticReport": 5, "FamilyMemberHistory": 2}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_light_check_accepts_and_reads_each_r4_example_as_the_full_validation_does(path):
    bundle = _bundle(json.loads(path.read_text()))
    Bundle.model_validate(copy.deepcopy(bundle))  # valid R4 (fhir.resources' own verdict, not ours)
    check_bundle(copy.deepcopy(bundle))
    light = read_bundle_dict(copy.deepcopy(bundle), validation="light")
    full = read_bundle_dict(copy.deepcopy(bundle), validation="full")
    assert light.patient == full.patient
    assert light.warnings == full.warnings


MEDICINES = [p for p in EXAMPLES if p.name.startswith(("MedicationRequest-", "MedicationStatement-",
                                                       "MedicationAdministration-"))]


def _medicine_named(resource: dict) -> bool:
    """Whether the example names its medicine in words (a display or text), inline or in the Medication its
    medicationReference names (contained "#id", or another example Medication-<id>.json)."""
    concept = resource.get("medicationCodeableConcept")
    ref = (resource.get("medicationReference") or {}).get("reference", "")
    if concept is None and ref.startswith("#"):
        concept = next((c.get("code") for c in resource.get("contained", []) if c.get("id") == ref[1:]), None)
    elif concept is None and ref.startswith("Medication/"):
        concept = None  # a Medication elsewhere on the server: not in this one-example Bundle, so not read
    concept = concept or {}
    return bool(concept.get("text") or any(c.get("display") for c in concept.get("coding", [])))


# R4 status codes (medication-statement-status, medication-admin-status, medicationrequest-status) and request
# intents (medicationrequest-intent) under which no medicine was given: not treatment history.
NOT_GIVEN_STATUS = {"entered-in-error", "intended", "not-taken", "not-done", "draft", "cancelled"}
NOT_GIVEN_INTENT = {"proposal", "option"}


@pytest.mark.parametrize("path", MEDICINES, ids=[p.stem for p in MEDICINES])
def test_each_medicine_named_in_an_r4_example_is_read_as_a_treatment(path):
    # Most R4 medication examples name the medicine in a contained Medication (medicationReference "#med0301");
    # the intake once read none of those (the treatment was dropped as "not understood"). A medicine that was not
    # given (status not-taken, entered-in-error, ...) is not treatment history, and the warning names its status.
    resource = json.loads(path.read_text())
    result = read_bundle_dict(_bundle(resource), validation="light")
    given = resource.get("status") not in NOT_GIVEN_STATUS and resource.get("intent") not in NOT_GIVEN_INTENT
    assert len(result.patient.treatments) == (1 if _medicine_named(resource) and given else 0)
    if resource.get("status") in NOT_GIVEN_STATUS:
        assert any(f".status is {resource['status']}: not treatment history" in w for w in result.warnings)


ORDERS = [p for p in EXAMPLES if p.name.startswith("MedicationRequest-")]


@pytest.mark.parametrize("path", ORDERS, ids=[p.stem for p in ORDERS])
def test_the_cds_path_passes_each_r4_order_through(path):
    # cdshooks/record.py once turned each order into a MedicationStatement; it now hands the order to the intake
    # as it came, so the service reads it as `rarebone assess` reads the Bundle file
    order = _to_child(json.loads(path.read_text()))
    searchset = {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": copy.deepcopy(order)}]}
    bundle, _ = build_bundle({"patient": copy.deepcopy(PATIENT), "medications": searchset}, "patient", None)
    assert [e["resource"] for e in bundle["entry"]] == [PATIENT, order]
    assert read_bundle_dict(bundle, validation="light").patient == read_bundle_dict(_bundle(order), validation="light").patient


def test_the_r4_orders_are_read_not_skipped():
    # the 40 orders: each one whose medicine is named in the Bundle is a treatment (40 minus the one naming
    # Medication/med0316 on the server and those with no display or text), none is listed as "not read"
    read = named = 0
    for path in ORDERS:
        resource = json.loads(path.read_text())
        result = read_bundle_dict(_bundle(resource), validation="light")
        assert not any("not read by rarebone" in w for w in result.warnings), path.name
        read += len(result.patient.treatments)
        named += _medicine_named(resource)
    assert read == named and read >= 30
