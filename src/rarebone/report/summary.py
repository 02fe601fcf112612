"""The answer first: what a clinician reads in ten seconds at the top of every assessment (text, HTML, PDF).

Suspicion levels, the HSCT call with its urgency, the first three actions, then the warnings — a look-alike
(mimic) warning always first. The evidence tables follow in the body of the report; nothing here is new, it is
the same Assessment said shortest.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rarebone.workflows.assess import Assessment

FIRST_ACTIONS = 3  # the brief: "the first three actions"; the full list follows under Recommendations
_CALL = {"indicated": "HSCT INDICATED", "not_indicated": "HSCT NOT INDICATED",
         "case_by_case": "HSCT CASE BY CASE", "undetermined": "HSCT UNDETERMINED"}
_URGENCY = {"urgent": "URGENT", "routine": "routine", "not_applicable": "urgency not applicable"}


@dataclass
class Summary:
    suspicion: list[tuple[str, str, float]]  # condition, level, score
    hsct_call: str
    urgency: str
    urgent: bool
    hsct_unverified: bool
    urgency_why: list[str]
    actions: list[tuple[str, str]]  # strength, text
    more_actions: int
    warnings: list[str] = field(default_factory=list)


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def summarise(a: Assessment) -> Summary:
    h = a.hsct
    warnings = []
    for m in a.mimics:  # a look-alike comes first: act on nothing else before it is excluded
        text = _first_sentence(m.text)
        warnings.append("Look-alike: " + (text if text.startswith(m.label) else f"{m.label} — {text}"))
    if h.disagreement:
        warnings.append(f"Sources disagree on the HSCT call: {h.disagreement}")
    if h.certainty == "unverified":
        warnings.append("The HSCT call for this genotype rests on an UNVERIFIED source: confirm with an expert centre.")
    for d in a.donors:
        warnings.extend(f"Donor {d.donor_id}: {w}" for w in d.warnings)
    warnings.extend(w for w in a.warnings if not w.startswith("derived finding:"))
    return Summary(
        suspicion=[(key, s.level.value, s.score) for key, s in a.suspicion.items()],
        hsct_call=_CALL.get(h.recommendation.value, h.recommendation.value),
        urgency=_URGENCY.get(h.urgency.value, h.urgency.value), urgent=h.urgency.value == "urgent",
        hsct_unverified=h.certainty == "unverified",
        urgency_why=[_first_sentence(r.text) for r in h.urgency_reasons],
        actions=[(r.strength.value, r.text) for r in a.recommendations[:FIRST_ACTIONS]],
        more_actions=max(0, len(a.recommendations) - FIRST_ACTIONS),
        warnings=warnings,
    )


def summary_lines(a: Assessment) -> list[str]:
    """The summary as terminal lines (unwrapped; the text renderer wraps them)."""
    s = summarise(a)
    out = ["ANSWER FIRST (details and evidence below)"]
    out.append("  Suspicion: " + "; ".join(f"{k} {lvl.upper()} (score {score:g})" for k, lvl, score in s.suspicion))
    mark = " [UNVERIFIED]" if s.hsct_unverified else ""
    out.append(f"  {s.hsct_call}{mark} · {s.urgency}")
    for why in s.urgency_why:
        out.append(f"    ! {why}")
    if s.actions:
        out.append("  First actions:")
        out.extend(f"    {i}. [{strength}] {text}" for i, (strength, text) in enumerate(s.actions, 1))
        if s.more_actions:
            out.append(f"    (+{s.more_actions} more under RECOMMENDATIONS)")
    else:
        out.append("  First actions: none from this record")
    if s.warnings:
        out.append("  Warnings:")
        out.extend(f"    !! {w}" for w in s.warnings)
    return out
