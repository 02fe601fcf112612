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


KINDS = {"lab_finding": LabFinding, "coverage_scope": CoverageScope, "coverage_exclusion": CoverageExclusion,
         "differential_parameter": DifferentialParameter}
