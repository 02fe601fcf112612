"""Phenotype-driven differential over every rare disease HPO annotates (OMIM and Orphanet).

A likelihood-ratio ranking in the spirit of LIRICAL over hpo3's bundled annotations (docs/differential.md). The
disease index is built once per HPO release and cached on disk; every model number is a DDX-* knowledge entry.
"""

from rarebone.phenotype.differential.index import DiseaseIndex, load_index
from rarebone.phenotype.differential.model import (Query, RankedDisease, TermMatch, rank, rank_among, rank_of,
                                                   score, truth_rows)
from rarebone.phenotype.differential.query import parameters, query_from_patient

__all__ = ["DiseaseIndex", "Query", "RankedDisease", "TermMatch", "load_index", "parameters", "query_from_patient",
           "rank", "rank_among", "rank_of", "score", "truth_rows"]
