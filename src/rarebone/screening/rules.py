"""The screen's rules as plain data, read from the knowledge base (screening/*.yaml and the per-child entries they
name). The Ibis engine and the per-person pandas reference both read this, so they cannot drift apart."""

from __future__ import annotations

from dataclasses import dataclass, field

from rarebone.errors import KnowledgeError
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.phenotype import LabFallbackLimit

LEVELS = ("none", "low", "moderate", "high")  # index = the integer level the engine computes
PERSIST_KEY = "persist:"  # key prefix of an unscored persistence set (Family.persistence_only)
# screen-corrob: NLP-only rows of a corroboration set are renamed set_id + NOTE_SUFFIX and scored under
# NOTE_KEY + the weight entry (main lists) or NOTE_KEY + the set id (review lists), so the engine and the pandas
# loop can tell a hallmark read from a note from the same hallmark coded.
NOTE_SUFFIX = "@note"
NOTE_KEY = "note:"


@dataclass(frozen=True)
class Code:
    vocabulary: str
    code: str
    label: str
    certainty: str
    descendants: bool


@dataclass(frozen=True)
class ConceptSet:
    id: str
    role: str
    domains: tuple[str, ...]
    codes: tuple[Code, ...]
    statement: str
    certainty: str
    age_max_days: float | None = None  # the finding counts only up to this age (inclusive), e.g. neonatal
    age_max_inclusive: bool = True


@dataclass(frozen=True)
class FallbackBand:
    """A published limit (phenotype/lab_fallback_limits.yaml) for a row that carries no range on the rule's side."""

    id: str
    age_from_days: float
    age_to_days: float | None  # exclusive; None = no upper bound
    sex: str  # any / male / female
    limit: float  # canonical unit


@dataclass(frozen=True)
class LabRule:
    id: str
    set_id: str
    loinc: tuple[str, ...]
    direction: str  # below / above (against the row's range) or at_or_above (against the threshold)
    threshold: float | None  # in the analyte's canonical unit; None = the row's own range
    canonical_unit: str
    to_canonical: dict[str, float]
    # For range-read rules: the published age-specific limits used when the row has no range on that side, as the
    # per-child assessment does (real CDMs often leave range_low/range_high empty).
    fallback: tuple[FallbackBand, ...] = ()


@dataclass(frozen=True)
class Scored:
    key: str  # the per-child weight entry id (OP-FLAG-*, CNO-SUSP-*)
    label: str
    weight: float
    role: str
    domain: str
    unless: tuple[str, ...]  # other keys of this family whose presence cancels this one
    sets: tuple[str, ...]
    certainty: str

    @property
    def signed(self) -> float:
        return -self.weight if self.role == "against" else self.weight


