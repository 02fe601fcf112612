"""Paper size of printed PDFs: A4 or US Letter.

``RAREBONE_PAPER`` (a4 | letter) decides; without it the locale's country does (LC_PAPER, then LC_ALL, then LANG):
Letter in the countries that use it (the US, Canada, Mexico, Chile, Colombia, Venezuela, the Philippines), A4
everywhere else. A setting rarebone does not know is one clear error, never a guess.
"""

from __future__ import annotations

import os

from rarebone.errors import InputError

SIZES = {"a4": "A4", "letter": "letter"}
_LETTER_COUNTRIES = {"US", "CA", "MX", "CL", "CO", "VE", "PH"}


def paper_size() -> str:
    setting = os.environ.get("RAREBONE_PAPER", "").strip().lower()
    if setting:
        if setting not in SIZES:
            raise InputError("paper size must be a4 or letter", path="RAREBONE_PAPER", value=setting)
        return SIZES[setting]
    for name in ("LC_PAPER", "LC_ALL", "LANG"):
        value = os.environ.get(name, "")
        if value and value not in ("C", "POSIX") and not value.startswith("C."):
            country = value.split(".")[0].split("@")[0].partition("_")[2].upper()
            return SIZES["letter"] if country in _LETTER_COUNTRIES else SIZES["a4"]
    return SIZES["a4"]
