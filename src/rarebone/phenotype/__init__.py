"""HPO access (offline, lazy), label checks, obsolete-id replacement and subsumption matching."""

from rarebone.phenotype.ontology import HpoOntology, ResolvedTerm, ontology

__all__ = ["HpoOntology", "ResolvedTerm", "ontology"]
