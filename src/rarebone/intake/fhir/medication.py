"""FHIR MedicationStatement, MedicationAdministration and MedicationRequest -> a Phenopacket treatment (the CNO
treatment ladder reads it). Part of the FHIR intake (``rarebone.intake.fhir``), whose translation, date and code
helpers it uses; docs/ehr-integration.md "What is read from which resource".
"""

from __future__ import annotations

from typing import Any

from rarebone.intake.fhir import _codings, _Translation, _when
from rarebone.intake.fhir import codes as C

# MedicationRequest.status (R4 value set medicationrequest-status) of an order that was, or is being, given: treatment
# history. draft (never signed), cancelled (withdrawn before anything was taken) and entered-in-error are not. An EHR
# export (Synthea, US Core, Epic) carries a child's medicines as orders only; this is the reading the CDS Hooks path
# had when it turned orders into MedicationStatements (cdshooks/record.py), so the CLI and the service agree.
_ORDER_READ = ("active", "completed", "stopped", "on-hold", "unknown")
_ORDER_STATUSES = _ORDER_READ + ("draft", "cancelled", "entered-in-error")
# MedicationRequest.intent (R4 medicationrequest-intent): a proposal is a suggestion with no authorisation to act
# (rarebone's own `plan --format fhir` writes its plan as draft proposals; so do CDS suggestions) and an option one
# alternative of a RequestGroup: neither is a medicine the child had. "plan" is kept: US Core records a
# patient-reported or self-prescribed medicine (an over-the-counter NSAID given at home) as intent plan.
_NOT_ORDERED = ("proposal", "option")


# MedicationStatement.status (R4 medication-statement-status) and MedicationAdministration.status
# (medication-admin-status): read, and all codes. entered-in-error, intended (not yet taken), not-taken and not-done
# are not treatment history: a "not-taken" naproxen read as given would count as an NSAID tried.
_STATEMENT_READ = ("active", "completed", "stopped", "on-hold", "unknown")
_STATEMENT_STATUSES = _STATEMENT_READ + ("entered-in-error", "intended", "not-taken")
_ADMINISTRATION_READ = ("in-progress", "completed", "stopped", "on-hold", "unknown")
_ADMINISTRATION_STATUSES = _ADMINISTRATION_READ + ("not-done", "entered-in-error")
_READ = {"MedicationRequest": (_ORDER_READ, _ORDER_STATUSES),
         "MedicationStatement": (_STATEMENT_READ, _STATEMENT_STATUSES),
         "MedicationAdministration": (_ADMINISTRATION_READ, _ADMINISTRATION_STATUSES)}
# A status saying the medicine is no longer given: with no statusReason, it still ended (see ``medication``).
_ENDED = ("completed", "stopped")


def _given(tr: _Translation, path: str, res: dict) -> bool:
    """Whether a medicine resource is treatment history (its status; for an order also _NOT_ORDERED); if not, a
    warning naming the element. Only the value set's own codes are quoted: FHIR code elements are strings, and
    anything else a record puts there is not repeated in the output."""
    kind = res["resourceType"]
    status, intent = res.get("status"), res.get("intent")
    read, statuses = _READ[kind]
    if status not in read:
        said = f"is {status}" if status in statuses else ("has no status" if status is None else
                                                           f"is not a {kind} status")
        tr.warnings.append(f"FHIR: {kind} at {path}.status {said}: not treatment history; not used")
        return False
    if kind == "MedicationRequest" and intent in _NOT_ORDERED:
        tr.warnings.append(f"FHIR: MedicationRequest at {path}.intent is {intent}, not an order: not treatment "
                           f"history; not used")
        return False
    return True


