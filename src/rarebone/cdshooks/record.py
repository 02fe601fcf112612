"""Prefetched resources -> one FHIR Bundle -> the existing FHIR intake (rarebone.intake.fhir).

The intake reads MedicationStatement/MedicationAdministration for the treatment history; an EHR's prefetch gives
MedicationRequests, so each non-draft request becomes the MedicationStatement it implies (same medication,
dosage, date, status reason). Laboratory Observations older than the window (knowledge entry
CDS-OBSERVATION-WINDOW) are left out; findings and variants are kept whatever their date.
"""

from __future__ import annotations

import datetime as dt

from rarebone.cdshooks.fhirdata import effective_date, resources

# MedicationRequest.status -> MedicationStatement.status; draft, cancelled and entered-in-error orders were
# never given and are not treatment history.
_MS_STATUS = {"active": "active", "completed": "completed", "stopped": "stopped", "on-hold": "on-hold",
              "unknown": "unknown"}


def _statement(request: dict) -> dict | None:
    status = _MS_STATUS.get(request.get("status", ""))
    if status is None:
        return None
    out = {"resourceType": "MedicationStatement", "status": status,
           "subject": request.get("subject") or {"reference": "Patient/unknown"}}
    if request.get("id"):
        out["id"] = request["id"]
    # contained: the Medication a medicationReference "#id" names travels with the request
    for key in ("medicationCodeableConcept", "medicationReference", "contained"):
        if key in request:
            out[key] = request[key]
    if request.get("authoredOn"):
        out["effectiveDateTime"] = request["authoredOn"]
    if request.get("dosageInstruction"):
        out["dosage"] = request["dosageInstruction"]
    if request.get("statusReason"):
        out["statusReason"] = [request["statusReason"]]
    return out


def months_ago(today: dt.date, months: int) -> dt.date:
    month = today.month - months
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(today.day, 28)  # a calendar cut-off, not a clinical value: day 28 exists in every month
    return dt.date(year, month, day)


def build_bundle(values: dict[str, dict | None], patient_key: str, cutoff: dt.date | None) -> tuple[dict, list[str]]:
    """One collection Bundle for the intake, and notes on what was left out (counts only, no patient data)."""
    seen: set[str] = set()
    entries: list[dict] = []
    dropped_old = 0
    for res in resources(values.get(patient_key)):
        if res.get("resourceType") == "Patient":
            entries.append({"resource": res})
            seen.add(f"Patient/{res.get('id')}")
    for key, value in values.items():
        if key == patient_key:
            continue
        for res in resources(value):
            kind = res.get("resourceType")
            ref = f"{kind}/{res.get('id')}" if res.get("id") else None
            if kind == "Patient" or (ref and ref in seen):
                continue  # the patient comes from its own key; a resource in two searches is read once
            if kind == "MedicationRequest":
                res = _statement(res)
                if res is None:
                    continue
            if kind == "Observation" and cutoff and "valueQuantity" in res:
                when = effective_date(res)
                if when is not None and when < cutoff:
                    dropped_old += 1
                    continue
            if ref:
                seen.add(ref)
            entries.append({"resource": res})
    notes = [f"{dropped_old} laboratory value(s) older than {cutoff.isoformat()} not read"] if dropped_old else []
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}, notes
