"""The knowledge base's diseases by OMIM, MONDO and Orphanet id (data: core/disease_xrefs.yaml)."""

from __future__ import annotations

from functools import lru_cache

from rarebone.knowledge._loader import KnowledgeBase, load
from rarebone.knowledge.kinds.base import DiseaseXref

# Orphanet ids are written ORPHA:, Orphanet: or ORPHANET: in the wild (phenopacket-store uses ORPHA:).
_PREFIXES = {"orpha": "ORPHA", "orphanet": "ORPHA", "omim": "OMIM", "mim": "OMIM", "mondo": "MONDO"}


def normalise_disease_id(term_id: str) -> str:
    prefix, sep, local = term_id.strip().partition(":")
    if not sep:
        return term_id.strip()
    return f"{_PREFIXES.get(prefix.lower(), prefix)}:{local.strip()}"


def disease_index_for(kb: KnowledgeBase) -> dict[str, DiseaseXref]:
    return {normalise_disease_id(i): entry for entry in kb.of_kind(DiseaseXref) for i in entry.ids}


@lru_cache(maxsize=1)
def disease_index() -> dict[str, DiseaseXref]:
    return disease_index_for(load())
