"""The edge where records enter: Phenopacket v2 JSON -> Patient. Every error names file, JSON path and value."""

from rarebone.intake.phenopacket import IntakeResult, expand_inputs, read_phenopacket, read_phenopacket_dict

__all__ = ["IntakeResult", "expand_inputs", "read_phenopacket", "read_phenopacket_dict"]
