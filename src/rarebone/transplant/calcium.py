"""Hypercalcaemia after HSCT for osteopetrosis (Martinez 2010): any serum calcium above the threshold."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from rarebone.errors import KnowledgeError
from rarebone.knowledge import KnowledgeBase
from rarebone.knowledge.kinds.base import Analyte
from rarebone.transplant.compare import above
from rarebone.transplant.dosing import param


def mg_dl_to_mmol_l(kb: KnowledgeBase, mg_dl: float) -> float:
    entry = kb.get("LAB-CALCIUM")
    if not isinstance(entry, Analyte) or "mg/dL" not in entry.to_canonical:
        raise KnowledgeError("LAB-CALCIUM has no mg/dL conversion", value="LAB-CALCIUM")
    return mg_dl * entry.to_canonical["mg/dL"]


@dataclass(frozen=True)
class Hypercalcaemia:
    threshold_mmol_l: float
    threshold_mg_dl: float
    high_values: tuple[tuple[int, float], ...]  # (study day, mmol/L)
    first_day: int | None
    peak_mmol_l: float | None
    last_observed_day: int | None
    monitor_until_day: int


def hypercalcaemia(kb: KnowledgeBase, calcium_mmol_l: Mapping[int, float]) -> Hypercalcaemia:
    v = param(kb, "TX-HYPERCALCAEMIA")
    threshold = mg_dl_to_mmol_l(kb, v["above_mg_dl"])
    after = sorted((d, x) for d, x in calcium_mmol_l.items() if d >= 0)
    high = tuple((d, x) for d, x in after if above(kb, x, threshold))
    return Hypercalcaemia(
        threshold, v["above_mg_dl"], high, high[0][0] if high else None, max((x for _, x in high), default=None),
        after[-1][0] if after else None, int(v["monitor_until_day"]))
