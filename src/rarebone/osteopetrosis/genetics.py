"""Genotype -> subtype and HSCT indication, from the gene table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType

from rarebone.core.evidence import FactStatus, Reason
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import Gene, GeneRule
from rarebone.osteopetrosis.matching import match_terms
from rarebone.osteopetrosis.results import GeneFinding, Genetics, GeneticStatus, HsctRecommendation
from rarebone.patient import AllelicState, Patient, Variant

_IGNORED_STATUS = {"rejected", "benign", "likely_benign"}


def _zygosity(variants: list[Variant]) -> str:
    states = [v.allelic_state for v in variants]
    if AllelicState.HOMOZYGOUS in states or AllelicState.COMPOUND_HETEROZYGOUS in states:
        return "biallelic"
    if AllelicState.HEMIZYGOUS in states:
        return "hemizygous"
    heterozygous = {v.variant_id or v.hgvs or id(v) for v in variants if v.allelic_state is AllelicState.HETEROZYGOUS}
    if len(heterozygous) >= 2:
        return "biallelic"  # two different heterozygous variants: compound heterozygous, phase assumed in trans
    if heterozygous:
        return "monoallelic"
    return "unknown"


def gene_table(kb: KnowledgeBase) -> Mapping[str, Gene]:
    """Gene symbol -> entry, made once per knowledge base (three rules of every assessment read it); read-only."""
    return kb.derived("osteopetrosis.gene_table", lambda: MappingProxyType({g.gene: g for g in kb.of_kind(Gene)}))


def assess_genetics(patient: Patient, kb: KnowledgeBase) -> Genetics:
    table = gene_table(kb)
    by_gene: dict[str, list[Variant]] = defaultdict(list)
    for v in patient.variants:
        if v.interpretation_status not in _IGNORED_STATUS and (v.acmg or "") not in _IGNORED_STATUS:
            by_gene[v.gene_symbol.upper()].append(v)
    panel = [g.gene for g in table.values() if g.on_panel]
    if not by_gene:
        return Genetics(
            status=GeneticStatus.NOT_TESTED, genes_to_test=panel,
            summary="No genotype recorded: confirm molecularly (gene panel or WES) before transplant planning.",
            citations=list(kb.get("OP-REC-GENETIC-TESTING").sources),
        )
    findings: list[GeneFinding] = []
    for symbol, variants in sorted(by_gene.items()):
        zygosity = _zygosity(variants)
        labels = [", ".join(v.hgvs) or v.variant_id or "variant" for v in variants]
        states = sorted({v.allelic_state.value for v in variants})
        gene = table.get(symbol)
        if gene is None:
            findings.append(GeneFinding(gene=symbol, zygosity=zygosity, allelic_states=states, variants=labels, known=False,
                                        note="gene not in rarebone's osteopetrosis gene table"))
            continue
        rule = _rule(gene, zygosity)
        note = None
        if zygosity == "biallelic" and len(variants) >= 2 and all(v.allelic_state is AllelicState.HETEROZYGOUS for v in variants):
            note = "two heterozygous variants: compound heterozygosity assumed (phase not confirmed; test the parents)"
        findings.append(GeneFinding(
            gene=symbol, zygosity=zygosity, allelic_states=states, variants=labels, known=True, disease=gene.disease,
            omim=gene.omim, inheritance=gene.inheritance, subtype=rule.subtype if rule else None,
            knowledge_id=gene.id, note=note,
        ))
    known = [f for f in findings if f.known]
    if not known:
        status = GeneticStatus.OUTSIDE_KNOWLEDGE
        summary = f"Variant(s) in {', '.join(f.gene for f in findings)}: not an osteopetrosis gene rarebone knows."
    elif any(f.zygosity in ("biallelic", "hemizygous") or (f.inheritance in ("AD",) and f.zygosity == "monoallelic")
             or (f.gene == "CLCN7" and f.zygosity == "monoallelic") for f in known):
        status = GeneticStatus.CONFIRMED
        summary = "; ".join(f"{f.gene} {f.zygosity}: {f.subtype}" for f in known)
    else:
        status = GeneticStatus.INCONCLUSIVE
        summary = "; ".join(f"{f.gene} {f.zygosity}" for f in known) + ": genotype does not explain the disease yet"
    return Genetics(status=status, findings=findings, genes_to_test=[] if status is GeneticStatus.CONFIRMED else panel,
                    summary=summary, citations=sorted({s for f in known for s in table[f.gene].sources}))


def _unknown_state(symbol: str, gene: Gene) -> tuple[HsctRecommendation, Reason, str, str | None]:
    """Allelic state not recorded: when every state the gene table knows gives the same answer (OSTM1: not
    indicated), that is the answer; otherwise undetermined, saying what each state would mean."""
    states = {name: rule for name, rule in (("biallelic", gene.biallelic), ("one variant", gene.monoallelic),
                                             ("hemizygous", gene.hemizygous)) if rule is not None}
    answers = {rule.recommendation for rule in states.values()}
    each = "; ".join(f"{name}: {rule.recommendation} ({rule.subtype})" for name, rule in states.items())
    if len(answers) == 1:
        recommendation = HsctRecommendation(answers.pop())
        text = (f"{symbol}, allelic state not recorded: every allelic state gives the same answer ({each}). "
                + next(iter(states.values())).reason)
    else:
        recommendation = HsctRecommendation.UNDETERMINED
        text = (f"{symbol}, allelic state not recorded (interpretations[].variationDescriptor.allelicState): the answer "
                f"depends on it - {each}. Record the allelic state or test the parents.")
    return recommendation, Reason(text=text, knowledge_id=gene.id, certainty=gene.certainty,
                                  citations=list(gene.sources)), gene.certainty, gene.disagreement


def _rule(gene: Gene, zygosity: str) -> GeneRule | None:
    return {"biallelic": gene.biallelic, "monoallelic": gene.monoallelic, "hemizygous": gene.hemizygous}.get(zygosity)


def hsct_for_genetics(patient: Patient, genetics: Genetics, kb: KnowledgeBase, onto) -> tuple[HsctRecommendation, list[Reason], str, str | None]:
    """(recommendation, reasons, certainty, disagreement) from the genotype and, for CLCN7, the neuro work-up."""
    table = gene_table(kb)
    known = [f for f in genetics.findings if f.known]
    if genetics.status is GeneticStatus.NOT_TESTED:
        entry = kb.get("OP-REC-GENETIC-TESTING")
        return HsctRecommendation.UNDETERMINED, [Reason(text="No genotype recorded; the genotype decides HSCT eligibility.",
                                                        knowledge_id=entry.id, citations=list(entry.sources))], "verified", None
    if not known:
        entry = kb.get("OP-REC-EXTEND-GENETICS")
        genes = ", ".join(f.gene for f in genetics.findings)
        return HsctRecommendation.UNDETERMINED, [Reason(
            text=f"Variant(s) in {genes}, a gene rarebone's knowledge base does not know for osteopetrosis: HSCT indication undetermined; decide with an expert centre.",
            knowledge_id=entry.id, citations=list(entry.sources))], "verified", None
    order = [HsctRecommendation.NOT_INDICATED, HsctRecommendation.INDICATED, HsctRecommendation.CASE_BY_CASE, HsctRecommendation.UNDETERMINED]
    decisions: list[tuple[HsctRecommendation, Reason, str, str | None]] = []
    for finding in known:
        gene = table[finding.gene]
        rule = _rule(gene, finding.zygosity)
        if rule is None and finding.zygosity == "unknown":
            decisions.append(_unknown_state(finding.gene, gene))
            continue
        if rule is None:
            decisions.append((HsctRecommendation.UNDETERMINED, Reason(
                text=f"{finding.gene}: allelic state {finding.zygosity} not covered by the gene table.",
                knowledge_id=gene.id, certainty=gene.certainty, citations=list(gene.sources)), gene.certainty, gene.disagreement))
            continue
        recommendation = HsctRecommendation(rule.recommendation)
        text = f"{finding.gene} {finding.zygosity} ({rule.subtype}): {rule.reason}"
        if gene.neuro_rule is not None and finding.zygosity == "biallelic":
            neuro = gene.neuro_rule
            present = [match_terms(patient, [t], onto) for t in neuro.terms]
            if any(m.status is FactStatus.PRESENT for m in present):
                recommendation, extra = HsctRecommendation(neuro.if_present), neuro.reason_present
            elif all(m.status is FactStatus.EXCLUDED for m in present):
                recommendation, extra = HsctRecommendation(neuro.if_all_excluded), neuro.reason_excluded
            else:
                recommendation, extra = HsctRecommendation(neuro.otherwise), neuro.reason_pending
            text = f"{text} {extra}"
        if gene.favoured_when and finding.zygosity == "monoallelic":
            favoured = [fid for fid in gene.favoured_when
                        if match_terms(patient, kb.get(fid).terms, onto).status is FactStatus.PRESENT]
            if favoured:
                text += " In favour here: " + ", ".join(kb.get(f).label.lower() for f in favoured) + " recorded."
            else:
                text += " No marrow failure or visual signs recorded, which argues against transplant for now."
        decisions.append((recommendation, Reason(text=text, knowledge_id=gene.id, certainty=gene.certainty,
                                                 citations=list(gene.sources)), gene.certainty, gene.disagreement))
    # With several genes, the most cautious conclusion wins: a not-indicated genotype stops the plan.
    decisions.sort(key=lambda d: order.index(d[0]))
    recommendation, _, certainty, _ = decisions[0]
    if len({d[0] for d in decisions}) > 1 and recommendation is not HsctRecommendation.NOT_INDICATED:
        recommendation = HsctRecommendation.CASE_BY_CASE
    disagreement = next((note for *_, note in decisions if note), None)
    return recommendation, [reason for _, reason, *_ in decisions], certainty, disagreement
