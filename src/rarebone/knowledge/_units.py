from __future__ import annotations

from functools import lru_cache

from rarebone.core.units import AnalyteSpec, UnitConverter
from rarebone.knowledge._loader import KnowledgeBase, load
from rarebone.knowledge.kinds.base import Analyte, UnitAlias


def converter_for(kb: KnowledgeBase) -> UnitConverter:
    aliases = {alias: entry.ucum for entry in kb.of_kind(UnitAlias) for alias in [*entry.aliases, entry.ucum]}
    analytes = [
        AnalyteSpec(
            key=a.key, label=a.statement.split(".")[0], loinc=tuple(a.loinc), canonical_unit=a.canonical_unit,
            to_canonical=dict(a.to_canonical), plausible_low=a.plausible_low, plausible_high=a.plausible_high,
        )
        for a in kb.of_kind(Analyte)
    ]
    return UnitConverter.build(aliases, analytes)


@lru_cache(maxsize=1)
def unit_converter() -> UnitConverter:
    return converter_for(load())