@dataclass(frozen=True)
class Family:
    entry_id: str
    family: str
    cohort_definition_id: int
    scored: tuple[Scored, ...]
    flag_min_level: int
    age_max_days: float
    age_max_inclusive: bool
    window_days: float
    diagnosis_sets: tuple[str, ...]
    managed_sets: tuple[str, ...]
    context_sets: tuple[str, ...]
    explained_by: tuple[str, ...] = ()
    persistence_sets: tuple[str, ...] = ()
    persistence_days: float | None = None
    review_of: str | None = None  # a review list under this main family (persons on the main list left out)
    age_min_days: float = 0.0  # findings dated at or after this age (0 = from birth); age_min entry, inclusive
    review_min_score: float | None = None  # OP review lists: the score (a per-child weight) that flags for review
    review_min_domains: int | None = None  # OP review lists: the domains the window's findings must span
    levels: dict = field(default_factory=dict)  # kind 'op' or 'cno' and its cut-offs
    notes: tuple[str, ...] = ()  # certainty marks printed with the output
    # screen-corrob (SCREEN-NOTE-CORROBORATION): sets whose NLP-only rows need corroboration (main list) or list the
    # child when uncorroborated (review list); distinct note dates that corroborate on their own
    note_sets: tuple[str, ...] = ()
    note_min_days: int | None = None
    note_rule: str | None = None

    @property
    def note_review(self) -> bool:
        """True on a review list that takes the uncorroborated NLP-only findings of its main list."""
        return bool(self.note_sets) and self.review_of is not None

    def note_keys(self) -> list[tuple[str, str, float, str | None]]:
        """(renamed set id, key, positive weight, domain) of the NLP-only rows of the corroboration sets. On a main
        list the key shadows the scored weight entry (it counts as that entry once corroborated); on a review list
        it carries no weight and no domain (it only opens the review)."""
        if self.note_review:
            return [(s + NOTE_SUFFIX, NOTE_KEY + s, 0.0, None) for s in self.note_sets]
        return [(s + NOTE_SUFFIX, NOTE_KEY + item.key, item.weight if item.role != "against" else 0.0, item.domain)
                for s in self.note_sets for item in self.scored if s in item.sets]

    def rename_note_set(self, set_id: str, from_note: bool) -> str:
        return set_id + NOTE_SUFFIX if from_note and set_id in self.note_sets else set_id

    def in_age(self, age):
        """The family's age window on an age in days (works on Ibis columns and pandas Series alike)."""
        upper = (age <= self.age_max_days) if self.age_max_inclusive else (age < self.age_max_days)
        return upper & (age >= self.age_min_days)

    def persistence_only(self) -> tuple[str, ...]:
        """Persistence sets that carry no weight (e.g. an MRI: evidence that a bone complaint was still being
        worked up, never a finding); the engine and the pandas loop give them the key PERSIST_KEY + set id."""
        scored = {s for item in self.scored for s in item.sets}
        return tuple(s for s in self.persistence_sets if s not in scored)

    def key_of_set(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for s in self.scored:
            for set_id in s.sets:
                out.setdefault(set_id, []).append(s.key)
        return out


@dataclass(frozen=True)
class Rules:
    sets: dict[str, ConceptSet]
    labs: tuple[LabRule, ...]
    families: tuple[Family, ...]
    unit_aliases: dict[str, str]
    knowledge_version: str


def _mark(entry) -> str | None:
    if entry.certainty == "verified" and not entry.disagreement:
        return None
    text = f"{entry.id}: {entry.certainty.upper()}"
    if entry.disagreement:
        text += f" (sources disagree: {entry.disagreement})"
    if entry.assumed_from:
        text += f" [{entry.assumed_from}]"
    return text


def _family(kb: KnowledgeBase, entry) -> Family:
    grouped: dict[str, list[str]] = {}
    for item in entry.scoring:
        grouped.setdefault(item.weight_entry, []).append(item.set)
    weights = {key: kb.get(key) for key in grouped}
    scored = []
    for key, sets in grouped.items():
        w = weights[key]
        # 'unless' names flag ids (osteopetrosis) or finding ids (CNO); keep those that are keys of this family
        unless = tuple(k for k, other in weights.items()
                       if k != key and (k in w.unless or getattr(other, "finding", None) in w.unless))
        scored.append(Scored(key=key, label=getattr(w, "label", None) or w.statement, weight=float(w.weight),
                             role=w.role, domain=getattr(w, "domain", "cno"), unless=unless, sets=tuple(sets),
                             certainty=w.certainty))
    age, window = kb.get(entry.age_max), kb.get(entry.co_occurrence)
    age_min = kb.get(entry.age_min) if entry.age_min else None
    notes = [m for m in (_mark(entry), _mark(age), _mark(window), age_min and _mark(age_min)) if m]
    if entry.levels_entry:
        r = kb.get(entry.levels_entry)
        levels = {"kind": "op", "low": r.low_min_score, "moderate": r.moderate_min_score, "high": r.high_min_score,
                  "hallmark_role": r.high_requires_role, "min_domains": r.min_domains_without_hallmark,
                  "radiology": r.radiology_domain, "systemic": tuple(r.moderate_with_radiology_domains)}
        notes += [m for m in (_mark(r),) if m]
    else:
        mod, high = kb.get(entry.moderate_entry), kb.get(entry.high_entry)
        levels = {"kind": "cno", "moderate": mod.value, "high": high.value}
        notes += [m for m in (_mark(mod), _mark(high)) if m]
    review_score = float(kb.get(entry.review_min_score_of).weight) if entry.review_min_score_of else None
    review_domains = (int(kb.get(entry.review_min_domains_of).min_domains_without_hallmark)
                      if entry.review_min_domains_of else None)
    persistence = kb.get(entry.persistence_days) if entry.persistence_days else None
    note_rule = kb.get(entry.note_corroboration) if entry.note_corroboration else None
    if note_rule is not None and not entry.review_of:
        scored_sets = {item.set for item in entry.scoring}
        if not set(note_rule.sets) <= scored_sets:
            raise KnowledgeError("note corroboration names a set this family does not score", source=entry.id,
                                 value=", ".join(sorted(set(note_rule.sets) - scored_sets)))
    if note_rule is not None and (mark := _mark(note_rule)):
        notes.append(mark)
    if persistence is not None and getattr(persistence, "unit", "days") != "days":
        raise KnowledgeError("persistence entry must be in days", source=entry.id, value=persistence.id)
    if any(s.certainty != "verified" for s in scored):
        notes.append("weights: " + ", ".join(sorted({f"{s.key} {s.certainty.upper()}" for s in scored
                                                      if s.certainty != "verified"})))
    return Family(entry_id=entry.id, family=entry.family, cohort_definition_id=entry.cohort_definition_id,
                  scored=tuple(scored), flag_min_level=LEVELS.index(entry.flag_min_level),
                  age_max_days=age.value, age_max_inclusive=age.inclusive, window_days=window.value,
                  diagnosis_sets=tuple(entry.diagnosis_sets), managed_sets=tuple(entry.managed_sets),
                  context_sets=tuple(entry.context_sets), explained_by=tuple(entry.explained_by),
                  persistence_sets=tuple(entry.persistence_sets),
                  persistence_days=persistence.value if persistence is not None else None,
                  review_of=entry.review_of,
                  age_min_days=float(age_min.value) if age_min is not None else 0.0,
                  review_min_score=review_score, review_min_domains=review_domains,
                  levels=levels, notes=tuple(notes),
                  note_sets=tuple(note_rule.sets) if note_rule is not None else (),
                  note_min_days=int(note_rule.min_note_days) if note_rule is not None else None,
                  note_rule=note_rule.id if note_rule is not None else None)


def load_rules(kb: KnowledgeBase | None = None) -> Rules:
    from rarebone.knowledge import load
    from rarebone.knowledge.kinds.base import UnitAlias
    from rarebone.knowledge.kinds.screening import ScreenConceptSet, ScreenFamily, ScreenLabRule

    kb = kb or load()
    sets = {}
    for e in kb.of_kind(ScreenConceptSet):
        limit = kb.get(e.age_max) if e.age_max else None
        sets[e.id] = ConceptSet(id=e.id, role=e.role, domains=tuple(e.domains), statement=e.statement,
                                certainty=e.certainty,
                                codes=tuple(Code(c.vocabulary, c.code, c.label, c.certainty, c.descendants)
                                            for c in e.codes),
                                age_max_days=float(limit.value) if limit is not None else None,
                                age_max_inclusive=limit.inclusive if limit is not None else True)
    labs = []
    for e in kb.of_kind(ScreenLabRule):
        analyte = kb.get(e.analyte)
        if e.counts_as not in sets:
            raise KnowledgeError("lab rule counts as an unknown concept set", source=e.id, value=e.counts_as)
        threshold = direction = None
        if e.threshold:
            t = kb.get(e.threshold)
            factor = 1.0 if t.unit == analyte.canonical_unit else analyte.to_canonical.get(t.unit)
            if factor is None:
                raise KnowledgeError("threshold unit not convertible to the analyte's unit", source=e.id, value=t.unit)
            threshold, direction = t.value * factor, e.direction or "at_or_above"
        fallback: tuple[FallbackBand, ...] = ()
        if not e.threshold:
            direction = e.direction or kb.get(e.lab_finding).direction
            fallback = tuple(FallbackBand(id=f.id, age_from_days=f.age_from_days, age_to_days=f.age_to_days,
                                          sex=f.sex, limit=f.limit)
                             for f in kb.of_kind(LabFallbackLimit)
                             if f.analyte == analyte.key and f.direction == direction)
        labs.append(LabRule(id=e.id, set_id=e.counts_as, loinc=tuple(analyte.loinc), direction=direction,
                            threshold=threshold, canonical_unit=analyte.canonical_unit,
                            to_canonical=dict(analyte.to_canonical), fallback=fallback))
    families = tuple(_family(kb, e) for e in sorted(kb.of_kind(ScreenFamily), key=lambda f: f.cohort_definition_id))
    aliases = {a: e.ucum for e in kb.of_kind(UnitAlias) for a in (*e.aliases, e.ucum)}
    return Rules(sets=sets, labs=tuple(labs), families=families, unit_aliases=aliases, knowledge_version=kb.version)
