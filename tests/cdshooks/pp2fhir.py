"""Published-case Phenopackets (tests/data/real-cases) -> the FHIR resources an EHR would hold for the child.

Test helper only: the EHR's view of a case report is a Patient (sex, birth date), one Condition per HPO finding
(refuted when the Phenopacket excludes it), one Condition per recorded disease, one Observation per LOINC
measurement (UCUM unit) and one HL7 Genomics Reporting variant Observation per genomic interpretation with a gene.
Dates are anchored on ``today`` (the child's age at the last encounter ends today), so laboratory values fall
inside the service's observation window whenever the test runs.
"""

from __future__ import annotations

import datetime as dt

HPO = "http://purl.obolibrary.org/obo/hp.owl"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
_SEX = {"MALE": "male", "FEMALE": "female", "OTHER_SEX": "other"}
_DISEASE = {"OMIM": "http://omim.org", "ORPHA": "http://www.orpha.net", "MONDO": "http://purl.obolibrary.org/obo/mondo.owl"}
_ALLELIC = {"GENO:0000136": "LA6705-3", "GENO:0000135": "LA6706-1", "GENO:0000134": "LA6707-9"}
_ACMG = {"PATHOGENIC": "LA6668-3", "LIKELY_PATHOGENIC": "LA26332-9", "UNCERTAIN_SIGNIFICANCE": "LA26333-7",
         "LIKELY_BENIGN": "LA26334-5", "BENIGN": "LA6675-8"}


def _age_days(time_element: dict | None) -> float | None:
    from rarebone.core.time import parse_iso8601_age_days

    iso = ((time_element or {}).get("age") or {}).get("iso8601duration")
    return parse_iso8601_age_days(iso) if iso else None


def convert(packet: dict, today: dt.date) -> list[dict]:
    pid = "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in packet["id"])[:64]
    subject = packet.get("subject") or {}
    age = _age_days(subject.get("timeAtLastEncounter")) or 0
    birth = today - dt.timedelta(days=int(age))
    ref = {"reference": f"Patient/{pid}"}
    out: list[dict] = [{"resourceType": "Patient", "id": pid, "gender": _SEX.get(subject.get("sex"), "unknown"),
                        "birthDate": birth.isoformat()}]

    def when(time_element: dict | None) -> str:
        days = _age_days(time_element)
        return (birth + dt.timedelta(days=int(days))).isoformat() if days is not None else today.isoformat()

    for i, f in enumerate(packet.get("phenotypicFeatures") or []):
        cond = {"resourceType": "Condition", "id": f"{pid}-f{i}", "subject": ref, "recordedDate": today.isoformat(),
                "code": {"coding": [{"system": HPO, "code": f["type"]["id"], "display": f["type"].get("label", "")}]},
                "verificationStatus": {"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "refuted" if f.get("excluded") else "confirmed"}]}}
        onset = _age_days(f.get("onset"))
        if onset is not None:
            cond["onsetAge"] = {"value": round(onset), "unit": "d", "system": UCUM, "code": "d"}
        out.append(cond)
    for i, d in enumerate(packet.get("diseases") or []):
        prefix, _, code = d["term"]["id"].partition(":")
        if prefix in _DISEASE and not d.get("excluded"):
            out.append({"resourceType": "Condition", "id": f"{pid}-d{i}", "subject": ref,
                        "code": {"coding": [{"system": _DISEASE[prefix], "code": code,
                                             "display": d["term"].get("label", "")}]}})
    for i, m in enumerate(packet.get("measurements") or []):
        assay = m.get("assay", {}).get("id", "")
        q = (m.get("value") or {}).get("quantity")
        if not assay.startswith("LOINC:") or not q or "value" not in q:
            continue
        unit = q.get("unit", {}).get("id", "").removeprefix("UCUM:")
        obs = {"resourceType": "Observation", "id": f"{pid}-m{i}", "status": "final", "subject": ref,
               "code": {"coding": [{"system": LOINC, "code": assay.removeprefix("LOINC:")}]},
               "effectiveDateTime": when(m.get("timeObserved")),
               "valueQuantity": {"value": q["value"], "unit": unit, "system": UCUM, "code": unit}}
        rr = q.get("referenceRange")
        if rr and "low" in rr and "high" in rr:
            obs["referenceRange"] = [{"low": {"value": rr["low"], "system": UCUM, "code": unit},
                                      "high": {"value": rr["high"], "system": UCUM, "code": unit}}]
        out.append(obs)
    n = 0
    for interp in packet.get("interpretations") or []:
        for gi in (interp.get("diagnosis") or {}).get("genomicInterpretations") or []:
            vi = gi.get("variantInterpretation") or {}
            vd = vi.get("variationDescriptor") or {}
            gene = vd.get("geneContext") or {}
            if not gene.get("valueId"):
                continue
            comps = [{"code": {"coding": [{"system": LOINC, "code": "48018-6"}]},
                      "valueCodeableConcept": {"coding": [{"system": "http://www.genenames.org/geneId",
                                                           "code": gene["valueId"], "display": gene.get("symbol")}]}}]
            state = _ALLELIC.get((vd.get("allelicState") or {}).get("id"))
            if state:
                comps.append({"code": {"coding": [{"system": LOINC, "code": "53034-5"}]},
                              "valueCodeableConcept": {"coding": [{"system": LOINC, "code": state}]}})
            acmg = _ACMG.get(vi.get("acmgPathogenicityClassification"))
            if acmg:
                comps.append({"code": {"coding": [{"system": LOINC, "code": "53037-8"}]},
                              "valueCodeableConcept": {"coding": [{"system": LOINC, "code": acmg}]}})
            out.append({"resourceType": "Observation", "id": f"{pid}-v{n}", "status": "final", "subject": ref,
                        "code": {"coding": [{"system": LOINC, "code": "69548-6"}]},
                        "effectiveDateTime": today.isoformat(), "component": comps})
            n += 1
    return out
