"""HPO term search over labels, synonyms and former names (the label index of rarebone.phenotype.ontology), for
the autocomplete of the patient form and for its no-script fallback (a typed label resolved on save)."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from rarebone.phenotype.ontology import normalise_label

_HPO_ID = re.compile(r"^HP:\d{7}$")
MAX_RESULTS = 15
MAX_QUERY = 100


@dataclass(frozen=True)
class Hit:
    id: str
    name: str  # the current HPO name
    matched: str  # the label or synonym the query matched (may equal the name)


_lock = threading.Lock()


@lru_cache(maxsize=1)
def _index() -> tuple[list[tuple[str, tuple[str, ...]]], object]:
    from rarebone.phenotype import ontology

    onto = ontology()
    items = sorted((label, tuple(ids)) for label, ids in onto.labels().items())
    return items, onto


def index():
    with _lock:
        return _index()


def search(query: str, limit: int = MAX_RESULTS) -> list[Hit]:
    """Labels that start with the query first, then labels with a word starting with it, then any substring;
    one hit per term (its best-matching label), obsolete terms left out."""
    items, onto = index()
    text = (query or "")[:MAX_QUERY].strip()
    if _HPO_ID.match(text.upper()):
        hpo_id = text.upper()
        return [Hit(hpo_id, onto.name(hpo_id), onto.name(hpo_id))] if onto.exists(hpo_id) else []
    q = normalise_label(text)
    if len(q) < 2:
        return []
    ranked: list[tuple[int, int, str, str]] = []
    for label, ids in items:
        pos = label.find(q)
        if pos < 0:
            continue
        tier = 0 if pos == 0 else (1 if label[pos - 1] == " " else 2)
        for hpo_id in ids:
            ranked.append((tier, len(label), label, hpo_id))
    ranked.sort()
    hits, seen = [], set()
    for _tier, _len, label, hpo_id in ranked:
        if hpo_id in seen or not onto.exists(hpo_id):
            continue
        resolved = onto.resolve(hpo_id, None)
        if not resolved.usable or resolved.hpo_id != hpo_id:
            continue
        seen.add(hpo_id)
        hits.append(Hit(hpo_id, resolved.name, label))
        if len(hits) >= limit:
            break
    return hits


def resolve_typed(text: str) -> str | None:
    """An HPO id for what was typed into the term field without the autocomplete: an id, or a label/synonym that
    names exactly one term. None when it names none or several."""
    items, onto = index()
    text = text.strip()
    if _HPO_ID.match(text.upper()):
        return text.upper()
    found = dict(items).get(normalise_label(text)) if text else None
    if found and len(set(found)) == 1:
        return found[0]
    return None
