"""The Wilson score interval for a proportion (Wilson 1927; method 3 of Newcombe 1998, Stat Med 17:857-872).

Chosen over the Wald interval because validation sets are small and sensitivities near 1: Wald collapses to a
zero-width interval at 0/n or n/n and overshoots [0, 1]; Wilson does neither (Newcombe 1998, Table I).
"""

from __future__ import annotations

from math import sqrt
from statistics import NormalDist

DEFAULT_CONFIDENCE = 0.95


def wilson_interval(successes: int, trials: int, confidence: float = DEFAULT_CONFIDENCE) -> tuple[float, float]:
    """(low, high) of the Wilson score interval; ValueError for an impossible count or an empty sample."""
    if trials <= 0 or not 0 <= successes <= trials:
        raise ValueError(f"need 0 <= successes <= trials and trials > 0 (got {successes}/{trials})")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p = successes / trials
    z2n = z * z / trials
    centre = p + z2n / 2
    half = z * sqrt(p * (1 - p) / trials + z2n / (4 * trials))
    denominator = 1 + z2n
    # Clamp the float noise at the exact ends (0/n has low 0, n/n has high 1 in exact arithmetic).
    return max(0.0, (centre - half) / denominator), min(1.0, (centre + half) / denominator)
