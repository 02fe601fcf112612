"""Rank candidate donors by the published hierarchy, with outcome figures and the expected time to transplant
beside each. Two safety prompts (issue 10 item 4): a sibling whose genotype is not known carries "confirm the
sibling is unaffected"; for an urgent child, a not-yet-confirmed unrelated donor ranked above a family donor who is
available at once is called out (speed and the hierarchy disagree) instead of outranking silently."""

from __future__ import annotations

from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.osteopetrosis import DonorTier, DonorTiming, OutcomeFigure
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


def timing_for(donor: Donor, timings: list[DonorTiming]) -> DonorTiming | None:
    for t in timings:
        if donor.relation in t.relations and (not t.availability or donor.availability in t.availability):
            return t
    return None


def _is_affected(d: Donor) -> bool:
    return bool(d.affected) or d.genotype == "affected"


def _genotype_unknown(d: Donor) -> bool:
    """A sibling whose genotype has not been shown to be unaffected or a carrier."""
    return d.genotype in (None, "not_tested") and not d.carrier


def _with_timing(donor: RankedDonor, d: Donor, kb: KnowledgeBase) -> RankedDonor:
    timing = timing_for(d, kb.of_kind(DonorTiming))
    if timing is None:
        return donor.model_copy(update={"availability": d.availability,
                                        "expected_days_to_transplant": d.expected_days_to_transplant})
    return donor.model_copy(update={
        "availability": d.availability, "time_to_transplant": timing.text, "time_knowledge_id": timing.id,
        "time_certainty": timing.certainty, "time_citations": list(timing.sources),
        "expected_days_to_transplant": d.expected_days_to_transplant})


def _speed_conflicts(ranked: list[RankedDonor], sources: list[Donor], kb: KnowledgeBase) -> list[RankedDonor]:
    """For an urgent child: every slower donor (registry, not confirmed) ranked above the best family donor who is
    available at once gets the conflict warning naming both."""
    timings = kb.of_kind(DonorTiming)

    def fast(i: int) -> bool:
        t = timing_for(sources[i], timings)
        return t is not None and t.fast and not ranked[i].warnings  # a sibling still to be genotyped is not "ready"

    first_fast = next((i for i in range(len(ranked)) if fast(i)), None)
    if first_fast is None:
        return ranked
    template = kb.get("OP-DONOR-SPEED-CONFLICT").text
    out = []
    for i, r in enumerate(ranked):
        slow = i < first_fast and r.relation in ("unrelated", "cord_blood") and sources[i].availability != "confirmed"
        if slow:
            best = ranked[first_fast]
            text = template.format(slow=f"{r.donor_id} (rank {r.rank}, {r.relation}, HLA {r.hla_match})",
                                   fast=f"{best.donor_id} (rank {best.rank}, {best.relation}, HLA {best.hla_match})")
            r = r.model_copy(update={"warnings": [*r.warnings, text],
                                     "citations": sorted(set(r.citations) | set(kb.get("OP-DONOR-SPEED-CONFLICT").sources))})
        out.append(r)
    return out


def rank_donors(donors: tuple[Donor, ...], kb: KnowledgeBase, urgent: bool = False) -> list[RankedDonor]:
    tiers = kb.of_kind(DonorTier)
    ranked: list[tuple[tuple, RankedDonor, Donor]] = []
    excluded: list[RankedDonor] = []
    denominators = {d.hla_total for d in donors if d.hla_total}
    for d in donors:
        notes = []
        warnings = []
        if _is_affected(d):
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
        if d.relation == "sibling" and _genotype_unknown(d):
            warnings.append(kb.get("OP-DONOR-SIBLING-GENOTYPE").text)
        if d.carrier or d.genotype == "carrier":
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
            warnings=warnings, outcome_figures=[_figure(kb.get(i)) for i in tier.outcome_ids], knowledge_id=tier.id,
            citations=sorted(set(tier.sources) | set(kb.get("OP-DONOR-TIEBREAK").sources)
                             | (set(kb.get("OP-DONOR-SIBLING-GENOTYPE").sources) if warnings else set())),
        ), d))
    ranked.sort(key=lambda item: item[0])
    out = [_with_timing(donor.model_copy(update={"rank": i + 1}), d, kb) for i, (_, donor, d) in enumerate(ranked)]
    if urgent:
        out = _speed_conflicts(out, [d for *_, d in ranked], kb)
    return out + excluded
