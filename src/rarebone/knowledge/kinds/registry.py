"""Entry kinds of the registry room: the demo generator's parameters and published figures the report re-checks."""

from __future__ import annotations

from pydantic import Field

from rarebone.knowledge.kinds.base import Entry


class DemoParameter(Entry):
    """One parameter of the synthetic-registry generator: a probability, shares of categories, or a
    median with range. ``key`` is what the generator asks for."""

    key: str
    probability: float | None = Field(default=None, ge=0, le=1)
    shares: dict[str, float] | None = None
    median: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str | None = None


class PublishedProportion(Entry):
    """A percentage a paper printed, with the counts it should follow from; the report recomputes it."""

    reported_percent: float
    numerator: int
    denominator: int


KINDS = {"demo_parameter": DemoParameter, "published_proportion": PublishedProportion}
