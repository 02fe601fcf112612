"""Entry kinds of the population screen: the per-child red flags and criteria translated to OMOP concept sets.

Codes are vocabulary_id + concept_code, never OMOP concept_ids: a site's own CONCEPT table resolves them at run
time (descendants through CONCEPT_ANCESTOR, non-standard codes through CONCEPT_RELATIONSHIP 'Maps to').
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from rarebone.knowledge.kinds.base import Certainty, Entry

Family = Literal["osteopetrosis", "osteopetrosis_intermediate", "cno", "cno_review", "osteopetrosis_review",
                 "osteopetrosis_intermediate_review"]
Domain = Literal["condition", "observation", "procedure", "drug", "measurement_value", "note_nlp"]


class ScreenCode(BaseModel):
    """One code of a concept set. ``via``: where the code comes from (a source id, e.g. the HPO xref release);
    ``certainty``: how sure the mapping finding -> code is (verified: the OMOP concept was read in a published
    OHDSI concept set or vocabulary; secondary: an HPO cross-reference; unverified: recalled, check locally)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    vocabulary: str
    code: str
    label: str
    via: str
    certainty: Certainty = "verified"
    descendants: bool = True


class ScreenConceptSet(Entry):
    """A finding, diagnosis or treatment as OMOP codes, and which knowledge entries it translates."""

    role: Literal["finding", "diagnosis", "managed", "context"]
    translates: list[str] = Field(min_length=1)  # knowledge entry ids (red flags, CNO findings, disease xrefs)
    hpo: list[str] = []
    domains: list[Domain] = []
    codes: list[ScreenCode] = []  # empty only for a finding read from laboratory rules alone
    # A finding that only counts up to an age (a ScreenWindow id, e.g. the neonatal period): rows recorded later
    # are not this finding (a hypocalcaemia code at 6 months is hypocalcaemia, not neonatal hypocalcaemia).
    age_max: str | None = None


class ScreenLabRule(Entry):
    """A laboratory reading that counts as a concept-set finding.

    analyte: the core analyte entry (its LOINC codes); lab_finding: the LABFIND-* entry whose direction is read
    against the row's own range_low/range_high (as the per-child assessment does); threshold: optionally a
    threshold entry (value + unit) compared after unit conversion instead of the row's range."""

    counts_as: str
    analyte: str
    lab_finding: str | None = None
    threshold: str | None = None
    direction: Literal["below", "above", "at_or_above"] | None = None


class ScreenWindow(Entry):
    """A number of days the screen uses (age window, co-occurrence window, lookback)."""

    value: float
    unit: Literal["days"]
    inclusive: bool = True


class ScreenNoteRule(Entry):
    """How a finding read ONLY from NOTE_NLP counts (screen-corrob): on a main list when corroborated (asserted in
    notes on at least ``min_note_days`` distinct dates within the family's co-occurrence window, or a coded red flag
    of the same family in that window), otherwise on the family's review list. A coded row of the finding itself
    is never affected."""

    sets: list[str] = Field(min_length=1)  # ScreenConceptSet ids whose NLP-only rows need corroboration
    min_note_days: int = Field(ge=2)  # distinct note dates that corroborate on their own
    # what else corroborates: a coded (non-NOTE_NLP) row of any positively weighted finding the family scores
    corroborated_by: Literal["coded_family_finding"]


class ScreenScoring(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    set: str  # a ScreenConceptSet id
    weight_entry: str  # the per-child weight entry (OP-FLAG-*, CNO-SUSP-*) whose weight/role/domain/unless apply


class ScreenFamily(Entry):
    """How one condition family is screened: its scored findings, level rules, windows, and what 'diagnosed' means."""

    family: Family
    cohort_definition_id: int
    levels_entry: str | None = None  # OP-SUSPICION-LEVELS
    moderate_entry: str | None = None  # CNO-SUSPICION-MODERATE
    high_entry: str | None = None  # CNO-SUSPICION-HIGH
    flag_min_level: Literal["low", "moderate", "high"]
    age_min: str | None = None  # ScreenWindow ids
    age_max: str
    co_occurrence: str
    scoring: list[ScreenScoring] = Field(min_length=1)
    diagnosis_sets: list[str] = Field(min_length=1)
    managed_sets: list[str] = []
    context_sets: list[str] = []
    # A recorded diagnosis that explains the picture (at any time in the record): not a missed child.
    explained_by: list[str] = []
    # The pattern needs these sets recorded on days at least `persistence_days` (an entry with value in days) apart.
    persistence_sets: list[str] = []
    persistence_days: str | None = None
    # A second, lower list ("screen for review"): persons already on review_of's main list are not repeated here.
    review_of: Family | None = None
    # Osteopetrosis review lists: flagged (at level low) when the window's score reaches the weight of the entry
    # named here (e.g. OP-FLAG-PANCYTOPENIA: the marrow-failure picture) and the findings span at least the
    # minimum number of domains of the entry named in review_min_domains_of (OP-SUSPICION-LEVELS
    # min_domains_without_hallmark); a family without either is levelled as the per-child assessment does.
    review_min_score_of: str | None = None
    review_min_domains_of: str | None = None
    # screen-corrob: a ScreenNoteRule id. On a main list: NLP-only findings of the rule's sets count only when
    # corroborated. On a review list: an uncorroborated NLP-only finding of those sets lists the child (level low).
    note_corroboration: str | None = None


KINDS = {"screen_concept_set": ScreenConceptSet, "screen_lab_rule": ScreenLabRule, "screen_window": ScreenWindow,
         "screen_family": ScreenFamily, "screen_note_rule": ScreenNoteRule}
