"""Rank candidate donors by the published hierarchy, with outcome figures beside each."""

from __future__ import annotations

from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import DonorTier, OutcomeFigure
from rarebone.osteopetrosis.results import OutcomeFigureOut, RankedDonor
from rarebone.patient import Donor


def _full_match(d: Donor) -> bool:
    return d.hla_matched is not None and d.hla_matched == d.hla_total


def tier_for(donor: Donor, tiers: list[DonorTier]) -> DonorTier | None:
    for tier in sorted(tiers, key=lambda t: t.rank):
        if donor.relation not in tier.relations:
            continue
        if tier.full_match_required and not _full_match(donor):
            continue
        if tier.min_matched:
            needed = tier.min_matched.get(donor.hla_total or -1)
            if needed is None or (donor.hla_matched or 0) < needed:
                continue
        if tier.graft_sources and donor.graft_source and donor.graft_source not in tier.graft_sources:
            continue
        return tier
    return None


def _figure(entry: OutcomeFigure) -> OutcomeFigureOut:
    return OutcomeFigureOut(study=entry.study, group=entry.group, metric=entry.metric, value_percent=entry.value_percent,
                            n=entry.n, p_value=entry.p_value, knowledge_id=entry.id, citations=list(entry.sources),
                            certainty=entry.certainty, disagreement=entry.disagreement)


def rank_donors(donors: tuple[Donor, ...], kb: KnowledgeBase) -> list[RankedDonor]:
    tiers = kb.of_kind(DonorTier)
    ranked: list[tuple[tuple, RankedDonor]] = []
    excluded: list[RankedDonor] = []
    denominators = {d.hla_total for d in donors if d.hla_total}
    for d in donors:
        notes = []
        if d.affected:
            excluded.append(RankedDonor(rank=None, donor_id=d.donor_id, relation=d.relation, tier=None, tier_label=None,
                                        hla_match=d.hla_label, abo_compatible=d.abo_compatible, carrier=d.carrier,
                                        graft_source=d.graft_source,
                                        excluded_reason="affected by the same disease: not a donor"))
            continue
        if d.hla_matched is None and d.relation != "cord_blood":
            excluded.append(RankedDonor(rank=None, donor_id=d.donor_id, relation=d.relation, tier=None, tier_label=None,
                                        hla_match=d.hla_label, abo_compatible=d.abo_compatible, carrier=d.carrier,
                                        graft_source=d.graft_source,
                                        excluded_reason="HLA typing not recorded: cannot be ranked until typed"))
            continue
        tier = tier_for(d, tiers)
        if tier is None:
            excluded.append(RankedDonor(rank=None, donor_id=d.donor_id, relation=d.relation, tier=None, tier_label=None,
                                        hla_match=d.hla_label, abo_compatible=d.abo_compatible, carrier=d.carrier,
                                        graft_source=d.graft_source, excluded_reason="fits no donor category of the hierarchy"))
            continue
        if d.carrier:
            notes.append("carrier of the child's recessive variant: acceptable as donor (Beijing cohort used carrier parents)")
        if d.abo_compatible is False:
            notes.append("ABO-incompatible (no survival difference in the Beijing cohort, P = 0.373)")
        if len(denominators) > 1:
            notes.append(f"typed x/{d.hla_total} while other donors are typed x/{'/'.join(str(t) for t in sorted(denominators - {d.hla_total}))}: "
                         "compare only within the same denominator; store per-locus typing")
        if tier.tier == "cord_blood":
            notes.append(kb.get("OP-REC-CORD-CAVEAT").text)
        fraction = (d.hla_matched or 0) / (d.hla_total or 1)
        key = (tier.rank, -fraction, d.abo_compatible is False, d.age_years if d.age_years is not None else float("inf"))
        ranked.append((key, RankedDonor(
            rank=0, donor_id=d.donor_id, relation=d.relation, tier=tier.tier, tier_label=tier.label, hla_match=d.hla_label,
            abo_compatible=d.abo_compatible, carrier=d.carrier, graft_source=d.graft_source, notes=notes,
            outcome_figures=[_figure(kb.get(i)) for i in tier.outcome_ids], knowledge_id=tier.id,
            citations=sorted(set(tier.sources) | set(kb.get("OP-DONOR-TIEBREAK").sources)),
        )))
    ranked.sort(key=lambda item: item[0])
    out = [donor.model_copy(update={"rank": i + 1}) for i, (_, donor) in enumerate(ranked)]
    return out + excluded
