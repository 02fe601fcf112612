"""Decision support after a finding: options for mixed or falling donor chimerism (TX-CHIMERISM-OPTIONS) and the
first-line step for acute GVHD grade II-IV (TX-AGVHD-FIRST-LINE). Options as the sources name them, never an
order: the responsible clinician decides."""

from __future__ import annotations

from dataclasses import dataclass

from rarebone.knowledge import KnowledgeBase
from rarebone.transplant.compare import at_least
from rarebone.transplant.dosing import param


@dataclass(frozen=True)
class Option:
    topic: str
    text: str
    knowledge_id: str


def chimerism_options(kb: KnowledgeBase, latest_pct: float, latest_day: int, trend: str,
                      secondary_failure: bool) -> Option:
    v = param(kb, "TX-CHIMERISM-OPTIONS")
    split = v["dli_split_pct"]
    side = (f"{latest_pct:g}% is at or above {split:g}%: DLI response {v['dli_response_above_pct']:g}% in Umeda 2016"
            if at_least(kb, latest_pct, split) else
            f"{latest_pct:g}% is below {split:g}%: DLI response {v['dli_response_below_pct']:g}% in Umeda 2016, "
            "which favoured a second HSCT at lower chimerism")
    text = (f"Donor chimerism {latest_pct:g}% on day {latest_day:+d} (trend {trend.replace('_', ' ')}). Options named "
            "in the sources: donor CD34+ (CD34-selected) reinfusion or donor lymphocyte infusion (S1: mixed "
            "chimerism returned to full donor after either; no thresholds given), or a second HSCT (Umeda 2016). "
            f"{side}; grade II-IV acute GVHD followed DLI in {v['dli_agvhd_pct']:g}%."
            + (" With secondary graft failure DLI responses were lower (Umeda 2016)." if secondary_failure else "")
            + " No chimerism threshold for a CD34-selected boost was found (UNVERIFIED).")
    return Option("chimerism", text, "TX-CHIMERISM-OPTIONS")


def agvhd_first_line(kb: KnowledgeBase, grade: str, day: int, organs: dict[str, int | None]) -> Option:
    v = param(kb, "TX-AGVHD-FIRST-LINE")
    skin_ugi_only = grade == v["from_grade"] and not (organs.get("liver") or 0) and not (organs.get("lower_gi") or 0)
    dose = (f"a lower steroid dose (grade {v['from_grade']} limited to skin or upper GI; methylprednisolone "
            f"{v['reduced_mp_mg_kg_day']:g} mg/kg/day [UNVERIFIED])" if skin_ugi_only else
            f"the standard dose (methylprednisolone {v['standard_mp_mg_kg_day']:g} mg/kg/day [UNVERIFIED])")
    text = (f"Acute GVHD grade {grade} on day {day:+d}: first-line systemic corticosteroids (EBMT 2020 consensus, "
            f"Penack), {dose}. The consensus covers adults with haematological malignancy after matched sibling or "
            "unrelated donors; this child is outside its scope. Doses not read in any source: the prescriber sets "
            "them. S1 used corticosteroids and tacrolimus, also CD25 antibody and ruxolitinib.")
    return Option("acute GVHD", text, "TX-AGVHD-FIRST-LINE")
