"""Evaluate the CNO findings (knowledge kind ``cno_finding``) on one child: present / absent / unknown,
with the patient fact that decided it. Unknown is never counted as absent."""

from __future__ import annotations

import re

from dataclasses import dataclass

from rarebone.core.evidence import FactStatus
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.cno import CnoFinding, CnoSite, CnoThreshold, LabRule
from rarebone.patient import Patient
from rarebone.cno.record import SIDES, CnoRecord
from rarebone.errors import KnowledgeError
from rarebone.phenotype.labs import outside_published_limit

PATHOGENIC = ("causative", "contributory", "pathogenic", "likely_pathogenic")
STERILE_BIOPSY = "CNO-FINDING-BIOPSY-STERILE"
TYPICAL_REGIONS = ("clavicle", "sternum", "vertebra", "pelvis", "sacrum")
AXIAL_REGIONS = ("clavicle", "sternum", "vertebra")


@dataclass(frozen=True, slots=True)
class FindingValue:
    finding_id: str
    label: str
    status: FactStatus
    fact: str | None = None


class FindingEvaluator:
    """Answers 'is finding X present?' for one child, caching each answer."""

    def __init__(self, patient: Patient, record: CnoRecord, kb: KnowledgeBase, onto) -> None:
        self.patient, self.record, self.kb, self.onto = patient, record, kb, onto
        self._cache: dict[str, FindingValue] = {}
        self._sites: dict[str, CnoSite] | None = None  # built when imaging lesions are read (most records have none)
        self._min_sites = kb.get("CNO-MULTIFOCAL-MIN-SITES").value
        self._hpo_lesions = None
        self._hpo_only_ids = _hpo_only(kb)

    def __call__(self, finding_id: str) -> FindingValue:
        value = self._cache.get(finding_id)
        if value is None:
            value = self._cache[finding_id] = self._evaluate(self.kb.get(finding_id))
        return value

    # -- sources of evidence -------------------------------------------------------------------------
    def _hpo(self, f: CnoFinding) -> tuple[str | None, bool]:
        """(present fact, all terms excluded)."""
        wanted = f.hpo_any
        features = self.patient.features
        summary = self.onto.feature_summary(features)
        # Most findings match no present term: one set test on the union of ancestors settles that.
        if not (summary.present_ancestors.isdisjoint(wanted) and summary.present_ids.isdisjoint(f.hpo_exact)):
            for feature, ancestors in zip(features, self.onto.feature_ancestors(features)):
                if feature.excluded:
                    continue
                # set test on the feature's ancestors: the same as is_a for each term, without a call per pair
                if feature.hpo_id in f.hpo_exact or (not ancestors.isdisjoint(wanted) and ancestors.isdisjoint(f.hpo_except)):
                    return f"{feature.label} ({feature.hpo_id})", False
        excluded = summary.excluded_ids
        all_excluded = bool(wanted) and bool(excluded) and all(
            not self.onto.ancestors_or_self(term).isdisjoint(excluded) for term in wanted)
        return None, all_excluded

    def _lab(self, rule: LabRule) -> tuple[bool | None, str | None]:
        """True fired, False measured and normal, None not measured (or no reference to compare with)."""
        values = [m for m in self.patient.measurements_of(rule.analyte) if m.value is not None]
        if not values:
            return None, None
        outcome = None
        fact = None
        for m in values:
            limit = rule.threshold
            if limit is None:
                limit = m.reference_high if rule.direction == "above" else m.reference_low
            when = m.time.describe() if m.time else "date unknown"
            if limit is None:
                # No number to compare with: the laboratory's own flag, when the record carries one.
                fired, how = m.outside_reference(rule.direction)
                if fired is None:
                    # A bare value (no range, no flag): the published age-specific limit where one exists.
                    fired, how = outside_published_limit(m, rule.direction, self.patient, self.kb)
                    unflagged = f"not {how}"
                else:
                    unflagged = "not flagged"
                if fired is None:
                    continue
                text = f"{rule.analyte} {m.value:g} {m.unit or ''} ({when}; {how if fired else unflagged})"
            else:
                if rule.direction == "above":
                    fired = m.value >= limit if rule.inclusive else m.value > limit
                else:
                    fired = m.value <= limit if rule.inclusive else m.value < limit
                text = f"{rule.analyte} {m.value:g} {m.unit or ''} ({when}; limit {limit:g})"
            if rule.quantifier == "all":
                if not fired:
                    return False, text
                outcome, fact = True, text
                continue
            if fired:
                return True, text
            outcome, fact = False, text
        return outcome, fact

    def _onset(self, f: CnoFinding) -> tuple[str | None, bool]:
        ages = []
        for feature in self.patient.features:
            if feature.excluded or feature.onset is None:
                continue
            if feature.onset.onset_term and any(self.onto.is_a(feature.onset.onset_term, t) for t in f.onset_terms):
                return f"{feature.label}: onset {self.onto.name(feature.onset.onset_term)}", False
            if feature.onset.age_days is not None:
                ages.append((feature.onset.age_days, feature.label))
        if ages:
            age, label = min(ages)
            if age < f.onset_before_days:
                return f"{label}: onset at {age:g} days", False
            return None, True
        return None, False

    def _lesions(self, rule: str) -> tuple[FactStatus, str | None]:
        if self._hpo_lesions is None:
            from rarebone.cno.hpo_lesions import read_hpo_lesions

            self._hpo_lesions = read_hpo_lesions(self.patient, self.kb, self.onto)
        from_hpo = self._hpo_lesions.rule(rule, self._min_sites)
        if from_hpo is not None:
            return from_hpo
        if not self.record.has_imaging:
            return FactStatus.UNKNOWN, None
        if self._sites is None:
            self._sites = {e.key: e for e in self.kb.of_kind(CnoSite)}
        seen = [les for s in self.record.studies for les in s.lesions if les.present]
        keys = sorted({les.key for les in seen})
        regions = {les.key: self._sites[les.site].region for les in seen}
        bones = {(les.site, les.side) for les in seen}
        hit: list[str] = []
        if rule == "any_lesion":
            hit = keys
        elif rule == "multifocal":
            hit = keys if len(bones) >= self._min_sites else []
        elif rule == "clavicle_only":
            hit = keys if keys and all(r == "clavicle" for r in regions.values()) else []
        elif rule == "axial_site":
            hit = [k for k in keys if regions[k] in AXIAL_REGIONS]
        elif rule == "typical_site":
            hit = [k for k in keys if regions[k] in TYPICAL_REGIONS or "metaphysis" in k]
        elif rule == "unifocal_non_clavicle":
            hit = keys if len(bones) == 1 and all(r != "clavicle" for r in regions.values()) else []
        elif rule == "skull":
            hit = [k for k in keys if regions[k] == "skull"]
        elif rule == "symmetric":
            by_part: dict[tuple, set] = {}
            for les in seen:
                if les.side:
                    by_part.setdefault((les.site, les.part), set()).add(les.side)
            hit = ["/".join(x for x in k if x) for k, sides in by_part.items() if len(sides) == len(SIDES)]
        elif rule == "marginal_sclerosis":
            marked = [les for les in seen if les.marginal_sclerosis is not None]
            hit = sorted({les.key for les in marked if les.marginal_sclerosis})
            if not hit and not marked:
                return FactStatus.UNKNOWN, None
        if hit:
            return FactStatus.PRESENT, f"imaging: {', '.join(hit)}"
        return FactStatus.EXCLUDED, f"imaging ({len(self.record.studies)} studies) shows no such lesion"

    # -- the rule --------------------------------------------------------------------------------------
    def _evaluate(self, f: CnoFinding) -> FindingValue:
        if f.id == STERILE_BIOPSY:
            return self._sterile_biopsy(f)
        if f.id in self._hpo_only_ids:
            return self._evaluate_hpo_only(f)
        facts_absent: list[str] = []
        # A lab rule with its own published threshold decides whenever a value was measured: an HPO term
        # (stated, or derived from the lab's reference range) must not override the criterion's cut-off.
        # (each guard below skips a loop over the child's data for the many findings that do not use it)
        measured = [self._lab(rule) for rule in f.labs if rule.threshold is not None] if f.labs else ()
        measured = [(state, fact) for state, fact in measured if state is not None] if measured else ()
        if measured:
            fired = [fact for state, fact in measured if state]
            if fired:
                return FindingValue(f.id, f.label, FactStatus.PRESENT, fired[0])
            return FindingValue(f.id, f.label, FactStatus.EXCLUDED, "; ".join(fact for _, fact in measured))
        hpo_fact, hpo_all_excluded = self._hpo(f)
        if hpo_fact:
            return FindingValue(f.id, f.label, FactStatus.PRESENT, hpo_fact)
        if hpo_all_excluded:
            # name the term the record marks absent: "recorded as excluded" read as if the look-alike were
            # excluded (issue 10 item 10)
            absent = [f"{x.label} ({x.hpo_id})" for x in self.patient.features if x.excluded and any(
                not self.onto.ancestors_or_self(term).isdisjoint({x.hpo_id}) for term in f.hpo_any)]
            facts_absent.append(f"recorded absent: {', '.join(absent)}" if absent else "recorded absent")
        lab_states = []
        for rule in f.labs:
            state, fact = self._lab(rule)
            if state:
                return FindingValue(f.id, f.label, FactStatus.PRESENT, fact)
            lab_states.append(state)
            if fact:
                facts_absent.append(fact)
        if f.lesion_rule:
            status, fact = self._lesions(f.lesion_rule)
            if status is FactStatus.PRESENT:
                return FindingValue(f.id, f.label, status, fact)
            if status is FactStatus.EXCLUDED and not f.hpo_any:
                facts_absent.append(fact)
                return FindingValue(f.id, f.label, FactStatus.EXCLUDED, "; ".join(facts_absent))
        for variant in self.patient.variants if f.genes else ():
            if variant.gene_symbol in f.genes and variant.interpretation_status in PATHOGENIC:
                return FindingValue(f.id, f.label, FactStatus.PRESENT, f"{variant.gene_symbol} variant ({variant.interpretation_status})")
        for disease in self.patient.diseases if f.disease_ids else ():
            if disease.term_id in f.disease_ids and not disease.excluded:
                return FindingValue(f.id, f.label, FactStatus.PRESENT, f"diagnosis {disease.label or disease.term_id}")
        for result in self.record.workup if f.workup_positive else ():
            if result.test in f.workup_positive and result.result == "positive":
                return FindingValue(f.id, f.label, FactStatus.PRESENT, f"{result.test} positive")
        if f.extension_flag and self.record.flags.get(f.extension_flag) is not None:
            if self.record.flags[f.extension_flag]:
                return FindingValue(f.id, f.label, FactStatus.PRESENT, f"flag {f.extension_flag}")
            facts_absent.append(f"flag {f.extension_flag} false")
            if not f.hpo_any:
                return FindingValue(f.id, f.label, FactStatus.EXCLUDED, "; ".join(facts_absent))
        if f.onset_before_days is not None:
            fact, later = self._onset(f)
            if fact:
                return FindingValue(f.id, f.label, FactStatus.PRESENT, fact)
            if later:
                return FindingValue(f.id, f.label, FactStatus.EXCLUDED, "recorded onset later")
        if f.age_below_days is not None:
            age = self._age_days()
            if age is not None:
                from rarebone.core.time import format_age
                if age < f.age_below_days:
                    return FindingValue(f.id, f.label, FactStatus.PRESENT, f"age {format_age(age)}")
                return FindingValue(f.id, f.label, FactStatus.EXCLUDED, f"age {format_age(age)}")
        labs_normal = bool(f.labs) and all(state is False for state in lab_states)
        if hpo_all_excluded or labs_normal:
            return FindingValue(f.id, f.label, FactStatus.EXCLUDED, "; ".join(_merge_limits(facts_absent)))
        return _unknown(f)

    def _evaluate_hpo_only(self, f: CnoFinding) -> FindingValue:
        """_evaluate for a finding read from HPO terms alone (no labs, imaging, genes, diagnoses, work-up, flags,
        onset or age): the same answers without stepping through the sources it does not use."""
        hpo_fact, hpo_all_excluded = self._hpo(f)
        if hpo_fact:
            return FindingValue(f.id, f.label, FactStatus.PRESENT, hpo_fact)
        if hpo_all_excluded:
            absent = [f"{x.label} ({x.hpo_id})" for x in self.patient.features if x.excluded and any(
                not self.onto.ancestors_or_self(term).isdisjoint({x.hpo_id}) for term in f.hpo_any)]
            fact = f"recorded absent: {', '.join(absent)}" if absent else "recorded absent"
            return FindingValue(f.id, f.label, FactStatus.EXCLUDED, "; ".join(_merge_limits([fact])))
        return _unknown(f)

    def _age_days(self) -> float | None:
        """The youngest recorded age: at last encounter, or at the onset of a feature when earlier."""
        ages = [self.patient.age_days] + [x.onset.age_days for x in self.patient.features
                                          if not x.excluded and x.onset is not None]
        ages = [a for a in ages if a is not None]
        return min(ages) if ages else None

    def _sterile_biopsy(self, f: CnoFinding) -> FindingValue:
        results = {w.test: w.result for w in self.record.workup}
        histology, culture = results.get("bone_biopsy_histology"), results.get("bone_biopsy_culture")
        if histology == "negative" and culture == "negative":
            return FindingValue(f.id, f.label, FactStatus.PRESENT, "bone biopsy: no malignancy, culture negative")
        if histology == "positive" or culture == "positive":
            return FindingValue(f.id, f.label, FactStatus.EXCLUDED, "bone biopsy abnormal (histology or culture positive)")
        return _unknown(f)


