"""The small OMOP vocabulary subset rarebone ships for its synthetic CDM (CONCEPT, CONCEPT_ANCESTOR,
CONCEPT_RELATIONSHIP for the codes the demo writes and the screening concept sets name).

The CSVs in ``data/`` are built from ``codes.yaml`` by ``scripts/build_screening_vocabulary.py``; every row's
provenance is in ``data/sources.csv``. Real OMOP ids only where a verifiable source showed them; the rest are
local ids (>= LOCAL_ID_BASE, the range OMOP reserves for site-local concepts). A real site's vocabulary
replaces all of this: the screening resolves concepts by vocabulary and code.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
CODES_FILE = Path(__file__).parent / "codes.yaml"
LOCAL_ID_BASE = 2_000_000_000  # OMOP CDM convention: concept_id >= 2 billion are site-local concepts
TABLES = ("concept", "concept_ancestor", "concept_relationship")


@lru_cache(maxsize=1)
def concept_ids() -> dict[str, int]:
    """key (as in codes.yaml) -> concept_id, read from the built sources.csv."""
    with (DATA_DIR / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return {row["key"]: int(row["concept_id"]) for row in csv.DictReader(handle)}


def arrow_tables() -> dict[str, object]:
    """The three vocabulary tables as pyarrow Tables with CDM v5.4 column types."""
    from rarebone.screening.demo.schema import read_csv_table

    return {name: read_csv_table(DATA_DIR / f"{name}.csv", name) for name in TABLES}
