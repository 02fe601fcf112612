"""Which indexed entries are the same disease, and which Orphanet groups contain which OMIM entries.

hpo3 ships no OMIM-Orphanet cross-references, so the same disease under both ids would split its rank, and a case
recorded with an Orphanet group ("autosomal recessive malignant osteopetrosis") would never be matched by its OMIM
subtypes. Three rules, from the narrowest evidence up:
- **curated**: the knowledge base's disease cross-references (core/disease_xrefs.yaml, MONDO exact matches) that
  name exactly one OMIM and one Orphanet id are the same disease;
- **name**: an Orphanet entry whose normalised name equals exactly one OMIM entry's;
- **genes**: an Orphanet entry and exactly one OMIM entry with the same (non-empty) gene set in HPO's
  genes_to_phenotype, compatible inheritance and a shared distinctive name word.
Since round ddx-map, Orphanet's own OMIM cross-references (phenotype/data/orphanet-omim-mapping.tsv.gz: E same
concept, BTNT the Orphanet entry is broader, NTBT narrower) come first after the curated pairs: a one-to-one E pair
is the same disease, and a pair Orphanet relates as broader/narrower is never joined by the name or gene rule.
Containment (for evaluation only, never for scoring): the broader entry of a BTNT/NTBT pair contains the narrower
one (``containment="orphanet"``); the older gene rule ("genes": an Orphanet entry contains an OMIM entry whose genes
are a subset of its own, inheritance compatible, a distinctive name word shared) is kept for comparison. The rules
are generic: no disease is named here.
"""

from __future__ import annotations

import re

import numpy as np

# Mode-of-inheritance classes compared between entries (HPO ids): AR, AD, X-linked (any), Y-linked, mitochondrial
INHERITANCE_CLASSES = ("HP:0000007", "HP:0000006", "HP:0001417", "HP:0001450", "HP:0001427")
# Words too common in disease names to show that two names speak of the same disease
_COMMON = frozenset("""syndrome disease disorder autosomal recessive dominant linked related congenital deficiency
type familial progressive early onset infantile juvenile adult childhood neonatal susceptibility with without
and due the form forms group isolated primary secondary hereditary inherited acquired chronic acute severe mild
variant complex""".split())


def name_words(name: str) -> frozenset[str]:
    words = re.findall(r"[a-z]+", name.lower())
    return frozenset(w for w in words if len(w) >= 4 and w not in _COMMON)


_NAMED_INHERITANCE = (("recessive", "HP:0000007"), ("dominant", "HP:0000006"), ("x-linked", "HP:0001417"),
                      ("x linked", "HP:0001417"))


def inheritance_of(name: str, annotated: frozenset[str]) -> frozenset[str]:
    """The inheritance a name states ("Osteopetrosis, autosomal recessive 4") wins over the annotations, which
    Orphanet entries often lack or give for the whole group."""
    named = frozenset(term for word, term in _NAMED_INHERITANCE if word in name.lower())
    return named or annotated


def compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Inheritance classes agree, or one side does not say."""
    return not a or not b or bool(a & b)


class _Union:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the OMIM entry (listed first in the index) stays the group's representative
            self.parent[max(ra, rb)] = min(ra, rb)


_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8", "ix": "9",
          "x": "10", "xi": "11", "xii": "12"}
_NUMBERING = frozenset({"type", "group", "class", "form"})
_FILLER = frozenset({"type", "the", "of", "and", "form", "group"})


def _normalise(name: str) -> str:
    """A name as the two catalogues write it alike: OMIM "Gaucher disease, type I" and Orphanet "Gaucher disease
    type 1" (a roman numeral after "type" or ending the name read as a number; "type", "of", ... dropped)."""
    words = re.findall(r"[a-z0-9]+", name.lower())
    out = []
    for i, word in enumerate(words):
        numbered = i > 0 and (words[i - 1] in _NUMBERING or i == len(words) - 1)
        word = _ROMAN.get(word, word) if numbered else word
        if word not in _FILLER:
            out.append(word)
    return " ".join(out)


