"""Osteopetrosis: suspicion, leukaemia mimic, genetics and HSCT indication, urgency, work-up, donor ranking.

Pure functions of (Patient, KnowledgeBase, ontology); no files, network, database or clock.
"""

from rarebone.osteopetrosis.assessment import OsteopetrosisAssessment, assess_osteopetrosis
from rarebone.osteopetrosis.genetics import assess_genetics, gene_table, hsct_for_genetics
from rarebone.osteopetrosis.results import HsctRecommendation, Urgency

__all__ = ["HsctRecommendation", "OsteopetrosisAssessment", "Urgency", "assess_genetics", "assess_osteopetrosis",
           "gene_table", "hsct_for_genetics"]
