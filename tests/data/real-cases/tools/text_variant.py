"""Rewrite the text-only findings of real-case FHIR Bundles so that the free-text reader is not simply handed the
HPO label it was built from (docs/validation.md "Through the EHR: reading the text").

to_fhir.py writes each text-only finding (no SNOMED CT / ICD-10 code) as Condition.code.text = the HPO LABEL; the
intake's phrase table holds that label, so reading it back is an upper bound, partly circular. Two variants:

- ``synonym``: code.text = a DIFFERENT exact synonym of the term in hp.obo where there is one (its normalised
  words differ from the label's); otherwise the label is kept. Still the HPO release's own words.
- ``report``: the text-only Conditions without an onset are removed and written instead as ONE final radiology-style
  DiagnosticReport.conclusion, a sentence per finding in rotating report wording ("Findings in keeping with ...",
  "... is noted; no evidence of <distractor>.", "There is ..., no <distractor>."), absent findings as "No ...",
  with negated distractors (terms NOT related to any of the child's findings, so that they must come out
  absent and nothing else) and one uncertain distractor per report ("? osteopetrosis", "Osteomyelitis cannot be
  excluded"), which must NOT become a finding. Conditions with an onset keep their text (synonym), so that
  onset-dependent flags are not lost to the rewrite.

    PYTHONPATH=src python tests/data/real-cases/tools/text_variant.py --obo hp.obo --mode report \
        tests/data/real-cases-fhir /tmp/fhir-report
    rarebone validate /tmp/fhir-report --key tests/data/real-cases/keys --phenotype-only
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
from pathlib import Path

# Negated distractors: knowledge-base terms a radiology report commonly rules out (HPO ids, hp.obo labels).
DISTRACTORS = ("HP:0000238", "HP:0002748", "HP:0002754", "HP:0000938", "HP:0001363", "HP:0002756", "HP:0002797")
# Uncertain distractors, rotated: the strongest words the reader could wrongly assert.
UNCERTAIN = ("? osteopetrosis", "Osteomyelitis cannot be excluded", "Possible generalized osteosclerosis",
             "Suspected chronic recurrent multifocal osteomyelitis", "Query sandwich vertebrae")
TEMPLATES = ("{P}.", "Findings in keeping with {p}.", "There is {p}, no {d}.", "{P} is noted; no evidence of {d}.",
             "{P} is present.")


def read_obo(path: Path):
    names, synonyms, parents = {}, {}, {}
    current = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("["):
            current = None
        elif line.startswith("id: HP:"):
            current = line[4:]
            synonyms[current], parents[current] = [], []
        elif current and line.startswith("name: "):
            names[current] = line[6:]
        elif current and line.startswith("is_a: HP:"):
            parents[current].append(line[6:16])
        elif current:
            m = re.match(r'^synonym: "(.*)" EXACT( [A-Za-z_:0-9]+)? \[', line)
            if m and (m.group(2) or "").strip() != "abbreviation":
                synonyms[current].append(m.group(1))
    return names, synonyms, parents


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class Variant:
    def __init__(self, obo: Path) -> None:
        self.names, self.synonyms, self.parents = read_obo(obo)
        self.by_label = {v: k for k, v in self.names.items()}
        self.counts = {"text_only": 0, "synonym": 0, "label_kept": 0, "into_report": 0}

    def ancestors(self, t: str) -> set[str]:
        seen, stack = set(), [t]
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(self.parents.get(x, ()))
        return seen

    def synonym(self, label: str) -> str:
        term = self.by_label.get(label)
        other = [s for s in self.synonyms.get(term, []) if _key(s) != _key(label)] if term else []
        self.counts["synonym" if other else "label_kept"] += 1
        return other[0] if other else label

    def rewrite(self, bundle: dict, mode: str, serial: int, terms: set[str] = frozenset()) -> dict:
        """``terms``: every HPO id of the child (CONVERSION.csv), so that no distractor touches the child's own."""
        entries = bundle["entry"]
        text_only = [e for e in entries if e["resource"]["resourceType"] == "Condition"
                     and not e["resource"]["code"].get("coding") and e["resource"]["code"].get("text")]
        self.counts["text_only"] += len(text_only)
        child_terms = ({self.by_label.get(e["resource"]["code"]["text"]) for e in text_only} | set(terms)) - {None}
        related = set().union(*(self.ancestors(t) for t in child_terms)) if child_terms else set()
        report: list[str] = []
        for k, e in enumerate(text_only):
            res = e["resource"]
            label = res["code"]["text"]
            words = self.synonym(label)
            if mode == "synonym" or any(key.startswith("onset") for key in res):
                res["code"]["text"] = words
                continue
            refuted = any(c.get("code") == "refuted" for c in (res.get("verificationStatus") or {}).get("coding", []))
            if refuted:
                report.append(f"No {words[0].lower() + words[1:]}.")
            else:
                d = next((x for x in DISTRACTORS[(serial + k) % len(DISTRACTORS):] + DISTRACTORS
                          if x not in related and not self.ancestors(x) & child_terms), None)
                template = TEMPLATES[(serial + k) % len(TEMPLATES)]
                if d is None and "{d}" in template:
                    template = TEMPLATES[0]
                report.append(template.format(P=words[0].upper() + words[1:], p=words[0].lower() + words[1:],
                                              d=self.names.get(d, "").lower()))
            entries.remove(e)
            self.counts["into_report"] += 1
        if report:
            report.insert(min(1, len(report)), UNCERTAIN[serial % len(UNCERTAIN)] + ".")
            patient = next(e["resource"] for e in entries if e["resource"]["resourceType"] == "Patient")
            entries.append({"resource": {
                "resourceType": "DiagnosticReport", "id": f"{patient['id']}-text-report", "status": "final",
                "code": {"text": "Imaging report"}, "subject": {"reference": f"Patient/{patient['id']}"},
                "effectiveDateTime": "2026-01-01", "conclusion": " ".join(report)}})
        return bundle


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--obo", type=Path, required=True)
    ap.add_argument("--mode", choices=("synonym", "report"), required=True)
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    args = ap.parse_args(argv)
    variant = Variant(args.obo)
    if args.out.exists():
        shutil.rmtree(args.out)
    files = sorted(p for p in args.source.rglob("*.json"))
    terms: dict[str, set[str]] = {}
    if (args.source / "CONVERSION.csv").exists():
        for row in csv.DictReader(open(args.source / "CONVERSION.csv", encoding="utf-8")):
            terms.setdefault(row["file"], set()).add(row["hpo"])
    for serial, path in enumerate(files):
        doc = json.loads(path.read_text(encoding="utf-8"))
        target = args.out / path.relative_to(args.source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if doc.get("resourceType") == "Bundle":
            doc = variant.rewrite(doc, args.mode, serial, terms.get(path.relative_to(args.source).as_posix(), set()))
        target.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    print(json.dumps(variant.counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
