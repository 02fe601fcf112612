"""A registry record as a standard GA4GH Phenopacket v2 plus a rarebone sidecar file.

The Phenopacket passes a strict protobuf parse (``json_format.Parse`` without ``ignore_unknown_fields``):
Phenopacket v2 has no extension field, so nothing non-standard goes in it. Standard things go where the schema
puts them: the causative gene and allelic state (GENO) in ``interpretations``, each transplant as a
``medicalActions[].procedure`` (NCIT:C15431 Hematopoietic Cell Transplantation), drugs as ``treatment``.
Registry data the schema has no place for (transplant details, complications, CNO visits and lesions, free-text
cause of death, patient fields such as the diagnosis group) go into the sidecar ``<name>.rarebone`` beside
``<name>.json`` (JSON; the suffix keeps tools that read every ``*.json`` in a folder from taking it for a
Phenopacket). The Phenopacket names its sidecar in ``files[]``. docs/registry.md, "Phenopackets", describes both.
"""

from __future__ import annotations

import datetime as dt
import re

from rarebone.registry import dictionary as dd

SIDECAR_SUFFIX = ".rarebone"
SIDECAR_FORMAT = "rarebone-registry-sidecar/1"
HSCT = {"id": "NCIT:C15431", "label": "Hematopoietic Cell Transplantation"}
GENO = {"homozygous": ("GENO:0000136", "homozygous"), "heterozygous": ("GENO:0000135", "heterozygous"),
        "compound_heterozygous": ("GENO:0000402", "compound heterozygous"),
        "hemizygous": ("GENO:0000134", "hemizygous"), "unknown": ("GENO:0000137", "unspecified zygosity")}
ROUTES = {"intravenous": "NCIT:C38276", "oral": "NCIT:C38288", "subcutaneous": "NCIT:C38299",
          "intramuscular": "NCIT:C28161"}
# Every prefix a rarebone export can write. ``version`` is the release the ids were checked against where we
# know it; ids copied from a centre's records carry no release, so it says so rather than inventing one.
_UNSPECIFIED = "unspecified (ids as recorded)"
RESOURCES = {
    "HP": ("hp", "human phenotype ontology", "http://purl.obolibrary.org/obo/hp.owl", "2025-11-24",
           "http://purl.obolibrary.org/obo/HP_"),
    "GENO": ("geno", "Genotype Ontology", "http://purl.obolibrary.org/obo/geno.owl", _UNSPECIFIED,
             "http://purl.obolibrary.org/obo/GENO_"),
    "NCIT": ("ncit", "NCI Thesaurus", "http://purl.obolibrary.org/obo/ncit.owl", _UNSPECIFIED,
             "http://purl.obolibrary.org/obo/NCIT_"),
    "HGNC": ("hgnc", "HUGO Gene Nomenclature Committee", "https://www.genenames.org", _UNSPECIFIED,
             "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/"),
    "LOINC": ("loinc", "Logical Observation Identifiers Names and Codes", "https://loinc.org", _UNSPECIFIED,
              "https://loinc.org/"),
    "UCUM": ("ucum", "Unified Code for Units of Measure", "https://ucum.org", _UNSPECIFIED, "https://ucum.org/"),
    "OMIM": ("omim", "Online Mendelian Inheritance in Man", "https://www.omim.org", _UNSPECIFIED,
             "https://www.omim.org/entry/"),
    "MONDO": ("mondo", "Mondo Disease Ontology", "http://purl.obolibrary.org/obo/mondo.obo", _UNSPECIFIED,
              "http://purl.obolibrary.org/obo/MONDO_"),
    "ORPHA": ("orpha", "Orphanet Rare Disease Ontology", "https://www.orphadata.com", _UNSPECIFIED,
              "http://www.orpha.net/ORDO/Orphanet_"),
    "CHEBI": ("chebi", "Chemical Entities of Biological Interest", "http://purl.obolibrary.org/obo/chebi.owl",
              _UNSPECIFIED, "http://purl.obolibrary.org/obo/CHEBI_"),
    "UBERON": ("uberon", "Uberon multi-species anatomy ontology", "http://purl.obolibrary.org/obo/uberon.owl",
               _UNSPECIFIED, "http://purl.obolibrary.org/obo/UBERON_"),
}
_SEX = {"male": "MALE", "female": "FEMALE", "other": "OTHER_SEX"}
# Patient fields the Phenopacket itself carries (the rest go to the sidecar).
_STANDARD_PATIENT = ("patient_key", "sex", "birth_date", "vital_status", "diagnosis_term")