def groups_and_members(ids: list[str], names: list[str], genes: list[list[str]],
                       inheritance: list[frozenset[str]], curated_pairs: list[list[str]],
                       orphanet: list[tuple[str, str, str]] | None = None, exact_twins: bool = False,
                       containment: str = "genes", xref_sets: list[list[str]] | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
    """(group of each entry: the row of its representative; contained pairs as rows [broader_row, narrower_row]).

    ``orphanet``: Orphanet's own OMIM cross-references (orphanet id, code, omim id; codes E / BTNT / NTBT).
    ``exact_twins``: an E pair that is one-to-one among the indexed entries is the same disease, unless the
    knowledge base's cross-references (``xref_sets``) put the two ids in different entries (the sources disagree).
    ``containment``: "genes" (the gene rule below) or "orphanet": Orphanet's own relations decide, BTNT (the Orphanet
    entry contains the OMIM entry) and NTBT (the OMIM entry contains the Orphanet entry), and the name and gene rules
    never join as the same disease two entries that Orphanet relates as broader and narrower."""
    n = len(ids)
    row = {d: i for i, d in enumerate(ids)}
    union = _Union(n)
    partnered: set[int] = set()  # rows already joined to another entry
    for pair in curated_pairs:
        rows = [row[d] for d in pair if d in row]
        for other in rows[1:]:
            union.join(rows[0], other)
        if len(rows) > 1:
            partnered.update(rows)
    relation: dict[tuple[int, int], str] = {}
    for o_id, code, m_id in orphanet or ():
        if o_id in row and m_id in row:
            relation[(row[o_id], row[m_id])] = code
    if exact_twins:
        exact = [(o, m) for (o, m), code in relation.items() if code == "E"]
        per_o: dict[int, int] = {}
        per_m: dict[int, int] = {}
        for o, m in exact:
            per_o[o] = per_o.get(o, 0) + 1
            per_m[m] = per_m.get(m, 0) + 1
        entry_of: dict[str, set[int]] = {}
        for k, entry in enumerate(xref_sets or ()):
            for d in entry:
                entry_of.setdefault(d, set()).add(k)
        for o, m in sorted(exact):
            a, b = entry_of.get(ids[o]), entry_of.get(ids[m])
            if per_o[o] > 1 or per_m[m] > 1 or (a and b and not a & b):
                continue  # one Orphanet id for several OMIM entries (or the reverse) is a grouping; or a conflict
            if o not in partnered and m not in partnered:
                union.join(m, o)
                partnered.update((o, m))
    # Orphanet says these are not the same concept: one is a group (or a form) of the other
    narrower = {(o, m) for (o, m), code in relation.items() if code in ("BTNT", "NTBT")} \
        if containment == "orphanet" else set()
    omim = [i for i, d in enumerate(ids) if d.startswith("OMIM:")]
    orpha = [i for i, d in enumerate(ids) if d.startswith("ORPHA:")]
    by_name: dict[str, list[int]] = {}
    by_genes: dict[frozenset[str], list[int]] = {}
    by_gene: dict[str, list[int]] = {}
    for i in omim:
        by_name.setdefault(_normalise(names[i]), []).append(i)
        if genes[i]:
            by_genes.setdefault(frozenset(genes[i]), []).append(i)
            for g in genes[i]:
                by_gene.setdefault(g, []).append(i)
    words = [name_words(name) for name in names]
    inheritance = [inheritance_of(name, modes) for name, modes in zip(names, inheritance)]
    members: list[tuple[int, int]] = []
    for o in orpha:
        same = [m for m in by_name.get(_normalise(names[o]), []) if (o, m) not in narrower]
        if len(same) == 1 and not (exact_twins and union.find(o) != o):
            union.join(same[0], o)
        if not genes[o] or union.find(o) != o:
            continue  # the same disease as an OMIM entry is not a group of them
        own = frozenset(genes[o])
        fitting = [m for m in by_genes.get(own, [])
                   if compatible(inheritance[o], inheritance[m]) and words[o] & words[m] and (o, m) not in narrower]
        if len(fitting) == 1:
            union.join(fitting[0], o)
            continue
        if containment != "genes":
            continue
        candidates = {m for g in own for m in by_gene.get(g, [])}
        for m in sorted(candidates):
            if set(genes[m]) <= own and compatible(inheritance[o], inheritance[m]) and words[o] & words[m]:
                members.append((o, m))
    if containment == "orphanet":
        for (o, m), code in sorted(relation.items()):
            if code in ("BTNT", "NTBT") and union.find(o) != union.find(m):
                members.append((o, m) if code == "BTNT" else (m, o))
    group = np.asarray([union.find(i) for i in range(n)], dtype=np.int32)
    pairs = np.asarray(members, dtype=np.int32).reshape(-1, 2)
    return group, pairs


_SERIES_TAIL = re.compile(r"(,?\s+(type|group)?\s*[0-9]+[a-z]?[0-9]*)$")


def series_stem(name: str) -> str | None:
    """The phenotypic series an OMIM name belongs to by OMIM's naming convention ("Osteopetrosis, autosomal
    recessive 4" -> "osteopetrosis, autosomal recessive"), or None when the name carries no series number."""
    lowered = name.lower().strip()
    match = _SERIES_TAIL.search(lowered)
    return lowered[:match.start()].strip(" ,") if match else None


def series_groups(ids: list[str], names: list[str], group: np.ndarray) -> np.ndarray:
    """The disease groups with every OMIM phenotypic series (two or more numbered entries under one stem) joined
    into one: the granularity at which the phenotype alone can be expected to decide (evaluation only)."""
    out = np.asarray(group, dtype=np.int32).copy()
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    stems = [series_stem(n) if i.startswith("OMIM:") else None for i, n in zip(ids, names)]
    for stem in stems:
        if stem:
            counts[stem] = counts.get(stem, 0) + 1
    for d, stem in enumerate(stems):
        if stem and counts[stem] > 1:
            head = first.setdefault(stem, int(out[d]))
            out[out == out[d]] = head  # the whole group (its Orphanet twin too) joins the series
    return out
