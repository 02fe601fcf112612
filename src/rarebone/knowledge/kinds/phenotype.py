"""Entry kinds of the phenotype room."""

from __future__ import annotations

from typing import Literal

from rarebone.knowledge.kinds.base import Entry


class LabFinding(Entry):
    """A phenotype read from a measurement outside the lab's own reference range (the record's referenceRange)."""

    analyte: str
    direction: Literal["below", "above"]
    hpo_id: str
    label: str


class LabFallbackLimit(Entry):
    """A published limit for one analyte in one age band (and sex), used only when the record gives neither the
    laboratory's reference range nor its flag: case reports and thin EHR extracts often carry the bare value.

    Ages in days, ``age_from_days`` inclusive, ``age_to_days`` exclusive (None: no upper bound). ``limit`` is in
    the analyte's canonical unit, repeated in ``unit`` so a test can check the two agree."""

    analyte: str
    direction: Literal["below", "above"]
    limit: float
    unit: str
    age_from_days: float = 0
    age_to_days: float | None = None
    sex: Literal["any", "male", "female"] = "any"


class CoverageScope(Entry):
    """The diseases whose HPO annotations a room's concept sets must cover (OMIM ids, hpo3 annotations)."""

    room: Literal["osteopetrosis", "cno"]
    omim: list[str]


class CoverageExclusion(Entry):
    """Annotation terms (roots, descendants included) deliberately left out of a room's concept sets, and why."""

    rooms: list[Literal["osteopetrosis", "cno"]]
    terms: list[str]
    reason: str


class DifferentialParameter(Entry):
    """A number of the phenotype-driven differential model (a frequency, a likelihood-ratio bound, an age band)."""

    values: dict[str, float | int | str]


KINDS = {"lab_finding": LabFinding, "lab_fallback_limit": LabFallbackLimit, "coverage_scope": CoverageScope, "coverage_exclusion": CoverageExclusion,
         "differential_parameter": DifferentialParameter}