def _day(value) -> dt.date | None:
    return None if value in (None, "") else dt.date.fromisoformat(str(value)[:10])


def age_at_last_contact(patient: dict) -> int | None:
    """Days from birth to the last contact (or the death) the registry records; None when either is unknown
    or the dates are out of order."""
    birth = _day(patient.get("birth_date"))
    last = _day(patient.get("last_contact_date")) or _day(patient.get("death_date"))
    if birth is None or last is None or last < birth:
        return None
    return (last - birth).days


def file_stem(record: dict) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in record["patient"]["patient_key"])


def _num(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _hgnc_ids() -> dict[str, str]:
    from rarebone.knowledge import load
    from rarebone.knowledge.kinds.osteopetrosis import Gene

    return {e.gene: e.hgnc_id for e in load().of_kind(Gene) if e.hgnc_id}


def _measurement(ms: dict) -> dict:
    """Phenopacket v2 Measurement: assay (LOINC), quantity with unit, timeObserved (the date when known, else
    the age). A known analyte is stored in its canonical unit, written as a UCUM code so the importer reads it
    back unchanged; an unknown one keeps the unit as recorded."""
    out: dict = {"assay": {"id": ms["assay_id"], "label": ms.get("analyte") or ms["assay_id"]}}
    if ms.get("value") is not None:
        unit = ms.get("unit") or ""
        unit_node = {"id": f"UCUM:{unit}", "label": unit} if ms.get("analyte") else {"id": unit, "label": unit}
        out["value"] = {"quantity": {"unit": unit_node, "value": ms["value"]}}
    if ms.get("measured_on"):
        out["timeObserved"] = {"timestamp": f"{str(ms['measured_on'])[:10]}T00:00:00Z"}
    elif ms.get("age_days") is not None:
        out["timeObserved"] = {"age": {"iso8601duration": f"P{_num(ms['age_days'])}D"}}
    return out


def _treatment(t: dict) -> dict:
    treatment: dict = {"agent": {"id": t["agent_id"], "label": t.get("agent_label") or t["agent_id"]}}
    if t.get("route"):
        code = ROUTES.get(str(t["route"]).lower())
        treatment["routeOfAdministration"] = {"id": code or t["route"], "label": t["route"]}
    if t.get("cumulative_dose") is not None:
        unit = t.get("cumulative_dose_unit") or ""
        treatment["cumulativeDose"] = {"value": t["cumulative_dose"], "unit": {"id": f"UCUM:{unit}", "label": unit}}
    return {"treatment": treatment}


def _procedure(tx: dict) -> dict:
    procedure: dict = {"code": dict(HSCT)}
    if tx.get("transplant_date"):
        procedure["performed"] = {"timestamp": f"{str(tx['transplant_date'])[:10]}T00:00:00Z"}
    elif tx.get("age_at_transplant_days") is not None:
        procedure["performed"] = {"age": {"iso8601duration": f"P{_num(tx['age_at_transplant_days'])}D"}}
    return {"procedure": procedure}


def _interpretation(p: dict, hgnc: dict[str, str]) -> dict | None:
    gene, genotype = p.get("gene"), p.get("genotype")
    if not gene or genotype not in GENO or gene not in hgnc:
        return None
    geno_id, geno_label = GENO[genotype]
    diagnosis: dict = {"genomicInterpretations": [{
        "subjectOrBiosampleId": p["patient_key"], "interpretationStatus": "CAUSATIVE",
        "variantInterpretation": {"variationDescriptor": {
            "id": f"{p['patient_key']}-{gene}", "geneContext": {"valueId": hgnc[gene], "symbol": gene},
            "allelicState": {"id": geno_id, "label": geno_label}}}}]}
    if p.get("diagnosis_term"):
        diagnosis["disease"] = {"id": p["diagnosis_term"], "label": p.get("diagnosis") or p["diagnosis_term"]}
    return {"id": f"{p['patient_key']}-interpretation-1", "progressStatus": "SOLVED", "diagnosis": diagnosis}


def _prefixes(node, found: set[str]) -> set[str]:
    """Prefixes of every OntologyClass-like {id, label} and gene valueId in the document."""
    if isinstance(node, dict):
        ident = node.get("id") if "label" in node else node.get("valueId")
        if isinstance(ident, str) and re.match(r"^[A-Za-z][A-Za-z0-9_.]*:", ident):
            found.add(ident.split(":", 1)[0])
        for value in node.values():
            _prefixes(value, found)
    elif isinstance(node, list):
        for value in node:
            _prefixes(value, found)
    return found


def _resources(document: dict) -> list[dict]:
    out = []
    for prefix in sorted(_prefixes(document, set())):
        rid, name, url, version, iri = RESOURCES.get(
            prefix, (prefix.lower(), f"{prefix} (prefix as recorded; not a resource rarebone knows)", "", _UNSPECIFIED, ""))
        out.append({"id": rid, "name": name, "url": url, "version": version, "namespacePrefix": prefix,
                    "iriPrefix": iri})
    return out


def to_phenopacket(record: dict, *, created: str | None = None) -> tuple[dict, dict]:
    """(Phenopacket v2 document, sidecar document) for one registry record."""
    p = record["patient"]
    stem = file_stem(record)
    subject: dict = {"id": p["patient_key"], "sex": _SEX.get(p.get("sex") or "", "UNKNOWN_SEX")}
    if p.get("birth_date"):
        subject["dateOfBirth"] = f"{p['birth_date']}T00:00:00Z"
    last_age = age_at_last_contact(p)
    if last_age is not None:
        # the age the record was last seen at: without it the rooms take a living child's age as today's and
        # know no age at all for one who died
        subject["timeAtLastEncounter"] = {"age": {"iso8601duration": f"P{last_age}D"}}
    side_patient = {k: v for k, v in p.items() if v is not None and k in dd.PATIENT_FIELDS
                    and k not in _STANDARD_PATIENT}
    if p.get("vital_status"):
        # cause_of_death is free text in the registry, not a code: it stays in the sidecar, never a fake code
        vital: dict = {"status": "DECEASED" if p["vital_status"] == "dead" else "ALIVE"}
        follow = p.get("followup_days_from_diagnosis")
        if follow is not None and float(follow).is_integer():
            vital["survivalTimeInDays"] = int(follow)
            side_patient.pop("followup_days_from_diagnosis", None)
        subject["vitalStatus"] = vital
    features = []
    for ph in record.get("phenotypes", []):
        feature: dict = {"type": {"id": ph["hpo_id"], "label": ph.get("label") or ph["hpo_id"]}}
        if ph.get("excluded"):
            feature["excluded"] = True
        if ph.get("onset_age_days") is not None:
            feature["onset"] = {"age": {"iso8601duration": f"P{_num(ph['onset_age_days'])}D"}}
        features.append(feature)
    document: dict = {"id": f"{p['patient_key']}-registry", "subject": subject, "phenotypicFeatures": features}
    if record.get("measurements"):
        document["measurements"] = [_measurement(ms) for ms in record["measurements"]]
    interpretation = _interpretation(p, _hgnc_ids())
    if interpretation:
        document["interpretations"] = [interpretation]
        side_patient.pop("gene", None)
        side_patient.pop("genotype", None)
    if p.get("diagnosis_term"):
        document["diseases"] = [{"term": {"id": p["diagnosis_term"], "label": p.get("diagnosis") or p["diagnosis_term"]}}]
    actions = [_treatment(t) for t in record.get("treatments", [])]
    actions += [_procedure(tx) for tx in record.get("transplants", [])]
    if actions:
        document["medicalActions"] = actions
    registry: dict = {"patient": side_patient}
    for name in ("transplants", "complications", "cno_visits", "lesions"):
        if record.get(name):
            registry[name] = [{k: v for k, v in item.items() if v is not None} for item in record[name]]
    document["files"] = [{"uri": f"{stem}{SIDECAR_SUFFIX}",
                          "fileAttributes": {"fileFormat": "json", "description": f"{SIDECAR_FORMAT}: rarebone "
                                             "registry data Phenopacket v2 has no field for (docs/registry.md)"}}]
    document["metaData"] = {
        "created": created or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "createdBy": "rarebone registry export",
        "resources": _resources(document),
        "phenopacketSchemaVersion": "2.0",
    }
    sidecar = {"format": SIDECAR_FORMAT, "phenopacket": f"{stem}.json", "registry": registry}
    return document, sidecar


def write(record: dict, folder, *, created: str | None = None) -> None:
    """Write ``<stem>.json`` (the Phenopacket) and ``<stem>.rarebone`` (the sidecar) into ``folder``."""
    import json
    from pathlib import Path

    document, sidecar = to_phenopacket(record, created=created)
    stem = file_stem(record)
    Path(folder, f"{stem}.json").write_text(json.dumps(document, indent=2, default=str), encoding="utf-8")
    Path(folder, f"{stem}{SIDECAR_SUFFIX}").write_text(json.dumps(sidecar, indent=2, default=str), encoding="utf-8")
