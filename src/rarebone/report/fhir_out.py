"""Assessment -> FHIR R4 Bundle (RiskAssessment + evidence Observations + DetectedIssue); TransplantPlan -> CarePlan
with draft MedicationRequests. Plain JSON dicts: writing FHIR needs no extra package (reading does); the tests
validate every resource with ``fhir.resources`` (docs/ehr-integration.md).

Ids are UUIDv5 of patient id + role, so the same assessment gives the same Bundle (diffable, idempotent upload).
"""

from __future__ import annotations

import json
import re
import uuid

from rarebone.intake.fhir.codes import HPO, SNOMED, UCUM

RISK_SYSTEM = "http://terminology.hl7.org/CodeSystem/risk-probability"
RAREBONE = "https://rarebone.org/fhir"
# suspicion level -> FHIR risk-probability code (the value set has no "none": negligible is its lowest)
_RISK = {"none": "negligible", "low": "low", "moderate": "moderate", "high": "high"}
# What each condition key is, in SNOMED CT where HPO's own xref gives it (HP:0011002 -> 1926006).
_OUTCOME = {"osteopetrosis": {"coding": [{"system": SNOMED, "code": "1926006", "display": "Osteopetrosis"}],
                              "text": "osteopetrosis"},
            "cno": {"text": "chronic nonbacterial osteomyelitis (CNO/CRMO)"}}
_HPO_ID = re.compile(r"HP:\d{7}")


def _uuid(*parts: str) -> str:
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, RAREBONE + "/" + "/".join(parts)))


def _entry(full_url: str, resource: dict) -> dict:
    resource = {"id": full_url.rsplit(":", 1)[-1], **resource}
    return {"fullUrl": full_url, "resource": resource}


def assessment_bundle(a) -> dict:
    """One Bundle (type collection) for one Assessment."""
    pid = a.patient_id
    subject = {"reference": f"Patient/{pid}", "display": pid}
    entries: list[dict] = []
    predictions = []
    basis = []
    for key, s in a.suspicion.items():
        for group, present in (("for", True), ("against", False)):
            for k, ev in enumerate(s.evidence_for if present else s.evidence_against):
                url = _uuid(pid, key, group, str(k))
                hpo = _HPO_ID.findall(ev.patient_fact or "")
                code = {"coding": [{"system": HPO, "code": h} for h in hpo[:1]], "text": ev.label}
                if not code["coding"]:
                    code.pop("coding")
                # The value is the finding's status (present / excluded); "for" or "against" the condition is the
                # rule's reading of it, said in the note (a cytopenia is present and counts against CNO).
                value = {"present": {"valueBoolean": True}, "excluded": {"valueBoolean": False}}.get(
                    ev.status.value, {"valueString": ev.status.value})
                entries.append(_entry(url, {
                    "resourceType": "Observation", "status": "final", "code": code, "subject": subject, **value,
                    "note": [{"text": f"{ev.patient_fact or ev.label} [{group} {key}; {ev.knowledge_id}; {ev.status.value}; "
                                      f"sources {', '.join(ev.citations) or 'none'}; {ev.certainty}]"}]}))
                basis.append({"reference": url, "display": ev.label})
        predictions.append({
            "outcome": _OUTCOME.get(key, {"text": key}),
            "qualitativeRisk": {"coding": [{"system": RISK_SYSTEM, "code": _RISK[s.level.value]}],
                                "text": f"rarebone suspicion {s.level.value} (score {s.score:g})"},
            "rationale": s.explanation or f"suspicion {s.level.value}"})
    recs = "; ".join(f"[{r.strength.value}] {r.text}" for r in a.recommendations)
    risk = {
        "resourceType": "RiskAssessment", "status": "preliminary", "subject": subject,
        "extension": [{"url": f"{RAREBONE}/StructureDefinition/hsct-recommendation", "valueCode": a.hsct.recommendation.value},
                      {"url": f"{RAREBONE}/StructureDefinition/hsct-urgency", "valueCode": a.hsct.urgency.value}],
        "method": {"text": f"rarebone {a.rarebone_version} rules (knowledge {a.knowledge_version}, HPO {a.hpo_version})"},
        "basis": basis, "prediction": predictions,
        "mitigation": f"HSCT: {a.hsct.recommendation.value}; urgency {a.hsct.urgency.value}." + (f" {recs}" if recs else ""),
        "note": [{"text": a.notice}, {"text": f"source: {a.source}"}],
    }
    entries.insert(0, _entry(_uuid(pid, "risk"), risk))
    for k, text in enumerate(a.warnings):
        entries.append(_entry(_uuid(pid, "warning", str(k)), _issue(subject, "moderate", "rarebone warning", text)))
    for k, text in enumerate(a.missing_data):
        entries.append(_entry(_uuid(pid, "missing", str(k)), _issue(subject, "low", "missing data", text)))
    return {"resourceType": "Bundle", "id": _uuid(pid, "bundle").rsplit(":", 1)[-1], "type": "collection", "entry": entries}


