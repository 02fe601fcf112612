"""The validation report contract (``rarebone schema validation``). Stable: later jobs add fields, never rename."""

from __future__ import annotations

from pydantic import Field

from rarebone import __version__
from rarebone.core.evidence import Contract


class Proportion(Contract):
    """k of n, with its Wilson score interval (null when n is 0: nothing was measured)."""

    numerator: int
    denominator: int
    value: float | None
    low: float | None
    high: float | None

    def describe(self) -> str:
        if self.value is None:
            return f"no cases (0/{self.denominator})"
        return f"{self.value:.3f} ({self.numerator}/{self.denominator}; 95% CI {self.low:.3f}-{self.high:.3f})"


class ConditionFigures(Contract):
    condition: str
    positives: int = Field(description="cases of this category (the condition is the authors' diagnosis)")
    negatives: int = Field(description="cases of every other category, look-alikes and --negatives files")
    sensitivity_moderate: Proportion = Field(description="positives called moderate or high")
    sensitivity_high: Proportion = Field(description="positives called high")
    specificity: Proportion = Field(description="negatives NOT called moderate or high")
    specificity_high: Proportion = Field(description="negatives NOT called high")
    lookalike_called_moderate: Proportion = Field(description="look-alike cases called moderate or high")
    lookalike_called_high: Proportion = Field(description="look-alike cases called high")
    levels: dict[str, dict[str, int]] = Field(description="category -> suspicion level -> number of cases")
    subgroup_levels: dict[str, dict[str, int]] = Field(
        default={}, description="subgroup of this condition's cases (MIOP, ADO, CRMO, ...) -> level -> number of cases")


class HsctAgreement(Contract):
    """Expected (key, from the reference's gene table) x given (rarebone) HSCT recommendation."""

    labels: list[str]
    table: dict[str, dict[str, int]] = Field(description="expected -> given -> number of cases")
    agreement: Proportion
    disagreements: list[str] = []
    note: str = ""


class Flagged(Contract):
    """A miss (a positive below moderate) or a false alarm (a negative at moderate or high), with its evidence."""

    kind: str  # miss | false_alarm
    condition: str
    file: str
    category: str
    subgroup: str
    disease: str
    level: str
    score: float
    evidence: list[str] = Field(description="the assessment's evidence for this condition, one line per fact")
    warnings: list[str] = []


class CaseResult(Contract):
    file: str
    category: str
    subgroup: str = ""
    disease: str = ""
    citation: str = ""
    patient_id: str | None = None
    levels: dict[str, str] = {}
    scores: dict[str, float] = {}
    expected_hsct: str = ""
    given_hsct: str | None = None
    recorded_diagnoses: list[str] = []
    error: str | None = None


class ValidationReport(Contract):
    """The clinical validation report of ``rarebone validate``. Decision-support software measured on published
    cases: to be read by the responsible clinician and the safety officer, never as a guarantee for one child."""

    notice: str
    rarebone_version: str = __version__
    knowledge_version: str
    hpo_version: str
    phenotype_only: bool = Field(description="diseases and interpretations were removed before assessing")
    confidence: float
    key_files: list[str]
    cases: int
    assessed: int
    conditions: dict[str, ConditionFigures]
    hsct: HsctAgreement
    misses: list[Flagged] = []
    false_alarms: list[Flagged] = []
    errors: list[str] = Field(default=[], description="case files that could not be assessed, or key rows without a file")
    results: list[CaseResult] = []
    floor_failures: list[str] = []
