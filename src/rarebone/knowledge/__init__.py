"""The evidence base as data: every clinical number and rule input, with its sources."""

from rarebone.knowledge._loader import DATA_DIR, KnowledgeBase, Source, load, load_from
from rarebone.knowledge._diseases import disease_index, normalise_disease_id
from rarebone.knowledge._units import converter_for, unit_converter

__all__ = ["DATA_DIR", "KnowledgeBase", "Source", "converter_for", "disease_index", "normalise_disease_id", "load", "load_from", "unit_converter"]
