"""The fields every knowledge entry has, and the kinds shared by all rooms."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Certainty = Literal["verified", "secondary", "unverified"]


class Entry(BaseModel):
    """A clinical fact in our own words, with its sources.

    certainty: ``verified`` (checked in the source text), ``secondary`` (through a review or reproduction,
    the reference's half-moon mark), ``unverified`` (recalled; never present as settled).
    disagreement: set when sources disagree; printed beside the output line.
    assumed_from: set when rarebone filled a gap (a daily split, a schedule); printed on the output.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=r"^[A-Z0-9]+(-[A-Z0-9]+)+$")
    statement: str = Field(min_length=5)
    sources: list[str] = Field(min_length=1)
    certainty: Certainty = "verified"
    disagreement: str | None = None
    assumed_from: str | None = None
    note: str | None = None


class Text(Entry):
    """A fixed sentence the reports print (notices, warnings) with its sources."""

    text: str


class Analyte(Entry):
    """A laboratory or body measurement rarebone understands: its LOINC codes, canonical unit, conversions."""

    key: str
    loinc: list[str] = Field(min_length=1)
    canonical_unit: str
    # value in canonical unit = value in this unit x multiplier
    to_canonical: dict[str, float]
    plausible_low: float
    plausible_high: float


class UnitAlias(Entry):
    """Spellings and ontology ids (UCUM:, UO:, NCIT:) that mean one UCUM unit."""

    ucum: str
    aliases: list[str]


KINDS = {"text": Text, "analyte": Analyte, "unit_alias": UnitAlias}


class DiseaseXref(Entry):
    """One disease of the knowledge base under its ids in OMIM, MONDO and Orphanet (``ORPHA:`` spelling)."""

    condition: Literal["osteopetrosis", "cno", "lookalike"]
    label: str
    ids: list[str] = Field(min_length=1)
    kb_entry: str | None = None
    gene: str | None = None


KINDS["disease_xref"] = DiseaseXref