def _hpo_only(kb: KnowledgeBase) -> frozenset[str]:
    """Ids of the findings that only HPO terms decide (computed once per knowledge base)."""
    return kb.derived("cno.hpo_only_findings", lambda: frozenset(
        f.id for f in kb.of_kind(CnoFinding) if f.id != STERILE_BIOPSY and not (
            f.labs or f.lesion_rule or f.genes or f.disease_ids or f.workup_positive or f.extension_flag
            or f.onset_before_days is not None or f.age_below_days is not None)))


_UNKNOWN: dict[tuple[str, str], FindingValue] = {}


def _unknown(f: CnoFinding) -> FindingValue:
    """The "unknown" answer: the same immutable value for every child (most findings of most children), made
    once instead of at each of the ~60 evaluations per child."""
    key = (f.id, f.label)
    value = _UNKNOWN.get(key)
    if value is None:
        value = _UNKNOWN[key] = FindingValue(f.id, f.label, FactStatus.UNKNOWN, None)
    return value


def threshold(kb: KnowledgeBase, entry_id: str) -> float:
    entry = kb.get(entry_id)
    if not isinstance(entry, CnoThreshold):
        raise KnowledgeError("not a cno_threshold entry", value=entry_id)
    return entry.value


_LIMIT = re.compile(r"^(?P<head>.*); limit (?P<limit>[^)]+)\)$")


def _merge_limits(facts: list[str]) -> list[str]:
    """One line per measurement: a value checked against its lower and its upper limit reads
    'wbc 7 10*9/L (2026-03-02; within 4.5-13.5)', not twice."""
    heads: dict[str, list[str]] = {}
    order: list[str] = []
    for fact in facts:
        m = _LIMIT.match(fact)
        key = m["head"] if m else fact
        if key not in heads:
            heads[key] = []
            order.append(key)
        if m:
            heads[key].append(m["limit"])
    out = []
    for key in order:
        limits = sorted(set(heads[key]), key=float)
        if not limits:
            out.append(key)
        elif len(limits) == 1:
            out.append(f"{key}; limit {limits[0]})")
        else:
            out.append(f"{key}; within {limits[0]}-{limits[-1]})")
    return out

