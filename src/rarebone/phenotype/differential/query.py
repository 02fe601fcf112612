"""From rarebone's Patient and knowledge base to the differential's query and parameters."""

from __future__ import annotations

from rarebone.knowledge import KnowledgeBase
from rarebone.patient import Patient
from rarebone.phenotype.differential.model import Query

# HPO onset classes (HP:0003674 subtree), youngest first, with the DDX-ONSET-BANDS key that ends each band
_ONSET_CLASSES = (
    ("HP:0003623", "neonatal_below_days"),  # Neonatal onset
    ("HP:0003593", "infantile_below_days"),  # Infantile onset
    ("HP:0011463", "childhood_below_days"),  # Childhood onset
    ("HP:0003621", "juvenile_below_days"),  # Juvenile onset
)
_ADULT_ONSET = "HP:0003581"
_CONGENITAL_ONSET = "HP:0003577"


def parameters(kb: KnowledgeBase) -> dict:
    """The model's numbers, read from their knowledge entries (their digest names the cache file)."""
    freq = kb.get("DDX-FREQUENCY-DEFAULT").values
    unexplained = kb.get("DDX-UNEXPLAINED-FEATURE").values
    onset = kb.get("DDX-ONSET").values
    return {
        "frequency_terms": dict(kb.get("DDX-FREQUENCY-TERMS").values),
        "frequency_default": freq["default"], "frequency_floor": freq["floor"], "frequency_ceiling": freq["ceiling"],
        "frequency_pseudocount": freq.get("fraction_pseudocount", 0.0),
        "unexplained_penalty": unexplained["penalty"], "specific_penalty": unexplained["specific_penalty"], "unexplained_floor_lr": unexplained["floor_likelihood_ratio"],
        "excluded_floor_lr": kb.get("DDX-EXCLUDED-FEATURE").values["floor_likelihood_ratio"],
        "excluded_weight": kb.get("DDX-EXCLUDED-FEATURE").values["weight"],
        "excluded_min_frequency": kb.get("DDX-EXCLUDED-FEATURE").values["min_frequency"],
        "unrecorded_rate": kb.get("DDX-UNRECORDED-FEATURE").values["recorded_probability"],
        "unrecorded_full_record_terms": kb.get("DDX-UNRECORDED-FEATURE").values.get("full_record_terms", 0),
        "onset_match_lr": onset["match_likelihood_ratio"], "onset_mismatch_lr": onset["mismatch_likelihood_ratio"],
        "onset_adjacent_neutral": onset.get("adjacent_class_neutral", 0),
        "onset_bands": dict(kb.get("DDX-ONSET-BANDS").values),
        "sex_mismatch_lr": kb.get("DDX-SEX-LIMITED").values["mismatch_likelihood_ratio"],
        "equivalent_ids": equivalent_ids(kb),
        "curated_annotations": curated_annotations(kb),
        "pool_equivalents": bool(kb.get("DDX-EQUIVALENT-IDS").values["pool_annotations"]),
        "orphanet_containment": str(kb.get("DDX-EQUIVALENT-IDS").values.get("containment", "genes")),
        "orphanet_exact_twins": int(kb.get("DDX-EQUIVALENT-IDS").values.get("orphanet_exact_twins", 0)),
        "xref_sets": xref_sets(kb),
        "thin_pseudocount": unexplained.get("thin_pseudocount", 0.0),
    }


def curated_annotations(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Disease id -> HPO terms the knowledge base adds to HPO's annotations (DDX-CURATED-*: its own concept sets
    of a disease it knows in depth, where HPO's annotations are thin)."""
    from rarebone.knowledge.kinds.phenotype import DifferentialParameter

    out: dict[str, list[str]] = {}
    for entry in kb.of_kind(DifferentialParameter):
        if not entry.id.startswith("DDX-CURATED-"):
            continue
        values = entry.values
        terms: list[str] = []
        for concept in str(values.get("concept_sets", "")).split():
            terms.extend(kb.get(concept).terms)
        flag = values.get("site_flag")
        if flag:
            for site in kb.entries.values():
                if getattr(site, flag, False):
                    terms.extend(site.roots)
        for disease_id in str(values["disease_ids"]).split():
            out.setdefault(disease_id, [])
            out[disease_id] = sorted(set(out[disease_id]) | set(terms))
    return out


def equivalent_ids(kb: KnowledgeBase) -> list[list[str]]:
    """[OMIM id, Orphanet id] pairs the knowledge base's cross-references give as the same disease: entries with
    exactly one id of each and no lowered certainty (an entry listing several is a grouping, not an identity)."""
    from rarebone.knowledge.kinds.base import DiseaseXref

    pairs = []
    for entry in kb.of_kind(DiseaseXref):
        omim = [i for i in entry.ids if i.startswith("OMIM:")]
        orpha = [i for i in entry.ids if i.startswith("ORPHA:")]
        if len(omim) == 1 and len(orpha) == 1 and entry.certainty == "verified":
            pairs.append([omim[0], orpha[0]])
    return sorted(pairs)


def xref_sets(kb: KnowledgeBase) -> list[list[str]]:
    """The OMIM/Orphanet ids of each knowledge-base cross-reference entry: two ids in different entries are
    different diseases by MONDO, whatever another source says."""
    from rarebone.knowledge.kinds.base import DiseaseXref

    out = [sorted(i for i in entry.ids if i.startswith(("OMIM:", "ORPHA:"))) for entry in kb.of_kind(DiseaseXref)]
    return sorted(ids for ids in out if ids)


def onset_class(age_days: float, bands: dict) -> str:
    if age_days <= 0:
        return _CONGENITAL_ONSET
    for term, key in _ONSET_CLASSES:
        if age_days < bands[key]:
            return term
    return _ADULT_ONSET


def query_from_patient(patient: Patient, params: dict) -> Query:
    """Observed and excluded HPO terms, the earliest recorded onset (as an HPO onset class) and the sex."""
    ages = [f.onset.age_days for f in patient.features if f.onset and f.onset.age_days is not None and not f.excluded]
    terms = [f.onset.onset_term for f in patient.features if f.onset and f.onset.onset_term and not f.excluded]
    onset = onset_class(min(ages), params["onset_bands"]) if ages else (terms[0] if len(set(terms)) == 1 else None)
    sex = patient.sex.value if patient.sex.value in ("male", "female") else None
    age = onset_class(patient.age_days, params["onset_bands"]) if patient.age_days is not None else None
    return Query(observed=tuple(dict.fromkeys(patient.present_terms())),
                 excluded=tuple(dict.fromkeys(patient.excluded_terms())), onset_term=onset, sex=sex,
                 age_term=age if params.get("age_bounds_onset", 1) else None)