def _issue(subject: dict, severity: str, kind: str, text: str) -> dict:
    return {"resourceType": "DetectedIssue", "status": "preliminary", "severity": severity,
            "code": {"text": kind}, "patient": subject, "detail": text}


def _quantity(q) -> dict:
    return {"value": q.value, "unit": q.unit, "system": UCUM, "code": q.unit}


def plan_bundle(plan) -> dict:
    """A CarePlan (draft, proposal) with one draft MedicationRequest per planned administration day."""
    pid = plan.patient_id
    subject = {"reference": f"Patient/{pid}", "display": pid}
    entries: list[dict] = []
    activities = []
    for k, adm in enumerate(plan.administrations):
        url = _uuid(pid, "plan", str(plan.day0), str(k))
        dose = adm.amount or adm.dose
        text = (f"{adm.drug}: day {adm.study_day:+d} ({adm.date.isoformat()}), "
                + (f"{adm.amount.value:g} {adm.amount.unit}" if adm.amount else "dose set by the centre")
                + (f" ({adm.dose.value:g} {adm.dose.unit})" if adm.dose and adm.amount else "")
                + f" {adm.route}, {adm.frequency}")
        notes = [f"dose certainty: {adm.certainty}; sources {', '.join(adm.citations) or 'none'}"]
        if adm.assumed_from:
            notes.append(f"DAY ASSUMED BY RAREBONE (the centre confirms or replaces it): {adm.assumed_from}")
        if adm.schedule_certainty:
            notes.append(f"schedule certainty: {adm.schedule_certainty}")
        dosage = {"text": text, "timing": {"event": [adm.date.isoformat()], "code": {"text": adm.frequency}},
                  "route": {"text": adm.route}}
        if dose:
            dosage["doseAndRate"] = [{"doseQuantity": _quantity(dose)}]
        request = {"resourceType": "MedicationRequest", "status": "draft", "intent": "proposal",
                   "medicationCodeableConcept": {"text": adm.drug}, "subject": subject,
                   "dosageInstruction": [dosage], "note": [{"text": n} for n in notes]}
        if adm.assumed_from:
            request["extension"] = [{"url": f"{RAREBONE}/StructureDefinition/day-assumed", "valueString": adm.assumed_from}]
        entries.append(_entry(url, request))
        activities.append({"reference": {"reference": url, "display": text}})
    careplan = {
        "resourceType": "CarePlan", "status": "draft", "intent": "proposal", "subject": subject,
        "title": f"{plan.protocol.name} (day 0 {plan.day0.isoformat()})",
        "description": f"{plan.protocol.name}; weight {plan.weight_kg:g} kg, height {plan.height_cm:g} cm, "
                       f"BSA {plan.bsa_m2:.2f} m2 ({plan.bsa_formula}); protocol certainty {plan.protocol.certainty}",
        "note": [{"text": plan.notice}] + [{"text": f"warning: {w}"} for w in plan.warnings]
        + [{"text": f"not scheduled: {n}"} for n in plan.not_scheduled]
        + [{"text": f"day sources: {json.dumps(plan.day_sources, sort_keys=True)}"}],
        "activity": activities,
    }
    entries.insert(0, _entry(_uuid(pid, "careplan", str(plan.day0)), careplan))
    return {"resourceType": "Bundle", "id": _uuid(pid, "plan-bundle", str(plan.day0)).rsplit(":", 1)[-1],
            "type": "collection", "entry": entries}


def dumps(bundle: dict) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
