"""Which recorded findings satisfy, or explicitly rule out, a list of HPO terms (subsumption-aware)."""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.core.evidence import FactStatus
from rarebone.patient import Feature, Patient


@dataclass(frozen=True, slots=True)
class Match:
    status: FactStatus
    features: tuple[Feature, ...] = ()

    def describe(self) -> str | None:
        if not self.features:
            return None
        parts = []
        for f in self.features:
            text = f"{f.hpo_id} {f.label}"
            if f.description and f.description.startswith("derived:"):
                text += f" ({f.description})"
            elif f.onset is not None:
                onset = f.onset.describe()
                if f.onset.onset_term and f.onset.age_days is None and f.onset.timestamp is None:
                    # from the module, not the package: importing a name from a package runs importlib's
                    # Python-level fromlist handling on every call (~1 us, a few times per record)
                    from rarebone.phenotype.ontology import ontology

                    onset = ontology().name(f.onset.onset_term)
                text += f" (onset {onset})"
            parts.append(text)
        return ("excluded: " if self.status is FactStatus.EXCLUDED else "") + "; ".join(parts)


# The answer of most rules for most records. Match is frozen, so one value serves every rule instead of ~35 built per
# record (it is what Match(FactStatus.UNKNOWN) builds: equal, and nothing can change it).
UNKNOWN = Match(FactStatus.UNKNOWN)


def match_terms(patient: Patient, terms: list[str], onto, exact: list[str] | tuple = (),
                except_terms: list[str] | tuple = ()) -> Match:
    """PRESENT when a recorded present term is one of ``terms`` or a descendant ("bilateral optic atrophy" is an
    "optic atrophy"); EXCLUDED when a recorded excluded term is one of them or an ancestor (ruling out "abnormal
    bone density" rules out osteosclerosis); else UNKNOWN. Present wins over excluded."""
    features = patient.features
    summary = onto.feature_summary(features)
    # No present finding lies under any term (the usual answer): skip the per-feature loop.
    if not (summary.present_ancestors.isdisjoint(terms) and summary.present_ids.isdisjoint(exact)):
        ancestors = onto.feature_ancestors(features)
        present = tuple(f for f, anc in zip(features, ancestors)
                        if not f.excluded and (f.hpo_id in exact or (not anc.isdisjoint(terms)
                                                                     and (not except_terms or anc.isdisjoint(except_terms)))))
        if present:
            return Match(FactStatus.PRESENT, present)
    if not summary.excluded_ids:
        return UNKNOWN
    # an excluded term rules out the terms it is (an ancestor of): "is_a(term, excluded)" for any term. One set
    # test answers "none" (the usual answer) before the features are walked for the ones that are.
    covered = onto.ancestors_of_any((*terms, *exact))
    if summary.excluded_ids.isdisjoint(covered):
        return UNKNOWN
    return Match(FactStatus.EXCLUDED, tuple(f for f in features if f.excluded and f.hpo_id in covered))

