"""Build the CDS Hooks request examples in this folder from the FHIR example Bundles in ../fhir.

    python examples/cds-hooks/build_examples.py      # rewrites the two request files

- ``patient-view-tcirg1.json``: a chart opened in the EHR, with every prefetch key rarebone's discovery asks for,
  filled from ``tcirg1-infant-bundle.json`` (the TCIRG1 infant: the cards for osteopetrosis and an urgent HSCT
  referral).
- ``order-sign-pamidronate.json``: the CNO child of ``cno-clavicle-tibia-bundle.json`` (32 kg) with a draft order of
  pamidronate 64 mg, 2 mg/kg, twice the per-dose amount of every published regimen in the knowledge base (a warning
  card that suggests the corrected dose).

tests/cdshooks/test_examples.py checks that the files are what this script writes and posts them to the service.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
FHIR = HERE.parent / "fhir"


def _resources(name: str) -> list[dict]:
    return [e["resource"] for e in json.loads((FHIR / name).read_text())["entry"]]


def _searchset(resources: list[dict]) -> dict:
    return {"resourceType": "Bundle", "type": "searchset", "total": len(resources),
            "entry": [{"resource": r, "search": {"mode": "match"}} for r in resources]}


def patient_view() -> dict:
    resources = _resources("tcirg1-infant-bundle.json")
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    kind = lambda name: [r for r in resources if r["resourceType"] == name]  # noqa: E731
    return {"hook": "patient-view", "hookInstance": "5b7e1c64-2a8f-4a4e-9f0a-0d5f1a9d8c11",
            "context": {"userId": "Practitioner/example", "patientId": patient["id"]},
            "prefetch": {"patient": patient, "conditions": _searchset(kind("Condition")),
                         "observations": _searchset(kind("Observation")),
                         "medications": _searchset(kind("MedicationRequest")),
                         "reports": _searchset(kind("DiagnosticReport"))}}


def order_sign() -> dict:
    resources = _resources("cno-clavicle-tibia-bundle.json")
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    weight = [r for r in resources if r["resourceType"] == "Observation"
              and any(c.get("code") == "29463-7" for c in r["code"].get("coding", []))]
    order = {"resourceType": "MedicationRequest", "id": "draft-pamidronate-1", "status": "draft", "intent": "order",
             "subject": {"reference": f"Patient/{patient['id']}"},
             "medicationCodeableConcept": {"text": "Pamidronate disodium 3 mg/mL infusion"},
             "dosageInstruction": [{"text": "64 mg IV over 4 hours",
                                    "doseAndRate": [{"doseQuantity": {"value": 64, "unit": "mg",
                                                                      "system": "http://unitsofmeasure.org",
                                                                      "code": "mg"}}]}]}
    return {"hook": "order-sign", "hookInstance": "0c2d3f1e-7b7a-4c55-8d2e-3e1f9b6a4d22",
            "context": {"userId": "Practitioner/example", "patientId": patient["id"],
                        "draftOrders": {"resourceType": "Bundle", "type": "collection",
                                        "entry": [{"resource": order}]}},
            "prefetch": {"patient": patient, "weight": _searchset(weight), "height": _searchset([])}}


EXAMPLES = {"patient-view-tcirg1.json": patient_view, "order-sign-pamidronate.json": order_sign}


def text(build) -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    for name, build in EXAMPLES.items():
        (HERE / name).write_text(text(build))
        print(f"wrote {HERE / name}")
