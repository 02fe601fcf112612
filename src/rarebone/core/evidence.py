"""Evidence and citations carried by every judgement (contract types, pydantic)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """Base of every model that crosses a boundary: frozen, no unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class FactStatus(StrEnum):
    PRESENT = "present"
    EXCLUDED = "excluded"
    UNKNOWN = "unknown"


class Citation(Contract):
    """A source as printed under a report line."""

    id: str
    text: str
    doi: str | None = None
    pmid: str | None = None
    seed: str | None = None


class Evidence(Contract):
    """One fact used by a rule: which knowledge entry, what the record says, and how much it weighed."""

    knowledge_id: str
    label: str
    status: FactStatus
    patient_fact: str | None = None
    weight: float | None = None
    certainty: str = "verified"
    citations: list[str] = []


class Reason(Contract):
    """A sentence that justifies a recommendation, with the knowledge entry and sources behind it."""

    text: str
    knowledge_id: str
    certainty: str = "verified"
    citations: list[str] = []


class SuspicionLevel(StrEnum):
    NONE = "none"
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class ConditionSuspicion(Contract):
    """How strongly the record suggests one condition, and every fact for, against and not yet known."""

    level: SuspicionLevel
    score: float
    evidence_for: list[Evidence] = []
    evidence_against: list[Evidence] = []
    unknown: list[Evidence] = []
    explanation: str = ""
    citations: list[str] = []


class Strength(StrEnum):
    """How firmly a recommendation is put: ``urgent`` and ``strong`` are for acting now; ``consider`` is a prompt."""

    URGENT = "urgent"
    STRONG = "strong"
    MODERATE = "moderate"
    CONSIDER = "consider"


class Recommendation(Contract):
    id: str
    text: str
    strength: Strength
    citations: list[str] = []
    certainty: str = "verified"
    condition: str | None = None
