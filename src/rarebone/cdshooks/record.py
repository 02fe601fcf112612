"""Prefetched resources -> one FHIR Bundle -> the existing FHIR intake (rarebone.intake.fhir).

Prefetched MedicationRequests are passed through as they are: the intake reads an order itself (which statuses and
intents are treatment history, authoredOn as the start, dosageInstruction[0]), exactly as for a Bundle given to
``rarebone assess``, and names the order's own elements in errors and warnings. Laboratory Observations older than
the window (knowledge entry CDS-OBSERVATION-WINDOW) are left out; findings and variants are kept whatever their date.
"""

from __future__ import annotations

import datetime as dt

from rarebone.cdshooks.fhirdata import effective_date, resources


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
