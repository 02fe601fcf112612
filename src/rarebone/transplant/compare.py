"""Threshold comparisons with the documented floating-point tolerance (TX-AMOUNT-ROUNDING float_tolerance).

A value computed in binary floating point (8.16 / 8.0 - 1 = 0.020000000000000018) must not cross a published
boundary (2%) by rounding noise: ``above`` is strict beyond the tolerance, ``at_least`` inclusive within it.
The tolerance is relative to the threshold's magnitude (at least 1 unit), so it is noise-sized at every scale.
"""

from __future__ import annotations

from rarebone.knowledge import KnowledgeBase


def tolerance(kb: KnowledgeBase, threshold: float) -> float:
    from rarebone.transplant.dosing import param

    return param(kb, "TX-AMOUNT-ROUNDING")["float_tolerance"] * max(1.0, abs(threshold))


def above(kb: KnowledgeBase, value: float, threshold: float) -> bool:
    """value > threshold, not counting floating-point noise."""
    return value - threshold > tolerance(kb, threshold)


def at_least(kb: KnowledgeBase, value: float, threshold: float) -> bool:
    """value >= threshold, a value short of it only by floating-point noise counts."""
    return value - threshold >= -tolerance(kb, threshold)


def below(kb: KnowledgeBase, value: float, threshold: float) -> bool:
    return not at_least(kb, value, threshold)


def passes(kb: KnowledgeBase, value: float, threshold: float, strict: bool) -> bool:
    return above(kb, value, threshold) if strict else at_least(kb, value, threshold)


def distinct_text(kb: KnowledgeBase, value: float, threshold: float, unit: str = "", percent: bool = False) -> str:
    """The value with as many decimals (from one, at most TX-DISPLAY threshold_max_decimals) as needed to show
    it differs from the threshold it is compared with (11.01 mg/dL is not shown as '11.0' in an 'above 11')."""
    from rarebone.transplant.dosing import param

    max_decimals = int(param(kb, "TX-DISPLAY")["threshold_max_decimals"])
    shift = 2 if percent else 0  # a fraction shown as a percentage has two more decimals
    decimals = 1
    while decimals < max_decimals and round(value, decimals + shift) == round(threshold, decimals + shift) \
            and abs(value - threshold) > tolerance(kb, threshold):
        decimals += 1
    if percent:
        return f"{value:.{decimals}%}"
    return f"{value:.{decimals}f}" + (f" {unit}" if unit else "")
