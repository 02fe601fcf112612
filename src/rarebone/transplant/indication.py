"""HSCT indication gate for the planner: a genotype for which HSCT is ``not_indicated`` refuses the plan
unless the prescriber gives an override reason (printed on the plan).

The gene table belongs to the osteopetrosis room (``knowledge/data/osteopetrosis/genes.yaml``, kind
``op_gene``: ``gene``, ``biallelic.recommendation``, ``monoallelic.recommendation``). This module reads it
duck-typed so it works before and after that room is merged; the refusal itself works on an explicit
mapping gene -> recommendation and is tested that way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping

from rarebone.errors import SafetyRefusal
from rarebone.knowledge import KnowledgeBase
from rarebone.patient import AllelicState, Variant

_BIALLELIC = {AllelicState.HOMOZYGOUS, AllelicState.COMPOUND_HETEROZYGOUS, AllelicState.HEMIZYGOUS}
_COUNTED = {"causative", "contributory", "candidate", "unknown_status", "unknown"}


def _gene_entries(kb: KnowledgeBase):
    for entry in kb.entries.values():
        if getattr(entry, "gene", None) and (hasattr(entry, "biallelic") or hasattr(entry, "monoallelic")):
            yield entry


def _recommendation(block) -> str | None:
    if block is None:
        return None
    if isinstance(block, Mapping):
        return block.get("recommendation")
    return getattr(block, "recommendation", None)


def hsct_not_indicated_genes(kb: KnowledgeBase) -> set[str]:
    """Genes whose biallelic HSCT recommendation is ``not_indicated`` in the osteopetrosis gene table."""
    return {e.gene for e in _gene_entries(kb) if _recommendation(getattr(e, "biallelic", None)) == "not_indicated"}


def genotype_recommendations(kb: KnowledgeBase, variants: Iterable[Variant]) -> dict[str, str]:
    """gene -> recommendation for this child's genotype, from the osteopetrosis gene table (empty if absent)."""
    table = {e.gene: e for e in _gene_entries(kb)}
    return {gene: rec for gene, (rec, _) in genotype_calls(table, variants).items() if rec}


def genotype_calls(table: Mapping, variants: Iterable[Variant]) -> dict[str, tuple[str | None, str]]:
    used = [v for v in variants if v.interpretation_status not in ("rejected", "benign")]
    het_count = Counter(v.gene_symbol for v in used if v.allelic_state == AllelicState.HETEROZYGOUS)
    out: dict[str, tuple[str | None, str]] = {}
    for v in used:
        entry = table.get(v.gene_symbol)
        if entry is None:
            continue
        biallelic = v.allelic_state in _BIALLELIC or het_count[v.gene_symbol] >= 2
        block = getattr(entry, "biallelic" if biallelic else "monoallelic", None)
        out[v.gene_symbol] = (_recommendation(block), "biallelic" if biallelic else "monoallelic")
    return out


@dataclass(frozen=True)
class IndicationGate:
    refused_genes: tuple[str, ...]
    override_reason: str | None

    @property
    def overridden(self) -> bool:
        return bool(self.refused_genes) and bool(self.override_reason)


def check_indication(recommendations: Mapping[str, str], override_reason: str | None = None) -> IndicationGate:
    """SafetyRefusal when any gene of the child's genotype has HSCT ``not_indicated`` and no override reason."""
    refused = tuple(sorted(g for g, rec in recommendations.items() if rec == "not_indicated"))
    reason = (override_reason or "").strip() or None
    if refused and reason is None:
        raise SafetyRefusal(
            f"HSCT is not indicated for the child's genotype ({', '.join(refused)}); the plan is refused. "
            "Give --override-reason \"...\" to plan anyway; the reason is printed on the plan",
            path="patient.variants", value=", ".join(refused))
    return IndicationGate(refused, reason if refused else reason)
