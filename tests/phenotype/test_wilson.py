"""Wilson score interval against the published worked values (Newcombe 1998, Stat Med 17:857-872, Table I)."""

import pytest

from rarebone.validation.stats import wilson_interval as wilson


@pytest.mark.parametrize("successes, n, low, high", [
    (81, 263, 0.2553, 0.3662),  # Newcombe 1998 Table I, example 81/263, method 3 (Wilson)
    (15, 148, 0.0624, 0.1605),  # example 15/148
    (0, 20, 0.0000, 0.1611),  # example 0/20
    (1, 29, 0.0061, 0.1718),  # example 1/29
])
def test_wilson_interval_against_newcombe_1998(successes, n, low, high):
    a, b = wilson(successes, n)
    assert a == pytest.approx(low, abs=1e-4)
    assert b == pytest.approx(high, abs=1e-4)
