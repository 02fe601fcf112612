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


KINDS = {"lab_finding": LabFinding}


class DifferentialParameter(Entry):
    """A number of the phenotype-driven differential model (a frequency, a likelihood-ratio bound, an age band)."""

    values: dict[str, float | int | str]


KINDS["differential_parameter"] = DifferentialParameter
