"""core.units._norm: a unit spelling normalised by str.split, as the regular expression it replaced did."""

from __future__ import annotations


def test_unit_spelling_normalised_as_the_pattern_did():
    """core.units._norm (str.split) against the regular expression it replaced, on every whitespace character."""
    import random
    import re
    import sys

    from rarebone.core.units import _norm

    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(r"\s", c)]
    assert spaces == [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()]
    rng = random.Random(2)
    alphabet = spaces + list("aBc/ mg*10^9LµÅ")
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert _norm(text) == re.sub(r"\s+", " ", text.strip()).lower()
