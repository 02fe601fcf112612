"""CNO lesions read from HPO terms and modifiers (no rareboneExtensions imaging needed). Real case reports
name a finding of a site ("Mandibular osteomyelitis", "Clavicular sclerosis") or a lesion beside a site term
("Osteolysis" + "Abnormal clavicle morphology"), with modifiers such as Bilateral. The concept sets live in
knowledge/data/cno/hpo_lesions.yaml and hpo_bones.yaml. Imaging in the extension stays the detailed source;
this is what a plain Phenopacket can say."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from rarebone.core.evidence import FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoHpoBone, CnoHpoConcept
from rarebone.patient import Feature, Patient
from rarebone.cno.record import SIDES

TYPICAL_REGIONS = ("clavicle", "sternum", "vertebra", "pelvis", "sacrum", "metaphysis")
AXIAL_REGIONS = ("clavicle", "sternum", "vertebra")


@dataclass
class HpoSite:
    key: str
    region: str
    labels: list[str] = field(default_factory=list)
    sides: set[str] = field(default_factory=set)  # left / right / both (Bilateral)

    @property
    def bones(self) -> int:
        return len(SIDES) if self.bilateral else 1

    @property
    def bilateral(self) -> bool:
        return "both" in self.sides or set(SIDES) <= self.sides

    def describe(self) -> str:
        side = " (bilateral)" if self.bilateral else ""
        return f"{self.key}{side}: {', '.join(dict.fromkeys(self.labels))}"


@dataclass
class HpoLesions:
    lesions: list[Feature]
    sites: dict[str, HpoSite]
    lytic: list[Feature]
    sclerotic: list[Feature]
    single: bool
    pain_sites: dict[str, HpoSite] = field(default_factory=dict)

    def _labels(self, features: list[Feature]) -> str:
        return ", ".join(dict.fromkeys(f"{f.label} ({f.hpo_id})" for f in features))

    def rule(self, rule: str, min_sites: int) -> tuple[FactStatus, str] | None:
        """PRESENT with the fact when the HPO terms show the rule; None when they do not say."""
        if rule == "multifocal_pain":
            pain = list(self.pain_sites.values())
            if sum(s.bones for s in pain) >= min_sites:
                return FactStatus.PRESENT, "HPO pain sites: " + "; ".join(s.describe() for s in pain)
            return None
        if not self.lesions:
            return None
        sites = list(self.sites.values())
        hit: list[str] = []
        if rule == "any_lesion":
            return FactStatus.PRESENT, f"HPO: {self._labels(self.lesions)}"
        if rule == "multifocal":
            if sum(s.bones for s in sites) >= min_sites:
                hit = [s.describe() for s in sites]
        elif rule == "clavicle_only":
            hit = [s.describe() for s in sites] if sites and all(s.region == "clavicle" for s in sites) else []
        elif rule == "axial_site":
            hit = [s.describe() for s in sites if s.region in AXIAL_REGIONS]
        elif rule == "typical_site":
            hit = [s.describe() for s in sites if s.region in TYPICAL_REGIONS]
        elif rule == "skull":
            hit = [s.describe() for s in sites if s.region == "skull"]
        elif rule == "symmetric":
            hit = [s.describe() for s in sites if s.bilateral]
        elif rule == "unifocal_non_clavicle":
            if self.single and len(sites) == 1 and not sites[0].bilateral and sites[0].region != "clavicle":
                hit = [sites[0].describe()]
        elif rule == "marginal_sclerosis":
            if self.lytic and self.sclerotic:
                return FactStatus.PRESENT, (f"HPO: lytic ({self._labels(self.lytic)}) and sclerotic "
                                            f"({self._labels(self.sclerotic)}) change recorded; read as marginal sclerosis")
        if hit:
            return FactStatus.PRESENT, "HPO sites: " + "; ".join(hit)
        return None


def _concepts(kb: KnowledgeBase) -> Mapping[str, frozenset[str]]:
    """Concept key -> its terms, made once per knowledge base (read-only)."""
    return kb.derived("cno.hpo_lesion_concepts",
                      lambda: MappingProxyType({c.key: frozenset(c.terms) for c in kb.of_kind(CnoHpoConcept)}))


def read_hpo_lesions(patient: Patient, kb: KnowledgeBase, onto) -> HpoLesions:
    concepts = _concepts(kb)
    # Most records have no present finding under a lesion or a pain term: one set test on the union of the present
    # findings' ancestors says so, and everything below is then empty (the lesions, their sites and kinds, the pain
    # sites). tests/cno/test_hpo_lesions.py: equal to the walk below on every record of the repository.
    reach = onto.feature_summary(patient.features).present_ancestors
    if reach.isdisjoint(concepts["lesion"]) and reach.isdisjoint(concepts["pain"]):
        return HpoLesions(lesions=[], sites={}, lytic=[], sclerotic=[], single=False, pain_sites={})
    return _read(patient, kb, onto, concepts)


def _read(patient: Patient, kb: KnowledgeBase, onto, concepts: Mapping[str, frozenset[str]]) -> HpoLesions:
    bones = list(kb.of_kind(CnoHpoBone))
    present = [f for f in patient.features if not f.excluded]

    def under(f: Feature, terms: frozenset[str] | list[str]) -> bool:
        return not onto.ancestors_or_self(f.hpo_id).isdisjoint(terms)

    def modified(f: Feature, key: str) -> bool:
        return any(not onto.ancestors_or_self(m).isdisjoint(concepts[key]) for m in f.modifiers if m)

    lesions = [f for f in present if under(f, concepts["lesion"]) and not under(f, concepts["not_lesion"])]
    if not any(under(f, concepts["inflammatory"]) for f in present):
        # Sclerosis or hyperostosis with no sign of inflammation is a dysplasia's picture, not a CNO lesion.
        lesions = [f for f in lesions if not under(f, concepts["sclerotic"]) or under(f, concepts["lytic"])]
    pain = [f for f in present if under(f, concepts["pain"])]
    if not lesions and pain:
        # "Bone pain" + "Abnormal clavicle morphology": the author's way of naming a painful bone lesion.
        lesions = [f for f in present if any(b.lesion_with_pain and under(f, b.roots) for b in bones)]

    def more_specific(a: CnoHpoBone, b: CnoHpoBone) -> bool:
        """a's subtree lies inside b's (mandible inside skull): a finding under both names a."""
        return a is not b and all(not onto.ancestors_or_self(r).isdisjoint(b.roots) for r in a.roots)

    def locate(features: list[Feature]) -> dict[str, HpoSite]:
        found: dict[str, HpoSite] = {}
        for f in features:
            matched = [b for b in bones if under(f, b.roots)]
            matched = [b for b in matched if not any(more_specific(o, b) for o in matched)]
            # "Abnormal femoral metaphysis": one bone (the femur) at a typical part (the metaphysis).
            metaphysis = [b for b in matched if b.region == "metaphysis"]
            if metaphysis and len(matched) > len(metaphysis):
                matched = [b for b in matched if b.region != "metaphysis"]
            for bone in matched:
                region = "metaphysis" if metaphysis else bone.region
                site = found.setdefault(bone.key, HpoSite(bone.key, region))
                if metaphysis:
                    site.region = region
                site.labels.append(f.label)
                for key, side in (("bilateral", "both"), ("left", "left"), ("right", "right")):
                    if modified(f, key):
                        site.sides.add(side)
        return found

    # A site term counts only beside a lesion: "Short clavicles" alone is not a CNO site.
    sites = locate(present) if lesions else {}
    return HpoLesions(
        lesions=lesions, sites=sites,
        lytic=[f for f in lesions if under(f, concepts["lytic"])],
        sclerotic=[f for f in lesions if under(f, concepts["sclerotic"])],
        single=any(modified(f, "single") for f in lesions),
        pain_sites=locate(pain),
    )