def medication(tr: _Translation, path: str, res: dict, by_ref: dict[str, dict]) -> None:
    """MedicationStatement, MedicationAdministration or MedicationRequest -> a treatment. Each names its elements
    differently (R4): the dosage is ``dosage[0]``, ``dosage`` (one element) or ``dosageInstruction[0]``; the start
    ``effective[x]`` or the order's ``authoredOn``; ``statusReason`` an array, or one CodeableConcept on a request.
    Errors and warnings name the resource's own elements."""
    request = res["resourceType"] == "MedicationRequest"
    if not _given(tr, path, res):
        return
    concept = res.get("medicationCodeableConcept")
    where = f"{path}.medicationCodeableConcept"
    if concept is None and res.get("medicationReference"):
        ref = res["medicationReference"].get("reference", "")
        if ref.startswith("#"):  # a Medication contained in this resource (FHIR R4 "contained resources")
            medication = next((c for c in res.get("contained") or [] if c.get("resourceType") == "Medication"
                               and c.get("id") == ref[1:]), {})
        else:
            medication = by_ref.get(ref, {})
        concept = medication.get("code")
        where = f"{path}.medicationReference"
    codings = _codings(concept)
    coding = next((c for c in codings if c.get("system") == C.RXNORM), codings[0] if codings else {})
    label = coding.get("display") or (concept or {}).get("text")
    if not label:
        tr.not_understood(coding, where, "medication")
        return
    prefix = "RxNorm" if coding.get("system") == C.RXNORM else (coding.get("system") or "text")
    treatment: dict[str, Any] = {"agent": {"id": f"{prefix}:{coding.get('code') or label}", "label": label}}
    if request:
        # authoredOn is when the order was written, the nearest R4 gives to a start (not necessarily the first
        # dose); an order has no end date (dispenseRequest.validityPeriod is how long it may be dispensed).
        dosage, where_dosage = (res.get("dosageInstruction") or [{}])[0], f"{path}.dosageInstruction[0]"
        start, start_path, end, end_path = res.get("authoredOn"), f"{path}.authoredOn", None, ""
        reasons = [res["statusReason"]] if res.get("statusReason") else []
    else:
        dosage = res.get("dosage") or [{}]
        where_dosage = f"{path}.dosage[0]" if isinstance(dosage, list) else f"{path}.dosage"
        dosage = dosage[0] if isinstance(dosage, list) else dosage
        period = res.get("effectivePeriod") or {}
        start = period.get("start") or res.get("effectiveDateTime")
        start_path = f"{path}.effectivePeriod.start" if period.get("start") else f"{path}.effectiveDateTime"
        end, end_path = period.get("end"), f"{path}.effectivePeriod.end"
        reasons = res.get("statusReason") or []
    dose = ((dosage.get("doseAndRate") or [{}])[0].get("doseQuantity")) or dosage.get("dose")
    dose_path = f"{where_dosage}.doseAndRate[0].doseQuantity" if "doseAndRate" in dosage else f"{where_dosage}.dose"
    tr.note_date(start)
    if dosage.get("route"):
        route = _codings(dosage["route"])
        treatment["routeOfAdministration"] = {"id": f"SNOMED:{route[0].get('code')}" if route else "text",
                                              "label": (route[0].get("display") if route else None) or dosage["route"].get("text", "")}
    interval: dict[str, Any] = {}
    if dose:
        if dose.get("code") or dose.get("unit"):
            interval["quantity"] = {"value": dose.get("value"),
                                    "unit": {"id": f"UCUM:{dose.get('code') or dose.get('unit')}",
                                             "label": dose.get("unit") or dose.get("code") or ""}}
        else:
            # A dose without a unit ({"value": 1}: one tablet, as Synthea and order entry send it; FHIR allows it):
            # the amount is not read, since a unit is never guessed for a dose; when and how often still are. It
            # was read as the unit "UCUM:None" ("1 None" on the treatment ladder).
            tr.warnings.append(f"FHIR: dose at {dose_path} has no unit: the amount is not read (a dose unit is "
                               f"never guessed)")
    # When and how often are read with or without a dose: a medicine recorded with its dates and no dose once lost
    # its start (kept only inside a dose's interval), so the CNO ladder could not date it (the NSAID trial's
    # length). A Phenopacket dose interval without a quantity carries them; nothing downstream invents a dose.
    timing = (dosage.get("timing") or {})
    frequency = (timing.get("code") or {}).get("text") or _repeat_text(timing.get("repeat"))
    if frequency:
        interval["scheduleFrequency"] = {"id": "text", "label": frequency}
    sub = {".treatment.doseIntervals[0].quantity": dose_path[len(path):]}
    begun = _when(tr, start, start_path)
    if begun:
        ended = _when(tr, end, end_path)
        if ended and ended[:10] < begun[:10]:
            # (the CNO ladder refuses such an interval naming a Phenopacket path under the FHIR resource; here the
            # record's own elements are named, and the medicine is still read from its start)
            tr.warnings.append(f"FHIR: {end_path} ({ended[:10]}) is before {start_path} ({begun[:10]}): the end "
                               f"date is not read")
            ended = None
        interval["interval"] = {"start": begun, **({"end": ended} if ended else {})}
        # a date the Phenopacket reader refuses is named by its FHIR element (light check: it accepts any
        # YYYY-MM-DD shape, so "2020-02-30" is refused here, not by the schema)
        sub[".treatment.doseIntervals[0].interval"] = start_path[len(path):]
        sub[".treatment.doseIntervals[0].interval.start"] = start_path[len(path):]
        if ended:
            sub[".treatment.doseIntervals[0].interval.end"] = end_path[len(path):]
    if dose or interval:
        treatment["doseIntervals"] = [interval]
    reasons = [c.get("text") or (_codings(c) or [{}])[0].get("display") for c in reasons]
    action: dict[str, Any] = {"treatment": treatment}
    if any(reasons):
        # FHIR has no "response to treatment" element; why it was stopped is the nearest (e.g. "no response").
        action["treatmentTerminationReason"] = {"id": "text", "label": "; ".join(r for r in reasons if r)}
    elif res.get("status") in _ENDED:
        # Ended without a reason: the ladder must not take it for a medicine still given (an NSAID trial measured to
        # today, "ongoing with no response recorded"); the status is all the record says, and it is said so.
        action["treatmentTerminationReason"] = {"id": "text", "label": f"{res['status']} (no reason recorded)"}
    tr.add("medicalActions", action, path, sub)


def _repeat_text(repeat: dict | None) -> str | None:
    if not repeat or "frequency" not in repeat:
        return None
    return f"{repeat['frequency']} per {repeat.get('period', 1)} {repeat.get('periodUnit', 'd')}"
